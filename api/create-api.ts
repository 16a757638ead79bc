import { TLSSocket } from 'node:tls';
import express from 'express';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { isSecOpsError } from '../platform/errors/index.ts';
import type { IdGenerator } from '../platform/ids/index.ts';
import { IdentityError } from '../platform/identity/index.ts';
import type { Principal } from '../platform/identity/index.ts';
import { buildRouter, defineRoute, toOpenApiDocument } from '../platform/http/index.ts';
import type { RouteAuditor } from '../platform/http/index.ts';
import type { AnyRoute } from '../platform/http/index.ts';
import type { Logger } from '../platform/logging/index.ts';
import type { Metrics } from '../platform/metrics/index.ts';
import type { RateLimiter } from '../platform/rate-limit/index.ts';
import { toProblem } from './problem-details.ts';
import { swaggerUi } from './swagger-ui.ts';

export interface DependencyState {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ApiDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly ids: IdGenerator;
  readonly trustProxy: boolean | number | string;
  /** Readiness of each dependency, for `/status`. */
  readonly dependencies: () => Promise<readonly DependencyState[]>;
  /** Seconds sent as Retry-After with 429 and 503. */
  readonly retryAfterSeconds: number;
  /** The principal of a request (bearer JWT or API token); throws `unauthenticated`. */
  readonly authenticate: (req: Request) => Promise<Principal>;
  /** Largest JSON body of a route that does not declare its own limit. */
  readonly defaultBodyLimit: number;
  /** Every module's routes, mounted in order. */
  readonly routes: readonly AnyRoute[];
  /** Mounted after everything else: routes that claim broad paths (the Elasticsearch API). */
  readonly fallbackRoutes?: readonly AnyRoute[];
  readonly version: string;
  /** Per-address and per-principal request limits. */
  readonly rateLimiter?: RateLimiter;
  /**
   * With mTLS: SPIFFE IDs allowed in the client certificate's URI SAN (empty: any certificate
   * the TLS layer accepted).
   */
  readonly spiffeIds?: readonly string[];
  /** Records audited routes (see `RouteDefinition.audit`). */
  readonly auditor?: RouteAuditor;
  /** Told of every refused access (the app audits it). */
  readonly onDenied?: (principal: Principal, route: AnyRoute, req: Request) => void;
  /** Told of every request allowed only through a just-in-time elevation. */
  readonly onElevatedUse?: (principal: Principal, route: AnyRoute, req: Request) => Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Top-level paths the platform serves itself (never Elasticsearch index names). */
export const PLATFORM_PATHS: ReadonlySet<string> = new Set([
  'health',
  'status',
  'metrics',
  'ingest',
  'events',
  'sources',
  'openapi.json',
  'docs',
  'auth',
  'oauth',
  'tenants',
  'rbac',
  'audit',
  'secrets',
  'alerts',
  'observables',
  'sla',
  'detections',
  'cases',
  'playbooks',
  'runs',
  'commands',
  'evidence',
  'controls',
  'frameworks',
  'reports',
  'admission',
  'verify',
  'sbom',
  'findings',
  '.well-known',
  'users',
  'agents',
  'elevations',
  'tokens',
]);

const SECURITY_SCHEMES = {
  ingestToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An ingest source token (sct_…) as Bearer, as the password of Basic auth, or as an Elasticsearch ApiKey',
  },
};

/**
 * The HTTP API: request ids, metrics, health and readiness, the OpenAPI document and its UI,
 * every module's declared routes, and one error handler that turns every error into RFC 9457
 * problem+json without leaking internals.
 */
