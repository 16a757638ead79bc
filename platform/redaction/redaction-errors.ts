import { defineErrors } from '../errors/index.ts';

/** Errors of the redaction kernel: only a mis-declared rule set can fail. */
export const RedactionError = defineErrors('RedactionError', {
  REDACTION_RULE_INVALID: 'invalid',
});
export type RedactionError = InstanceType<typeof RedactionError>;
export type RedactionErrorCode = RedactionError['code'];
