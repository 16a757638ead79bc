import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';

// Publishable keys (pk_) are public by design and are not reported.
const SECRET_KEY = /(?<=^|[^A-Za-z0-9]|\\[ntr])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}/g;

export const stripeSecretKeyRule: SecretRule = {
  id: 'stripe-secret-key',
  description: 'Stripe secret or restricted key (sk_live_, rk_live_, sk_test_, rk_test_)',
  specificity: 'format',
  anchors: ['_(?<=[rs]k_(?:live|test)_)'],
  find(text, report) {
    eachMatch(SECRET_KEY, text, (m) => report(m.index, m.index + m[0].length));
  },
};

const WEBHOOK_SECRET = /(?<=^|[^A-Za-z0-9]|\\[ntr])whsec_[A-Za-z0-9+/]{20,200}={0,2}/g;

export const stripeWebhookSecretRule: SecretRule = {
  id: 'stripe-webhook-secret',
  description: 'Stripe (or Svix-style) webhook signing secret (whsec_...)',
  specificity: 'format',
  anchors: ['_(?<=whsec_)'],
  find(text, report) {
    eachMatch(WEBHOOK_SECRET, text, (m) => report(m.index, m.index + m[0].length));
  },
};