export function createApi(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('etag', false);

  const duration = deps.metrics.histogram(
    'http_request_duration_seconds',
    'HTTP request latency by route and status',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['method', 'route', 'status'],
  );
  const denied = deps.metrics.counter(
    'http_access_denied_total',
    'Requests refused for a missing permission',
    ['permission'],
  );
  const authFailures = deps.metrics.counter(
    'http_auth_failures_total',
    'Requests refused for missing or invalid credentials',
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    }),
  );
  if (deps.spiffeIds && deps.spiffeIds.length > 0) app.use(requireSpiffeId(deps.spiffeIds));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && REQUEST_ID.test(given) ? given : deps.ids.uuidv7();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const seconds = (performance.now() - started) / 1000;
      duration.observe(
        { method: req.method, route: route ?? 'unmatched', status: String(res.statusCode) },
        seconds,
      );
      const entry = {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        remote: req.ip,
      };
      if (res.statusCode >= 500) deps.logger.warn(entry, 'request failed');
      else deps.logger.debug(entry, 'request');
    });
    next();
  });

  const platformRoutes = platformRoutesOf(deps, () => openApi);
  const all = [...platformRoutes, ...deps.routes, ...(deps.fallbackRoutes ?? [])];
  const openApi = toOpenApiDocument(
    all,
    { title: 'ClayTom SecOps API', version: deps.version },
    SECURITY_SCHEMES,
  );

  app.use('/docs', swaggerUi.assets);
  app.use(
    buildRouter(all, {
      authenticate: deps.authenticate,
      defaultBodyLimit: deps.defaultBodyLimit,
      onDenied: (principal, route, req) => {
        if (route.access.kind === 'permission') denied.inc({ permission: route.access.permission });
        deps.onDenied?.(principal, route, req);
      },
      ...(deps.auditor ? { auditor: deps.auditor } : {}),
      ...(deps.onElevatedUse ? { onElevatedUse: deps.onElevatedUse } : {}),
      ...(deps.rateLimiter
        ? {
            beforeAuthenticate: async (route: AnyRoute, req: Request, res: Response) => {
              // Ingest has its own backpressure (budget, 429 per item); shippers send from few addresses.
              if (route.access.kind !== 'custom') await deps.rateLimiter?.byAddress(req, res);
            },
            afterAuthenticate: async (
              _route: AnyRoute,
              _req: Request,
              res: Response,
              principal: Principal,
            ) => {
              await deps.rateLimiter?.byPrincipal(principal, res);
            },
          }
        : {}),
    }),
  );

  app.use((req: Request, res: Response) => {
    res
      .status(404)
      .type('application/problem+json')
      .json({
        type: 'urn:claytom-secops:problem:route-not-found',
        title: 'Not Found',
        status: 404,
        detail: `no route ${req.method} ${req.path}`,
        instance: req.originalUrl,
        code: 'ROUTE_NOT_FOUND',
        request_id: String(res.locals.requestId),
      });
  });

  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const problem = toProblem(err, req.originalUrl, String(res.locals.requestId));
    if (problem.status >= 500)
      deps.logger.error({ err, requestId: res.locals.requestId, path: req.path }, 'request error');
    if (problem.status === 401) {
      authFailures.inc();
      res.setHeader('WWW-Authenticate', 'Bearer realm="claytom-secops"');
    }
    if (problem.status === 429 || problem.status === 503)
      res.setHeader('Retry-After', String(retryAfterOf(err) ?? deps.retryAfterSeconds));
    res.status(problem.status).type('application/problem+json').json(problem.body);
  });
  return app;
}

function retryAfterOf(err: unknown): number | undefined {
  const value = isSecOpsError(err) ? err.details.retryAfterSeconds : undefined;
  return typeof value === 'number' ? value : undefined;
}

/**
 * Refuses requests whose client certificate (mTLS) does not carry an allowed SPIFFE ID in its
 * URI SAN. The TLS layer has already verified the certificate against the CA.
 */
function requireSpiffeId(allowed: readonly string[]) {
  const allow = new Set(allowed);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const socket: unknown = req.socket;
    const certificate = socket instanceof TLSSocket ? socket.getPeerCertificate() : undefined;
    const uris = (certificate?.subjectaltname ?? '')
      .split(', ')
      .filter((s) => s.startsWith('URI:'))
      .map((s) => s.slice(4));
    if (uris.some((u) => allow.has(u))) {
      next();
      return;
    }
    next(
      new IdentityError(
        'IDENTITY_FORBIDDEN',
        'the client certificate carries no allowed SPIFFE ID',
      ),
    );
  };
}

/** The platform's own routes: liveness, readiness, metrics, the API description. */
function platformRoutesOf(deps: ApiDeps, openApi: () => Record<string, unknown>): AnyRoute[] {
  const tags = ['platform'];
  const dependency = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary: 'Liveness: the process answers',
      tags,
      access: { kind: 'public' },
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/status',
      summary: 'Readiness: every dependency and its state',
      tags,
      access: { kind: 'public' },
      raw: true,
      responses: {
        200: {
          description: 'Ready',
          schema: z.object({
            status: z.enum(['ready', 'degraded']),
            dependencies: z.array(dependency),
          }),
        },
        503: { description: 'A dependency is down, or the process is shutting down' },
      },
      handler: async ({ res }) => {
        const dependencies = await deps.dependencies();
        const ok = dependencies.every((d) => d.ok);
        res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'degraded', dependencies });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags,
      access: { kind: 'public' },
      raw: true,
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          contentType: 'text/plain; version=0.0.4',
        },
      },
      handler: async ({ res }) => {
        res.setHeader('Content-Type', deps.metrics.contentType);
        res.send(await deps.metrics.render());
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This API, as an OpenAPI 3.1 document (generated from the route declarations)',
      tags,
      access: { kind: 'public' },
      responses: { 200: { description: 'OpenAPI 3.1', contentType: 'application/json' } },
      handler: () => openApi(),
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      summary: 'Swagger UI over /openapi.json',
      tags,
      access: { kind: 'public' },
      raw: true,
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: ({ res }) => {
        res.type('html').send(swaggerUi.page);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/init.js',
      summary: 'Swagger UI start-up script (a file, so the page runs under a strict CSP)',
      tags,
      access: { kind: 'public' },
      raw: true,
      responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
      handler: ({ res }) => {
        res.type('text/javascript').send(swaggerUi.init('/openapi.json'));
        return undefined;
      },
    }),
  ];
}
