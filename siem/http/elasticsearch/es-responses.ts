import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { isSecOpsError } from '../../../platform/errors/index.ts';

/** The Elasticsearch version we present: clients and shippers accept 8.x. */
export const ES_VERSION = {
  number: '8.19.0',
  build_flavor: 'default',
  build_type: 'tar',
  build_hash: '0000000000000000000000000000000000000000',
  build_date: '2025-07-01T00:00:00.000Z',
  build_snapshot: false,
  lucene_version: '9.12.0',
  minimum_wire_compatibility_version: '7.17.0',
  minimum_index_compatibility_version: '7.0.0',
} as const;

/** A stable cluster uuid derived from the installation, so Beats see the same cluster. */
export function clusterUuid(seed: string): string {
  return createHash('sha256').update(seed).digest('base64url').slice(0, 22);
}

/**
 * Sends a JSON answer as Elasticsearch does: the product header on every response, and the
 * vendor media type echoed when the client asked for compatibility (elasticsearch-js only
 * parses bodies whose type it recognises).
 */
export function sendEs(req: Request, res: Response, status: number, body: unknown): void {
  res.setHeader('X-Elastic-Product', 'Elasticsearch');
  const accept = req.headers.accept ?? '';
  const compat = /compatible-with=(\d+)/.exec(accept);
  const type = compat
    ? `application/vnd.elasticsearch+json; compatible-with=${compat[1] ?? '8'}`
    : 'application/json; charset=UTF-8';
  res.status(status).setHeader('Content-Type', type);
  if (req.method === 'HEAD' || body === undefined) {
    res.end();
    return;
  }
  res.end(JSON.stringify(body));
}

/** An Elasticsearch error body: `{"error":{"root_cause":[…],"type","reason"},"status"}`. */
export function esError(
  type: string,
  reason: string,
  status: number,
): { error: Record<string, unknown>; status: number } {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

const KIND_TO_ES: Readonly<Record<string, [number, string]>> = {
  invalid: [400, 'illegal_argument_exception'],
  unauthenticated: [401, 'security_exception'],
  forbidden: [403, 'security_exception'],
  not_found: [404, 'resource_not_found_exception'],
  conflict: [409, 'version_conflict_engine_exception'],
  too_large: [413, 'content_too_long_exception'],
  unsupported: [415, 'media_type_header_exception'],
  overloaded: [429, 'es_rejected_execution_exception'],
  unavailable: [503, 'unavailable_shards_exception'],
};

/** Maps any error to the Elasticsearch error shape (shippers parse this, not problem+json). */
export function sendEsFailure(
  req: Request,
  res: Response,
  err: unknown,
  retryAfterSeconds: number,
): void {
  const [status, type] = isSecOpsError(err)
    ? (KIND_TO_ES[err.kind] ?? [500, 'exception'])
    : [500, 'exception'];
  const reason = isSecOpsError(err) ? err.message : 'internal error';
  if (status === 401) {
    res.setHeader('WWW-Authenticate', [
      'Basic realm="security", charset="UTF-8"',
      'Bearer realm="security"',
      'ApiKey',
    ]);
  }
  if (status === 429 || status === 503) res.setHeader('Retry-After', String(retryAfterSeconds));
  sendEs(req, res, status, esError(type, reason, status));
}
