import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

// Generated fakes in Slack's shapes.
const { redact } = createSecretScanner();

describe('slack-token', () => {
  it.each([
    'xoxb-48347824504-000883873716-QFI14zGtSnovm14TUOizwd1i',
    'xoxp-01462016849-34072247045-585304352056-2f86702824c1c099724caf4941d40720',
    'xoxa-2-48347824504-000883873716-QFI14zGtSnovm14TUOizwd1i',
    'xoxr-48347824504-QFI14zGtSnovm14TUOizwd1i',
    'xoxs-48347824504-000883873716-QFI14zGtSnovm14TUOizwd1i',
    'xoxe-1-My0xLTQ4MzQ3ODI0NTA0LTAwMDg4Mzg3MzcxNg',
    'xapp-1-ACIXGY29DB8-3740718818174-28767efc2f91624a8940f1f836f99eee3692f09e2e8c662248b483b7ffc050fe',
  ])('masks %s', (value) => {
    expect(redact(`SLACK_TOKEN=${value}`).text).toBe('SLACK_TOKEN=[REDACTED:slack-token]');
    expect(redact(`token ${value}.`).text).toBe('token [REDACTED:slack-token].');
  });

  it.each([
    ['a placeholder without digits', 'export SLACK_BOT=xoxb-your-bot-token-here'],
    ['a bare prefix', 'tokens look like xoxb-...'],
    ['a different prefix', 'xoxz-48347824504-000883873716-QFI14zGtSnovm14TUOizwd1i'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input).rules).not.toContain('slack-token');
  });
});

describe('slack-webhook-url', () => {
  it('keeps the host readable and masks the secret path', () => {
    const url = 'https://hooks.slack.com/services/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';
    expect(redact(`POST ${url} 200`).text).toBe(
      'POST https://hooks.slack.com/services/[REDACTED:slack-webhook-url] 200',
    );
  });

  it('masks workflow trigger URLs too', () => {
    const url =
      'https://hooks.slack.com/workflows/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';
    expect(redact(url).text).toBe('https://hooks.slack.com/workflows/[REDACTED:slack-webhook-url]');
  });

  it('leaves other Slack URLs alone', () => {
    const input = 'see https://hooks.slack.com/ and https://api.slack.com/apps';
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
