import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../identity/index.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';

/**
 * Who may call a route, declared beside it (and shown in the OpenAPI document):
 * - `public`: anyone (liveness, JWKS, token endpoints, ingest probes documented as such);
 * - `permission`: an authenticated principal holding `<resource>:<action>`;
 * - `custom`: the handler authenticates by itself with the named security scheme (ingest
 *   source tokens), and the builder leaves the request alone.
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'permission';
      readonly permission: string;
      /**
       * The permission may be held for part of the route's resources only (path-scoped
       * secrets permissions such as `secrets:read:soar/*`): any scoped form passes the gate and
       * the handler checks the scope of the resource it touches.
       */
      readonly scoped?: boolean;
    }
  | { readonly kind: 'custom'; readonly scheme: string };

export interface RouteResponse {
  readonly description: string;
  /** Body schema (JSON); omitted for empty bodies or non-JSON bodies described by `contentType`. */
  readonly schema?: z.ZodType;
  /** Media type when not `application/json` (NDJSON, CSV, text). */
  readonly contentType?: string;
}

export interface RouteContext<P, Q, B> {
  readonly req: Request;
  readonly res: Response;
  /** The authenticated principal; always set for `permission` routes. */
  readonly principal: Principal | undefined;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Passes the request on (raw routes that decline a path, e.g. an index named like a platform route). */
  readonly next: NextFunction;
  /**
   * Adds non-secret details to this request's audit record (a version read, a count); ignored on
   * routes without `audit`.
   */
  readonly annotate: (details: Readonly<Record<string, unknown>>) => void;
  /**
   * Public routes whose credential travels in the request (a signed link) name, once they have
   * checked it, the tenant and actor their audit record belongs to; ignored without `audit`.
   */
  readonly attribute: (subject: AuditSubject) => void;
  /**
   * Raw audited routes call this once they know the request will be served, before they write
   * the response: it records the call (a record that cannot be written throws, and nothing is
   * sent). A raw handler that fails before calling it is recorded as a failure. A no-op elsewhere.
   */
  readonly audited: () => Promise<void>;
}

/**
 * Who a public route's audit record is about, once its credential has been checked: the tenant,
 * and the id the anonymous caller is recorded under (`signed-link`).
 */
export interface AuditSubject {
  readonly tenantId: string;
  readonly actorId: string;
}

/** What an audited route records, declared beside it (and shown in the OpenAPI document). */
export interface RouteAudit<P = unknown, Q = unknown, B = unknown> {
  /** `<module>.<verb>` or deeper, lower case: `secrets.read`, `rbac.role.create`. */
  readonly action: string;
  /** The resource acted on, from the validated request (and the result, once there is one). */
  readonly resource: (request: {
    readonly params: P;
    readonly query: Q;
    readonly body: B;
    /** The handler's result; undefined for raw routes and failures. */
    readonly result: unknown;
  }) => { readonly type: string; readonly id?: string };
}

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** One route: its contract (schemas, access, responses) and its handler. */
export interface RouteDefinition<
  PS extends Schema | undefined = Schema | undefined,
  QS extends Schema | undefined = Schema | undefined,
  BS extends Schema | undefined = Schema | undefined,
> {
  readonly method: HttpMethod;
  /** Express path syntax (`/events/:id`, `/secrets/*path`). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: RouteAccess;
  readonly params?: PS;
  readonly query?: QS;
  /** JSON body schema; the builder parses JSON within `bodyLimit` bytes. */
  readonly body?: BS;
  readonly bodyLimit?: number;
  /**
   * The handler reads the body and writes the response itself (streaming, NDJSON, the
   * Elasticsearch-compatible API); the builder still validates params and query and checks access.
   */
  readonly raw?: boolean;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /**
   * Audit every call: changes are recorded in the same unit of work as the change (the request
   * fails with 503 when the record cannot be written); reads declared here are the sensitive
   * ones (secret values, exports, evidence downloads). Raw routes record themselves through
   * `audited()` before they respond.
   */
  readonly audit?: RouteAudit<Infer<PS>, Infer<QS>, Infer<BS>>;
  /**
   * Returns the body of the first 2xx response declared (sent as JSON), or undefined when it
   * has written the response itself.
   */
  readonly handler: (context: RouteContext<Infer<PS>, Infer<QS>, Infer<BS>>) => unknown;
}

/** A route of any shape, as routers and the OpenAPI generator see it. */
export type AnyRoute = RouteDefinition;

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | undefined = undefined,
>(definition: RouteDefinition<PS, QS, BS>): AnyRoute {
  return definition;
}

/** `/events/:id` → `/events/{id}`; `/secrets/*path` → `/secrets/{path}`. */
export function openApiPath(path: string): string {
  return path.replaceAll(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

/** `{ id }` of a handler result that carries a string `id` (for `audit.resource`), else `{}`. */
export function idOf(result: unknown): { readonly id?: string } {
  if (typeof result !== 'object' || result === null) return {};
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' ? { id } : {};
}
