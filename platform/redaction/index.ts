export { createSecretScanner } from './secret-scanner.ts';
export type { RedactionResult, SecretScanner, SecretScannerOptions } from './secret-scanner.ts';
export { isSecretFieldName } from './secret-field-name.ts';
export { isPlaceholderValue } from './secret-value.ts';
export { defaultSecretRules } from './rules/default-rules.ts';
export type { ReportSpan, RuleSpecificity, SecretFinding, SecretRule } from './secret-rule.ts';
export { RedactionError } from './redaction-errors.ts';
export type { RedactionErrorCode } from './redaction-errors.ts';
