import express, { Router } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { PlatformError } from '../errors/index.ts';
import type { FieldIssue } from '../errors/index.ts';
import { IdentityError } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import type { AnyRoute } from './route.ts';

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
        if (!principal.permissions.has(route.access.permission)) {
          options.onDenied?.(principal, route, req);
          throw new IdentityError(
            'IDENTITY_FORBIDDEN',
            `this needs the permission ${route.access.permission}`,
            { details: { permission: route.access.permission } },
          );
        }
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
      const result: unknown = await route.handler({
        req,
        res,
        principal,
        params,
        query,
        body,
        next,
      });
      if (res.headersSent) return;
      if (result === undefined)
        res.status(success === 200 && route.responses[204] ? 204 : success).end();
      else res.status(success).json(result);
    });
    router[route.method](route.path, ...handlers);
  }
  return router;
}
