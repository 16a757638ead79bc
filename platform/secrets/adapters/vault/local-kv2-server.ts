import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../../clock/index.ts';
import { systemClock } from '../../../clock/index.ts';
import { createTokenAuthority } from './local-kv2-auth.ts';
import { createKv2Mount, errorReply } from './local-kv2-engine.ts';
import type { Kv2Mount, Kv2Reply } from './local-kv2-engine.ts';

/** Options of the local KV v2 server (tests only). */
export interface LocalKv2ServerOptions {
  /** Token that may do anything and never expires. Random by default. */
  readonly rootToken?: string;
  /** KV v2 mounts. Default `['secret']`. */
  readonly mounts?: readonly string[];
  /** Enables `POST /v1/auth/{mount}/login` for one role. */
  readonly approle?: {
    readonly roleId: string;
    readonly secretId: string;
    readonly mount?: string;
    readonly tokenTtlSeconds?: number;
    readonly tokenMaxTtlSeconds?: number;
  };
  /** When given, `X-Vault-Namespace` selects one of these (or the root `''`), each with its own mounts. */
  readonly namespaces?: readonly string[];
  readonly clock?: Clock;
  /** Request body limit; Vault's default `max_request_size` is 32 MiB. */
  readonly maxRequestBytes?: number;
}

/** One request as the server saw it: never its body or headers, which may hold secrets. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly namespace: string;
}

/** A running local KV v2 server. */
export interface LocalKv2Server {
  /** `http://127.0.0.1:<port>` */
  readonly address: string;
  readonly rootToken: string;
  readonly requests: readonly RecordedRequest[];
  /** While true every request but `sys/health` answers 503 "Vault is sealed". */
  sealed: boolean;
  /** Issues a token limited to logical paths starting with one of `paths` (all when omitted). */
  issueToken(options?: { paths?: readonly string[]; ttlSeconds?: number }): string;
  /** Revokes every token except the root token. */
  revokeTokens(): void;
  /** A mount's engine, for tests that change its configuration. */
  mount(name: string, namespace?: string): Kv2Mount;
  close(): Promise<void>;
}

const envelope = (data: unknown, extra: Record<string, unknown> = {}): unknown => ({
  request_id: randomUUID(),
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data,
  wrap_info: null,
  warnings: null,
  auth: null,
  mount_type: 'kv',
  ...extra,
});

/**
 * Starts a small node:http server on 127.0.0.1 that answers the HashiCorp Vault endpoints the
 * Vault adapter uses, with Vault's documented status codes and bodies: KV v2 data, metadata,
 * delete, undelete, destroy and config; token and AppRole auth with renewal; `sys/health`.
 * For tests only: it keeps everything in memory and enforces no real policy language.
 */
