import { defineErrors } from '../platform/errors/index.ts';

/** Errors of the detections module. Tests branch on `code`. */
export const DetectionError = defineErrors('DetectionError', {
  /** A rule file is not valid YAML or not a valid Sigma rule (the message names file and line). */
  DETECTION_RULE_INVALID: 'invalid',
  /** A rule uses a Sigma feature this engine does not implement; it is reported, never loaded. */
  DETECTION_RULE_UNSUPPORTED: 'invalid',
  DETECTION_MAPPING_INVALID: 'invalid',
  /** A rule path that cannot be read, or (rule routes) no rule or correlation with that id. */
  DETECTION_RULE_NOT_FOUND: 'not_found',
  /** Rules could not be (re)loaded (a rule directory cannot be read); the rules in effect stay. */
  DETECTION_RELOAD_FAILED: 'unavailable',
  /** Rules are platform-wide: changing them is for principals of the operator tenant. */
  DETECTION_OPERATOR_ONLY: 'forbidden',
  DETECTION_INVALID_REQUEST: 'invalid',
  /** No such alert in the caller's tenant (another tenant's alert is not found either). */
  DETECTION_ALERT_NOT_FOUND: 'not_found',
  /** An alert filter, page or cursor that cannot be used (the message names which). */
  DETECTION_ALERT_INVALID_REQUEST: 'invalid',
  /** An alert upsert that breaks the store's rules (no occurrences, another tenant's alert). */
  DETECTION_ALERT_UPSERT_INVALID: 'invalid',
});
export type DetectionError = InstanceType<typeof DetectionError>;
export type DetectionErrorCode = DetectionError['code'];
