import type { Clock } from '../../../clock/index.ts';
import { systemClock } from '../../../clock/index.ts';
import { SecretsError } from '../../secrets-errors.ts';

/** How the adapter authenticates to Vault. */
export type VaultAuth =
  | { readonly method: 'token'; readonly token: string }
  | {
      readonly method: 'approle';
      readonly roleId: string;
      readonly secretId: string;
      /** Where the AppRole auth method is mounted. Default `approle`. */
      readonly mount?: string;
    };

/** Connection settings of a Vault client. */
export interface VaultClientOptions {
  /** `https://vault.example:8200` (no `/v1`). */
  readonly address: string;
  readonly auth: VaultAuth;
  /** Sent as `X-Vault-Namespace` on every request (Vault Enterprise / HCP). */
  readonly namespace?: string;
  /** Per-request timeout. Default 10 s. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/** A Vault answer the caller interprets: 2xx, 400 or 404. */
export interface VaultResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Options of one request. */
export interface VaultRequest {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  /** The body holds a secret value: Vault's error text is then kept out of our errors. */
  readonly carriesSecret?: boolean;
}

/** A minimal Vault HTTP client: authentication, timeouts and transport errors. */
export interface VaultClient {
  /** An authenticated request to `/v1/{path}`. Resolves for 2xx, 400 and 404; throws otherwise. */
  request(method: string, path: string, request?: VaultRequest): Promise<VaultResponse>;
  /** `GET /v1/sys/health`, unauthenticated; resolves with any status. */
  health(): Promise<VaultResponse>;
}

interface TokenState {
  readonly token: string;
  readonly obtainedAt: number;
  /** 0: the token does not expire. */
  readonly leaseMs: number;
  readonly renewable: boolean;
}

/** Vault's `errors` array, each entry cut short: for diagnostics, never for requests with values. */
export function vaultErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is string => typeof e === 'string')
    .slice(0, 5)
    .map((e) => (e.length > 200 ? `${e.slice(0, 200)}…` : e));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates a Vault client; AppRole tokens are obtained lazily, renewed, and replaced when needed. */
export function createVaultClient(options: VaultClientOptions): VaultClient {
  const base = options.address.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const auth = options.auth;
  let state: TokenState | undefined;
  let pending: Promise<string> | undefined;

  const send = async (
    method: string,
    path: string,
    request: VaultRequest,
    token: string | undefined,
  ): Promise<VaultResponse> => {
    const url = new URL(`${base}/v1/${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
    if (token !== undefined) headers['X-Vault-Token'] = token;
    if (options.namespace !== undefined) headers['X-Vault-Namespace'] = options.namespace;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new SecretsError(
        'SECRET_UNAVAILABLE',
        timedOut
          ? `Vault did not answer ${method} /v1/${path} within ${timeoutMs} ms`
          : `Vault is unreachable at ${base}`,
        { cause, details: { method, path: `/v1/${path}` } },
      );
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  };

  const fail = (method: string, path: string, r: VaultResponse, req: VaultRequest): never => {
    const details = {
      method,
      path: `/v1/${path}`,
      status: r.status,
      ...(req.carriesSecret === true ? {} : { vaultErrors: vaultErrors(r.body) }),
    };
    if (r.status === 401 || r.status === 403)
      throw new SecretsError('SECRET_BACKEND_FORBIDDEN', `Vault denied ${method} /v1/${path}`, {
        details,
      });
    if (r.status === 429 || r.status === 502 || r.status === 503 || r.status === 504)
      throw new SecretsError(
        'SECRET_UNAVAILABLE',
        `Vault is unavailable (${r.status}${r.status === 503 ? ', sealed or in maintenance' : ''})`,
        { details },
      );
    throw new SecretsError(
      'SECRET_BACKEND_ERROR',
      `Vault answered ${r.status} to ${method} /v1/${path}`,
      { details },
    );
  };

  const login = async (): Promise<string> => {
    if (auth.method !== 'approle') return auth.token;
    const path = `auth/${auth.mount ?? 'approle'}/login`;
    const req = { body: { role_id: auth.roleId, secret_id: auth.secretId }, carriesSecret: true };
    const r = await send('POST', path, req, undefined);
    if (r.status === 400 || r.status === 403) {
      throw new SecretsError('SECRET_BACKEND_AUTH_FAILED', 'Vault rejected the AppRole login', {
        // No Vault text: the request carried the secret id, which a faulty server might echo.
        details: { path: `/v1/${path}`, status: r.status },
      });
    }
    const a = isObject(r.body) ? r.body.auth : undefined;
    if (r.status !== 200 || !isObject(a) || typeof a.client_token !== 'string')
      return fail('POST', path, r, req);
    state = {
      token: a.client_token,
      obtainedAt: clock.now(),
      leaseMs: typeof a.lease_duration === 'number' ? a.lease_duration * 1000 : 0,
      renewable: a.renewable === true,
    };
    return state.token;
  };

  const renew = async (current: TokenState): Promise<string> => {
    const r = await send('POST', 'auth/token/renew-self', { body: {} }, current.token);
    const a = isObject(r.body) ? r.body.auth : undefined;
    if (r.status !== 200 || !isObject(a) || typeof a.lease_duration !== 'number')
      throw new Error('renewal refused');
    // At the token's max TTL Vault renews for less; once nothing is left, log in again.
    if (a.lease_duration <= 0) throw new Error('renewal exhausted');
    state = {
      token: current.token,
      obtainedAt: clock.now(),
      leaseMs: a.lease_duration * 1000,
      renewable: a.renewable === true,
    };
    return current.token;
  };

  const currentToken = (): Promise<string> => {
    if (auth.method === 'token') return Promise.resolve(auth.token);
    if (pending !== undefined) return pending;
    const now = clock.now();
    const s = state;
    if (s !== undefined && (s.leaseMs === 0 || now < s.obtainedAt + (s.leaseMs * 2) / 3))
      return Promise.resolve(s.token);
    const next =
      s !== undefined && s.renewable && now < s.obtainedAt + s.leaseMs
        ? renew(s).catch(() => login())
        : login();
    pending = next.finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    async request(method, path, request = {}) {
      let r = await send(method, path, request, await currentToken());
      if ((r.status === 401 || r.status === 403) && auth.method === 'approle') {
        // The token may have been revoked or expired early: one fresh login, one retry.
        state = undefined;
        r = await send(method, path, request, await currentToken());
      }
      if ((r.status >= 200 && r.status < 300) || r.status === 400 || r.status === 404) return r;
      return fail(method, path, r, request);
    },
    health: () => send('GET', 'sys/health', {}, undefined),
  };
}
