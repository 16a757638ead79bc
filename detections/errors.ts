import { defineErrors } from '../platform/errors/index.ts';

/** Errors of the detections module. Tests branch on `code`. */
export const DetectionError = defineErrors('DetectionError', {
  /** A rule file is not valid YAML or not a valid Sigma rule (the message names file and line). */
  DETECTION_RULE_INVALID: 'invalid',
  /** A rule uses a Sigma feature this engine does not implement; it is reported, never loaded. */
  DETECTION_RULE_UNSUPPORTED: 'invalid',
  DETECTION_MAPPING_INVALID: 'invalid',
  DETECTION_RULE_NOT_FOUND: 'not_found',
  DETECTION_INVALID_REQUEST: 'invalid',
});
export type DetectionError = InstanceType<typeof DetectionError>;
export type DetectionErrorCode = DetectionError['code'];
