import { defineErrors } from '../platform/errors/index.ts';

/** Errors of the soar module. Tests branch on `code`. */
export const SoarError = defineErrors('SoarError', {
  /** No such alert in the caller's tenant (another tenant's alert is not found either). */
  SOAR_ALERT_NOT_FOUND: 'not_found',
  /** The action does not apply to the alert's state (acknowledging a resolved alert). */
  SOAR_TRANSITION_INVALID: 'conflict',
  /** No such case (or task, or observable added by hand) in the caller's tenant. */
  SOAR_CASE_NOT_FOUND: 'not_found',
  /** The alert is already in a case (an alert belongs to one case at most). */
  SOAR_ALERT_IN_CASE: 'conflict',
  /** A request that cannot be used as given (the message names the field). */
  SOAR_INVALID_REQUEST: 'invalid',
  /** A playbook document that fails its schema or checks (file, line and field in the message). */
  SOAR_PLAYBOOK_INVALID: 'invalid',
  /** No such playbook (or run, or approval) in the caller's tenant. */
  SOAR_PLAYBOOK_NOT_FOUND: 'not_found',
  SOAR_RUN_NOT_FOUND: 'not_found',
  /** The run or step is not in a state that allows the request (approving a decided step). */
  SOAR_RUN_CONFLICT: 'conflict',
});
export type SoarError = InstanceType<typeof SoarError>;
export type SoarErrorCode = SoarError['code'];
