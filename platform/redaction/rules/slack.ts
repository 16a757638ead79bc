import type { SecretRule } from '../secret-rule.ts';
import { eachMatch, trailingGroup } from './each-match.ts';

// Bot, user, app-level, refresh and legacy tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-,
// xapp-. Real ones carry digits; placeholders such as `xoxb-your-token-here` do not.
const TOKEN = /(?<=^|[^A-Za-z0-9]|\\[ntr])(?:xox[abeprs]|xapp)-[A-Za-z0-9][A-Za-z0-9-]{8,250}/g;

export const slackTokenRule: SecretRule = {
  id: 'slack-token',
  description: 'Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xapp-)',
  specificity: 'format',
  anchors: ['-(?<=(?:xox[abeprs]|xapp)-)'],
  find(text, report) {
    eachMatch(TOKEN, text, (m) => {
      let end = m.index + m[0].length;
      while (text.charCodeAt(end - 1) === 45) end--; // trailing '-' is punctuation
      const token = text.slice(m.index, end);
      if (/\d/.test(token.slice(5)) && token.length >= 15) report(m.index, end);
    });
  },
};

// Keeps `https://hooks.slack.com/services/` readable and masks the path that is the secret.
const WEBHOOK =
  /(?i:hooks\.slack(?:-gov)?\.com)\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{20,300})/g;

export const slackWebhookRule: SecretRule = {
  id: 'slack-webhook-url',
  description: 'Slack incoming webhook, workflow or trigger URL path',
  specificity: 'format',
  anchors: ['\\.(?<=(?i:hooks)\\.)(?i:slack)'],
  find(text, report) {
    eachMatch(WEBHOOK, text, (m) => {
      const span = trailingGroup(m, 1);
      if (span !== undefined) report(span[0], span[1]);
    });
  },
};
