import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

// Generated fakes in Stripe's shapes.
const { redact } = createSecretScanner();

describe('stripe-secret-key', () => {
  it.each([
    ['sk_live_Qxjq4i9DoV8gz4FkQ1okTBGz'],
    ['rk_live_vAmwufUxbvJDCTbyvHNsG9eh'],
    ['sk_test_6Yo4gfqrc5XlrWi0B26R08qz'],
    ['rk_test_6Yo4gfqrc5XlrWi0B26R08qz'],
  ])('masks %s', (key) => {
    expect(redact(`stripe.api_key = "${key}"`).text).toBe(
      'stripe.api_key = "[REDACTED:stripe-secret-key]"',
    );
  });

  it.each([
    ['a publishable key (public by design)', 'pk_live_DavJA76rNicHTp8hkqdlm7tO'],
    ['a short suffix', 'sk_live_short'],
    ['prose', 'the sk_live_ prefix marks live keys'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});

describe('stripe-webhook-secret', () => {
  it('masks whsec_ secrets', () => {
    expect(redact('STRIPE_WEBHOOK=whsec_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3h').text).toBe(
      'STRIPE_WEBHOOK=[REDACTED:stripe-webhook-secret]',
    );
  });

  it('leaves the bare prefix alone', () => {
    expect(redact('configure whsec_ in the dashboard').rules).toEqual([]);
  });
});
