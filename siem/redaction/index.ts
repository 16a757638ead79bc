export { SECRET_FIELD_RULE, redactEvent } from './redact-event.ts';
export type { EventRedaction } from './redact-event.ts';
