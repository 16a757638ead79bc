import { isSecOpsError } from '../platform/errors/index.ts';
import type { ErrorKind, FieldIssue } from '../platform/errors/index.ts';

/** HTTP status of each error kind: the one place domain errors meet HTTP. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  overloaded: 429,
  unavailable: 503,
  internal: 500,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  readonly status: number;
  readonly body: {
    readonly type: string;
    readonly title: string;
    readonly status: number;
    readonly detail: string;
    readonly instance: string;
    readonly code: string;
    readonly request_id: string;
    readonly errors?: readonly FieldIssue[];
  };
}

/**
 * An RFC 9457 problem document for any error. Domain errors keep their message and code;
 * anything else becomes a generic 500 whose detail says nothing about internals.
 */
export function toProblem(err: unknown, instance: string, requestId: string): Problem {
  let status = 500;
  let code = 'INTERNAL';
  let detail = 'an internal error occurred; the request id identifies it in the server log';
  let errors: readonly FieldIssue[] | undefined;
  if (isSecOpsError(err)) {
    status = STATUS_OF_KIND[err.kind];
    code = err.code;
    detail = err.message;
    if (err.issues.length > 0) errors = err.issues;
  } else if (isHttpError(err)) {
    status = err.status;
    code =
      err.type === 'entity.too.large'
        ? 'BODY_TOO_LARGE'
        : err.type === 'entity.parse.failed'
          ? 'BODY_NOT_JSON'
          : `HTTP_${String(status)}`;
    // body-parser's parse errors quote the body (which may hold a password): never echo them.
    detail =
      code === 'BODY_NOT_JSON'
        ? 'the body is not valid JSON'
        : err.expose
          ? err.message
          : (TITLES[status] ?? 'error');
  }
  return {
    status,
    body: {
      type: `urn:claytom-secops:problem:${code.toLowerCase().replaceAll('_', '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance,
      code,
      request_id: requestId,
      ...(errors ? { errors } : {}),
    },
  };
}

interface HttpLikeError {
  status: number;
  type?: string;
  expose?: boolean;
  message: string;
}

function isHttpError(err: unknown): err is HttpLikeError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { status?: unknown }).status === 'number' &&
    (err as { status: number }).status >= 400
  );
}
