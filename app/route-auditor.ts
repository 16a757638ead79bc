import type { Request } from 'express';
import type {
  AuditActor,
  AuditEntry,
  AuditLog,
  AuditOutcome,
  AuditResource,
} from '../platform/audit/index.ts';
import { isSecOpsError } from '../platform/errors/index.ts';
import type { AnyRoute, AuditedCall, RouteAuditor } from '../platform/http/index.ts';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import type { AuthEvent, Principal } from '../platform/identity/index.ts';
import type { Logger } from '../platform/logging/index.ts';
import type { RelationalStore } from '../platform/storage/index.ts';

export interface PlatformAuditor extends RouteAuditor {
  /** Records a refused access (403) of any route. */
  denied(principal: Principal, route: AnyRoute, req: Request): Promise<void>;
  /** Records a request allowed only through a just-in-time elevation. */
  elevatedUse(principal: Principal, route: AnyRoute, req: Request): Promise<void>;
  /** Records a sign-in, lockout, client authentication, refresh-token reuse or logout. */
  authEvent(event: AuthEvent): Promise<void>;
  /** Appends one record in its own transaction. */
  record(entry: AuditEntry): Promise<void>;
}

/**
 * The app's audit policy over the tamper-evident log: an audited route's change and its record
 * commit in one unit of work (a record that cannot be written fails the request with 503, as
 * Vault refuses requests it cannot audit); failures and refusals are recorded after the fact.
 */
export function createPlatformAuditor(deps: {
  readonly store: RelationalStore;
  readonly log: AuditLog;
  readonly logger: Logger;
}): PlatformAuditor {
  const { store, log, logger } = deps;

  const record = async (entry: AuditEntry): Promise<void> => {
    await store.unitOfWork(async () => {
      await log.append(store, entry);
    });
  };

  /** A failure is recorded on a best-effort basis: the request already failed. */
  const recordAfterFailure = async (entry: AuditEntry): Promise<void> => {
    try {
      await record(entry);
    } catch (err) {
      logger.error({ err, action: entry.action }, 'audit record of a failed request not written');
    }
  };

  const entryOf = (
    call: AuditedCall,
    outcome: AuditOutcome,
    result: unknown,
    extra: Readonly<Record<string, unknown>> = {},
  ): AuditEntry => {
    const elevated = call.principal?.elevated?.has(permissionOf(call.route)) === true;
    const details = { ...call.details, ...extra, ...(elevated ? { elevated: true } : {}) };
    const subject = call.subject();
    return {
      ...requestFields(call.req, call.principal),
      ...(subject === undefined
        ? {}
        : { tenantId: subject.tenantId, actor: { kind: 'anonymous', id: subject.actorId } }),
      action: call.action,
      resource: call.resource(result),
      outcome,
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  };

  return {
    record,

    async run(call, work) {
      try {
        return await store.unitOfWork(async () => {
          const result = await work();
          await log.append(store, entryOf(call, 'success', result));
          return result;
        });
      } catch (err) {
        if (!(isSecOpsError(err) && err.code === 'AUDIT_APPEND_FAILED')) {
          await recordAfterFailure(entryOf(call, 'failure', undefined, failureDetails(err)));
        }
        throw err;
      }
    },

    async before(call) {
      await record(entryOf(call, 'success', undefined));
    },

    async failed(call, error) {
      await recordAfterFailure(entryOf(call, 'failure', undefined, failureDetails(error)));
    },

    async denied(principal, route, req) {
      await recordAfterFailure({
        ...requestFields(req, principal),
        action: route.audit?.action ?? 'access.request',
        resource: routeResource(route),
        outcome: 'denied',
        details: { permission: permissionOf(route) },
      });
    },

    async elevatedUse(principal, route, req) {
      await record({
        ...requestFields(req, principal),
        action: 'access.elevation.use',
        resource: routeResource(route),
        outcome: 'success',
        details: { permission: permissionOf(route) },
      });
    },

    async authEvent(event) {
      await record(authEntry(event));
    },
  };
}

/** The permission a route declares ('' for public and custom routes). */
function permissionOf(route: AnyRoute): string {
  return route.access.kind === 'permission' ? route.access.permission : '';
}

function routeResource(route: AnyRoute): AuditResource {
  return { type: 'route', id: `${route.method.toUpperCase()} ${route.path}` };
}

function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { kind: 'anonymous', id: 'anonymous' };
  return { kind: principal.kind, id: principal.id, name: principal.name };
}

function requestFields(
  req: Request,
  principal: Principal | undefined,
): Pick<AuditEntry, 'actor' | 'tenantId' | 'requestId' | 'sourceAddress' | 'userAgent'> {
  const requestId = (req.res?.locals as { requestId?: unknown } | undefined)?.requestId;
  const userAgent = req.get('user-agent');
  return {
    actor: actorOf(principal),
    tenantId: principal?.tenantId ?? DEFAULT_TENANT,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(req.ip !== undefined ? { sourceAddress: req.ip } : {}),
    ...(userAgent !== undefined && userAgent !== '' ? { userAgent: userAgent.slice(0, 512) } : {}),
  };
}

/** The error's code only: messages may quote request input. */
function failureDetails(err: unknown): Record<string, unknown> {
  return { error: isSecOpsError(err) ? err.code : 'INTERNAL' };
}

function authEntry(event: AuthEvent): AuditEntry {
  const at = { tenantId: event.tenantId ?? DEFAULT_TENANT };
  switch (event.type) {
    case 'login.succeeded':
      return {
        ...at,
        actor: { kind: 'user', id: event.userId, name: event.username },
        action: 'auth.login',
        resource: { type: 'user', id: event.userId },
        outcome: 'success',
        details: { method: event.method },
      };
    case 'login.failed':
      return {
        ...at,
        actor: { kind: 'anonymous', id: 'anonymous' },
        action: 'auth.login',
        resource: { type: 'user', ...(event.userId !== undefined ? { id: event.userId } : {}) },
        outcome: 'failure',
        details: { method: event.method, reason: event.reason },
        // The name someone typed may be a password pasted in the wrong box: keyed hash only.
        sensitive: { username: event.username },
      };
    case 'account.locked_out':
      return {
        ...at,
        actor: { kind: 'system', id: 'lockout' },
        action: 'auth.lockout',
        resource: { type: 'user', id: event.userId },
        outcome: 'success',
        details: { until: new Date(event.until).toISOString() },
      };
    case 'client.authenticated':
      return {
        ...at,
        actor: { kind: 'agent', id: event.agentId, name: event.clientId },
        action: 'auth.client',
        resource: { type: 'agent', id: event.agentId },
        outcome: 'success',
        details: { previousSecret: event.previousSecret },
      };
    case 'client.failed':
      return {
        ...at,
        actor: { kind: 'anonymous', id: 'anonymous' },
        action: 'auth.client',
        resource: { type: 'agent', ...(event.agentId !== undefined ? { id: event.agentId } : {}) },
        outcome: 'failure',
        details: { reason: event.reason },
        sensitive: { clientId: event.clientId },
      };
    case 'refresh.reuse_detected':
      return {
        ...at,
        actor: { kind: 'system', id: 'refresh-tokens' },
        action: 'auth.refresh.reuse',
        resource: { type: 'session', id: event.familyId },
        outcome: 'denied',
        details: { userId: event.userId },
      };
    case 'logout':
      return {
        ...at,
        actor: { kind: 'user', id: event.userId },
        action: 'auth.logout',
        resource: {
          type: 'session',
          ...(event.familyId !== undefined ? { id: event.familyId } : {}),
        },
        outcome: 'success',
      };
  }
}
