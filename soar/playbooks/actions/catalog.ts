import type { OutboundHttp } from '../../../platform/outbound/index.ts';
import { SoarError } from '../../errors.ts';
import type { ActionCatalog } from './action.ts';
import { DEFAULT_ENDPOINTS, httpActions } from './http-actions.ts';
import type { IntegrationEndpoints } from './http-actions.ts';
import { platformActions } from './platform-actions.ts';
import type { PlatformActionDeps } from './platform-actions.ts';

/** What the built-in actions use when they run: the platform's services and the vendor endpoints. */
export interface ActionCatalogDeps extends PlatformActionDeps {
  readonly endpoints?: IntegrationEndpoints;
}

/**
 * Every built-in action by name: the HTTP-based ones (`http.request`, `slack.post`, …) and the
 * platform ones (`alert.state`, `case.create`, containment, …). The one list of actions, for the
 * runner and for validating playbooks.
 */
export function createActionCatalog(deps: ActionCatalogDeps): ActionCatalog {
  return new Map(
    [
      ...httpActions(deps.outbound, deps.endpoints ?? DEFAULT_ENDPOINTS),
      ...platformActions(deps),
    ].map((action) => [action.name, action]),
  );
}

const notWhileChecking = (): never => {
  throw new SoarError(
    'SOAR_INVALID_REQUEST',
    'actions do not run while a playbook is being checked',
  );
};

/**
 * The built-in actions with their input schemas but nothing to run them with: enough for
 * `parsePlaybook` (which reads only names and schemas) without a database, secrets or network.
 * Running one throws `SOAR_INVALID_REQUEST`.
 */
export function createValidationCatalog(): ActionCatalog {
  const outbound: OutboundHttp = {
    request: notWhileChecking,
    assertAllowedUrl: notWhileChecking,
  };
  return createActionCatalog({
    outbound,
    triage: { act: notWhileChecking, comment: notWhileChecking },
    cases: {
      create: notWhileChecking,
      act: notWhileChecking,
      addAlerts: notWhileChecking,
      comment: notWhileChecking,
      addTask: notWhileChecking,
      addObservables: notWhileChecking,
    },
    intel: { lookup: notWhileChecking, lists: notWhileChecking },
    containment: {},
    readSecret: notWhileChecking,
  });
}
