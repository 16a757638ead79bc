import express, { Router } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { PlatformError } from '../errors/index.ts';
import type { FieldIssue } from '../errors/index.ts';
import { holdsPermissionSomewhere, IdentityError } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import type { AnyRoute, AuditSubject } from './route.ts';

/** One call of an audited route, as the auditor records it. */
export interface AuditedCall {
  readonly route: AnyRoute;
  readonly req: Request;
  readonly principal: Principal | undefined;
  readonly action: string;
  /** The resource acted on; `result` is the handler's result (undefined on failure). */
  resource(result: unknown): { readonly type: string; readonly id?: string };
  /** Details the handler added with `annotate`. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Set by a public route with `attribute` once it has checked the request's credential. */
  subject(): AuditSubject | undefined;
}

/**
 * Records audited calls. `run` performs the call and writes its record atomically with it (the
 * app runs both in one unit of work); a record that cannot be written fails the request.
 * `before` records a raw route's call before it responds (it writes its own response), and
 * `failed` a raw route's call that failed before that.
 */
export interface RouteAuditor {
  run<T>(call: AuditedCall, work: () => Promise<T>): Promise<T>;
  before(call: AuditedCall): Promise<void>;
  failed(call: AuditedCall, error: unknown): Promise<void>;
}

export interface RouterOptions {
  /** The principal of a request; throws an `unauthenticated` error when there is none. */
  readonly authenticate: (req: Request) => Promise<Principal>;
  /** Largest JSON body a route accepts unless it declares its own `bodyLimit`. */
  readonly defaultBodyLimit: number;
  /** Told of every refused access (for metrics and the audit log). */
  readonly onDenied?: (principal: Principal, route: AnyRoute, req: Request) => void;
  /** Runs first, before authentication (per-address rate limits); throwing refuses the request. */
  readonly beforeAuthenticate?: (route: AnyRoute, req: Request, res: Response) => Promise<void>;
  /** Runs once a principal is known (per-principal rate limits); throwing refuses the request. */
  readonly afterAuthenticate?: (
    route: AnyRoute,
    req: Request,
    res: Response,
    principal: Principal,
  ) => Promise<void>;
  /**
   * Told when a request is allowed only through a just-in-time elevation, before the handler
   * runs (the app audits each use; throwing refuses the request).
   */
  readonly onElevatedUse?: (principal: Principal, route: AnyRoute, req: Request) => Promise<void>;
  /** Records the routes that declare `audit`; without it they run unaudited (tests, tools). */
  readonly auditor?: RouteAuditor;
}

/** The principal authenticated for this request by a route's access check. */
export function principalOf(res: Response): Principal | undefined {
  return (res.locals as { principal?: Principal }).principal;
}

function issuesOf(error: z.ZodError, where: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys')
      return { path: issue.keys.map((k) => `${path}.${k}`).join(', '), message: 'unknown field' };
    return { path, message: issue.message };
  });
}

function parseWith<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  where: string,
  issues: FieldIssue[],
): T | undefined {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(...issuesOf(parsed.error, where));
  return undefined;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Builds an express router from route definitions: JSON bodies parsed within their limit,
 * params, query and body validated (400 listing every failing field), access checked (401
 * without a principal, 403 without the permission), then the handler; its result is sent as
 * JSON with the route's first 2xx status.
 */
export function buildRouter(routes: readonly AnyRoute[], options: RouterOptions): Router {
  const router = Router();
  for (const route of routes) {
    const handlers: RequestHandler[] = [];
    if (route.body && !route.raw) {
      const parse: RequestHandler = express.json({
        limit: route.bodyLimit ?? options.defaultBodyLimit,
        strict: true,
        type: JSON_TYPES,
      });
      handlers.push((req: Request, res: Response, next: NextFunction) => {
        const length = Number(req.headers['content-length'] ?? 0);
        if ((length > 0 || req.headers['transfer-encoding'] !== undefined) && !req.is(JSON_TYPES)) {
          next(new PlatformError('REQUEST_UNSUPPORTED_MEDIA', 'send the body as application/json'));
          return;
        }
        parse(req, res, next);
      });
    }
    const success =
      Object.keys(route.responses)
        .map(Number)
        .filter((s) => s >= 200 && s < 300)
        .sort((a, b) => a - b)[0] ?? 200;
    handlers.push(async (req: Request, res: Response, next: NextFunction) => {
      let principal: Principal | undefined;
      await options.beforeAuthenticate?.(route, req, res);
      if (route.access.kind === 'permission') {
        principal = await options.authenticate(req);
        (res.locals as { principal?: Principal }).principal = principal;
        await options.afterAuthenticate?.(route, req, res, principal);
        const permission = route.access.permission;
        const holds =
          route.access.scoped === true
            ? holdsPermissionSomewhere(principal, permission)
            : principal.permissions.has(permission);
        if (!holds) {
          options.onDenied?.(principal, route, req);
          throw new IdentityError(
            'IDENTITY_FORBIDDEN',
            `this needs the permission ${route.access.permission}`,
            { details: { permission: route.access.permission } },
          );
        }
        const elevated = principal.elevated ?? new Set<string>();
        const throughElevation =
          route.access.scoped === true
            ? !holdsPermissionSomewhere(
                { permissions: difference(principal.permissions, elevated) },
                permission,
              )
            : elevated.has(permission);
        if (throughElevation) await options.onElevatedUse?.(principal, route, req);
      }
      const issues: FieldIssue[] = [];
      const params = parseWith(route.params, req.params, 'params', issues);
      const query = parseWith(route.query, req.query, 'query', issues);
      const body = route.raw ? undefined : parseWith(route.body, req.body ?? {}, 'body', issues);
      if (issues.length > 0) {
        throw new PlatformError(
          'REQUEST_INVALID',
          `invalid request: ${issues.map((i) => i.path).join(', ')}`,
          { issues },
        );
      }
      const details: Record<string, unknown> = {};
      let subject: AuditSubject | undefined;
      const context = {
        req,
        res,
        principal,
        params,
        query,
        body,
        next,
        annotate: (more: Readonly<Record<string, unknown>>) => Object.assign(details, more),
        attribute: (who: AuditSubject) => {
          subject = who;
        },
        audited: () => Promise.resolve(),
      };
      const declared = route.audit;
      const auditor = options.auditor;
      let result: unknown;
      if (declared && auditor) {
        const call: AuditedCall = {
          route,
          req,
          principal,
          action: declared.action,
          resource: (value) => declared.resource({ params, query, body, result: value }),
          details,
          subject: () => subject,
        };
        if (route.raw) {
          const state = { recorded: false };
          const audited = async () => {
            if (state.recorded) return;
            state.recorded = true;
            await auditor.before(call);
          };
          try {
            result = await route.handler({ ...context, audited });
          } catch (err) {
            if (!state.recorded) await auditor.failed(call, err);
            throw err;
          }
          // A raw handler that answered without calling audited() is recorded after the fact.
          await audited();
        } else {
          result = await auditor.run(call, () => Promise.resolve(route.handler(context)));
        }
      } else {
        result = await route.handler(context);
      }
      if (res.headersSent) return;
      if (result === undefined)
        res.status(success === 200 && route.responses[204] ? 204 : success).end();
      else res.status(success).json(result);
    });
    router[route.method](route.path, ...handlers);
  }
  return router;
}

/** Members of `all` that are not in `minus`. */
function difference(all: ReadonlySet<string>, minus: ReadonlySet<string>): Set<string> {
  return new Set([...all].filter((p) => !minus.has(p)));
}
