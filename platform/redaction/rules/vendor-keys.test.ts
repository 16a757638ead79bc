import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

// SendGrid, Google, npm and our own (ClayTom) keys: generated fakes in each vendor's shape.
const { redact } = createSecretScanner();

describe.each([
  {
    rule: 'sendgrid-api-key',
    value: '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',
    nearMisses: ['SG.z_TddJ8HyS5SUkCnD8zRA9.tooShort', 'MSG.z_TddJ8HyS5SUkCnD8zRA9 ok'],
  },
  {
    rule: 'google-api-key',
    value: 'AIzahT61qtc4xatws8phP9nhFyJfm5di4PzJ59F',
    nearMisses: ['AIzahT61qtc4xatws8phP9nhFy', 'AIza is the prefix of Google keys'],
  },
  {
    rule: 'npm-token',
    value: 'npm_SH4487q7J58m1CiAhzCueQpBenQtYh5Xj8TP',
    nearMisses: ['npm_config_registry=https://registry.npmjs.org/', 'npm_SH4487q7J58m1CiA'],
  },
  {
    rule: 'claytom-token',
    value: 'sac_bywSBeBOk5n1knoNZVsXd5GpCV9-TWKNNoBvWZQJlqY',
    nearMisses: [
      'sac_tooShort',
      'see sat_ in the docs',
      'isat_bywSBeBOk5n1knoNZVsXd5GpCV9-TWKNNoBvWZQJlqY',
    ],
  },
])('$rule', ({ rule, value, nearMisses }) => {
  it('masks the key wherever it stands', () => {
    expect(redact(value).text).toBe(`[REDACTED:${rule}]`);
    expect(redact(`key="${value}";`).text).toBe(`key="[REDACTED:${rule}]";`);
    expect(redact(`//registry/:_authToken=${value}`).text).not.toContain(value);
  });

  it.each(nearMisses)('leaves %s alone', (input) => {
    expect(redact(input).rules).not.toContain(rule);
  });
});