export async function startLocalKv2Server(
  options: LocalKv2ServerOptions = {},
): Promise<LocalKv2Server> {
  const clock = options.clock ?? systemClock;
  const rootToken = options.rootToken ?? `hvs.root-${randomBytes(12).toString('hex')}`;
  const mountNames = options.mounts ?? ['secret'];
  const namespaces = options.namespaces;
  const maxBytes = options.maxRequestBytes ?? 32 * 1024 * 1024;
  const approleMount = options.approle?.mount ?? 'approle';
  const auth = createTokenAuthority({
    clock,
    rootToken,
    ...(options.approle === undefined ? {} : { approle: options.approle }),
    envelope,
  });
  const requests: RecordedRequest[] = [];
  const storage = new Map<string, Map<string, Kv2Mount>>();

  const mountsOf = (namespace: string): Map<string, Kv2Mount> => {
    let mounts = storage.get(namespace);
    if (mounts === undefined) {
      mounts = new Map(mountNames.map((m) => [m, createKv2Mount(clock, (d) => envelope(d))]));
      storage.set(namespace, mounts);
    }
    return mounts;
  };

  const health = (): Kv2Reply => ({
    status: server.sealed ? 503 : 200,
    body: {
      initialized: true,
      sealed: server.sealed,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(clock.now() / 1000),
      version: '1.x-local-kv2',
      cluster_name: 'local-kv2',
      cluster_id: 'local-kv2',
    },
  });

  const kv = (
    engine: Kv2Mount,
    operation: string,
    rest: string,
    method: string,
    url: URL,
    body: Record<string, unknown>,
  ): Kv2Reply => {
    const listing =
      method === 'LIST' || (method === 'GET' && url.searchParams.get('list') === 'true');
    const write = method === 'POST' || method === 'PUT';
    switch (operation) {
      case 'config':
        if (rest !== '') break;
        if (method === 'GET') return engine.readConfig();
        if (write) return engine.writeConfig(body);
        return errorReply(405, 'unsupported operation');
      case 'data':
        // The plugin's data pattern needs a path that does not end in '/'.
        if (rest === '' || rest.endsWith('/')) break;
        if (method === 'GET') return engine.read(rest, url.searchParams.get('version'));
        if (write) return engine.write(rest, body);
        if (method === 'DELETE') return engine.deleteLatest(rest);
        return errorReply(405, 'unsupported operation');
      case 'metadata':
        if (listing) return engine.list(rest);
        if (rest === '') break;
        if (method === 'GET') return engine.readMetadata(rest);
        if (write) return engine.writeMetadata(rest, body);
        if (method === 'DELETE') return engine.deleteMetadata(rest);
        return errorReply(405, 'unsupported operation');
      case 'delete':
      case 'undelete':
      case 'destroy':
        if (rest === '') break;
        if (!write) return errorReply(405, 'unsupported operation');
        if (operation === 'delete') return engine.deleteVersions(rest, body);
        return operation === 'undelete' ? engine.undelete(rest, body) : engine.destroy(rest, body);
      default:
        break;
    }
    return errorReply(404, 'unsupported path');
  };

  const route = (
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Record<string, unknown>,
  ): Kv2Reply => {
    const logical = decodeURIComponent(url.pathname.slice('/v1/'.length));
    const header = headers['x-vault-namespace'];
    const namespace =
      namespaces === undefined
        ? ''
        : ((Array.isArray(header) ? header[0] : header) ?? '').replace(/\/+$/, '');
    requests.push({ method, path: url.pathname, namespace });
    if (logical === 'sys/health' && (method === 'GET' || method === 'HEAD')) return health();
    if (server.sealed) return errorReply(503, 'Vault is sealed');
    if (namespace !== '' && !(namespaces ?? []).includes(namespace))
      return errorReply(404, `no handler for route "${logical}". route entry not found.`);
    if (logical === `auth/${approleMount}/login` && (method === 'POST' || method === 'PUT'))
      return auth.login(body);
    const tokenHeader = headers['x-vault-token'];
    const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
    const state = auth.validToken(token);
    if (token === undefined || state === undefined) return errorReply(403, 'permission denied');
    if (logical === 'auth/token/renew-self' && (method === 'POST' || method === 'PUT'))
      return auth.renewSelf(token, state, body);
    if (state.paths !== undefined && !state.paths.some((p) => logical.startsWith(p)))
      return errorReply(403, 'permission denied');
    const [mountName = '', operation = '', ...rest] = logical.split('/');
    const engine = mountsOf(namespace).get(mountName);
    if (engine === undefined)
      return errorReply(404, `no handler for route "${logical}". route entry not found.`);
    return kv(engine, operation, rest.join('/'), method, url, body);
  };

  const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) return undefined;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };

  const respond = (res: ServerResponse, reply: Kv2Reply): void => {
    if (reply.body === undefined) {
      res.writeHead(reply.status).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res
      .writeHead(reply.status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(text),
      })
      .end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/v1/')) {
      respond(res, errorReply(404));
      return;
    }
    const raw = await readBody(req);
    if (raw === undefined) {
      respond(res, errorReply(413, 'http: request body too large'));
      return;
    }
    let body: Record<string, unknown> = {};
    if (raw.byteLength > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        respond(res, errorReply(400, `failed to parse JSON input: ${(err as Error).name}`));
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        respond(res, errorReply(400, 'failed to parse JSON input: not an object'));
        return;
      }
      body = parsed as Record<string, unknown>;
    }
    respond(res, route((req.method ?? 'GET').toUpperCase(), url, req.headers, body));
  };

  // Node's HTTP parser rejects the LIST verb that Vault accepts; answer it from the raw request.
  const answerRawList = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
    const raw = err.rawPacket?.toString('latin1') ?? '';
    const [head = ''] = raw.split('\r\n\r\n');
    const [requestLine = '', ...lines] = head.split('\r\n');
    const [method, target] = requestLine.split(' ');
    if (
      err.code !== 'HPE_INVALID_METHOD' ||
      method !== 'LIST' ||
      target?.startsWith('/v1/') !== true
    ) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    const headers: IncomingHttpHeaders = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const reply = route('LIST', new URL(target, 'http://local'), headers, {});
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    socket.end(
      `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Connection: close\r\n\r\n${text}`,
    );
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) respond(res, errorReply(500, 'internal error'));
      else res.destroy();
    });
  });
  http.on('clientError', answerRawList);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: LocalKv2Server = {
    address: `http://127.0.0.1:${port}`,
    rootToken,
    requests,
    sealed: false,
    issueToken: (o = {}) => auth.issue(o.ttlSeconds ?? 0, undefined, o.paths)[0],
    revokeTokens: () => auth.revokeAll(),
    mount: (name, namespace = '') => {
      const engine = mountsOf(namespace).get(name);
      if (engine === undefined) throw new Error(`no mount ${name}`);
      return engine;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((err) => (err ? reject(err) : resolve()));
        http.closeAllConnections();
      }),
  };
  return server;
}
