import { z } from 'zod';

/** Accepts a number, or a string holding one (environment variables are strings). */
function numberLike<T extends z.ZodNumber>(inner: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
    inner,
  );
}

function booleanLike() {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off'].includes(s)) return false;
    return v;
  }, z.boolean());
}

/** `host:port` for a listener, or empty to disable it. */
const listenAddress = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || /^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(v),
    'expected host:port (for example 127.0.0.1:5514), or empty to disable',
  )
  .refine(
    (v) => v === '' || Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535,
    'port must be ≤ 65535',
  );

/**
 * `trust proxy` for express: false, true, a hop count, or a comma-separated list of addresses
 * and CIDRs. Set explicitly: the default trusts no proxy, so client addresses are the socket's.
 */
const trustProxy = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim();
    if (s === 'true' || s === 'false') return s === 'true';
    if (/^\d+$/.test(s)) return Number(s);
    return s;
  },
  z.union([z.boolean(), z.number().int().min(0).max(32), z.string().min(1)]),
);

const MiB = 1024 * 1024;

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: numberLike(z.number().int().min(0).max(65535)).default(8080),
        keepAliveTimeoutMs: numberLike(z.number().int().min(1000)).default(65_000),
        headersTimeoutMs: numberLike(z.number().int().min(1000)).default(66_000),
        requestTimeoutMs: numberLike(z.number().int().min(1000)).default(300_000),
        trustProxy: trustProxy.default(false),
        shutdownGraceMs: numberLike(z.number().int().min(0)).default(20_000),
        tls: z
          .object({
            certFile: z.string().default(''),
            keyFile: z.string().default(''),
            caFile: z.string().default(''),
            clientCertificates: z.enum(['none', 'require']).default('none'),
            spiffeIds: z
              .preprocess(
                (v) =>
                  typeof v === 'string'
                    ? v
                        .split(',')
                        .map((s) => s.trim())
                        .filter((s) => s !== '')
                    : v,
                z.array(
                  z
                    .string()
                    .regex(/^spiffe:\/\/[^/]+(\/.*)?$/, 'a SPIFFE ID (spiffe://trust-domain/path)'),
                ),
              )
              .default([]),
          })
          .strict()
          .prefault({})
          .refine(
            (t) => (t.certFile === '') === (t.keyFile === ''),
            'certFile and keyFile go together',
          )
          .refine(
            (t) => t.clientCertificates === 'none' || (t.certFile !== '' && t.caFile !== ''),
            'client certificates need TLS (certFile, keyFile) and a caFile to verify them',
          )
          .refine(
            (t) => t.spiffeIds.length === 0 || t.clientCertificates === 'require',
            'spiffeIds need clientCertificates: require',
          ),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' })
          .optional(),
      })
      .strict()
      .prefault({}),
    rateLimit: z
      .object({
        perAddress: numberLike(z.number().int().min(1)).default(1200),
        perPrincipal: numberLike(z.number().int().min(1)).default(2400),
        windowSeconds: numberLike(z.number().int().min(1).max(3600)).default(60),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: z
          .url({
            protocol: /^postgres(ql)?$/,
            error: 'expected a postgres:// or postgresql:// URL',
          })
          .optional(),
        poolSize: numberLike(z.number().int().min(1).max(200)).default(10),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        maxBodyBytes: numberLike(z.number().int().min(1024)).default(100 * MiB),
        maxEventBytes: numberLike(z.number().int().min(256)).default(1 * MiB),
        maxInFlightBytes: numberLike(z.number().int().min(MiB)).default(256 * MiB),
        retryAfterSeconds: numberLike(z.number().int().min(1).max(3600)).default(1),
      })
      .strict()
      .prefault({}),
    events: z
      .object({
        retentionDays: numberLike(z.number().int().min(1).max(36_500)).default(30),
        durability: z.enum(['full', 'normal']).default('full'),
      })
      .strict()
      .prefault({}),
    syslog: z
      .object({
        tcp: listenAddress.default(''),
        udp: listenAddress.default(''),
        source: z.string().min(1).default('syslog'),
        maxMessageBytes: numberLike(z.number().int().min(480).max(MiB)).default(64 * 1024),
        idleTimeoutMs: numberLike(z.number().int().min(1000)).default(300_000),
      })
      .strict()
      .prefault({}),
    bootstrap: z
      .object({
        createDefaultSource: booleanLike().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The validated, frozen configuration every entry point builds once. */
export type Config = z.infer<typeof configSchema>;

/**
 * Environment variables and the config key each one sets. One table drives loading, error
 * messages (which say where a bad value came from) and the README's configuration reference.
 */
export const envBindings: readonly {
  readonly env: string;
  readonly key: string;
  readonly doc: string;
}[] = [
  {
    env: 'SECOPS_DATA_DIR',
    key: 'dataDir',
    doc: 'Directory for the embedded databases and blobs.',
  },
  { env: 'SECOPS_HOST', key: 'server.host', doc: 'Address the HTTP API listens on.' },
  { env: 'SECOPS_PORT', key: 'server.port', doc: 'HTTP port (0 picks a free port).' },
  { env: 'PORT', key: 'server.port', doc: 'Alias of SECOPS_PORT (SECOPS_PORT wins).' },
  {
    env: 'SECOPS_KEEP_ALIVE_TIMEOUT_MS',
    key: 'server.keepAliveTimeoutMs',
    doc: 'Idle keep-alive timeout; keep it above your load balancer’s.',
  },
  {
    env: 'SECOPS_HEADERS_TIMEOUT_MS',
    key: 'server.headersTimeoutMs',
    doc: 'Time allowed to receive request headers.',
  },
  {
    env: 'SECOPS_REQUEST_TIMEOUT_MS',
    key: 'server.requestTimeoutMs',
    doc: 'Time allowed to receive a whole request.',
  },
  {
    env: 'SECOPS_TRUST_PROXY',
    key: 'server.trustProxy',
    doc: 'express `trust proxy`: false, true, a hop count or a list of CIDRs.',
  },
  {
    env: 'SECOPS_SHUTDOWN_GRACE_MS',
    key: 'server.shutdownGraceMs',
    doc: 'How long SIGTERM waits for in-flight work before closing.',
  },
  {
    env: 'SECOPS_TLS_CERT_FILE',
    key: 'server.tls.certFile',
    doc: 'PEM certificate chain: serve HTTPS (TLS 1.3 only).',
  },
  {
    env: 'SECOPS_TLS_KEY_FILE',
    key: 'server.tls.keyFile',
    doc: 'PEM private key of the certificate.',
  },
  {
    env: 'SECOPS_TLS_CA_FILE',
    key: 'server.tls.caFile',
    doc: 'PEM CA bundle that client certificates must chain to (mTLS).',
  },
  {
    env: 'SECOPS_TLS_CLIENT_CERTIFICATES',
    key: 'server.tls.clientCertificates',
    doc: '`require`: every client presents a certificate from the CA (mTLS); `none` otherwise.',
  },
  {
    env: 'SECOPS_TLS_SPIFFE_IDS',
    key: 'server.tls.spiffeIds',
    doc: 'Comma-separated SPIFFE IDs allowed in the client certificate’s URI SAN; empty allows any certificate from the CA.',
  },
  {
    env: 'REDIS_URL',
    key: 'redis.url',
    doc: 'Redis URL; rate-limit counters are shared there (and queues, later) instead of kept in memory.',
  },
  {
    env: 'SECOPS_RATE_LIMIT_PER_ADDRESS',
    key: 'rateLimit.perAddress',
    doc: 'Requests per window from one client address (ingest routes are exempt: they have their own backpressure).',
  },
  {
    env: 'SECOPS_RATE_LIMIT_PER_PRINCIPAL',
    key: 'rateLimit.perPrincipal',
    doc: 'Requests per window by one authenticated principal.',
  },
  {
    env: 'SECOPS_RATE_LIMIT_WINDOW_SECONDS',
    key: 'rateLimit.windowSeconds',
    doc: 'Rate-limit window length.',
  },
  {
    env: 'DATABASE_URL',
    key: 'database.url',
    doc: 'PostgreSQL URL; unset uses the embedded SQLite database.',
  },
  {
    env: 'SECOPS_DATABASE_POOL_SIZE',
    key: 'database.poolSize',
    doc: 'PostgreSQL connection pool size.',
  },
  { env: 'LOG_LEVEL', key: 'log.level', doc: 'fatal, error, warn, info, debug, trace or silent.' },
  { env: 'SECOPS_LOG_LEVEL', key: 'log.level', doc: 'Alias of LOG_LEVEL (SECOPS_LOG_LEVEL wins).' },
  {
    env: 'SECOPS_INGEST_MAX_BODY_BYTES',
    key: 'ingest.maxBodyBytes',
    doc: 'Largest ingest request body (decompressed); larger gets 413.',
  },
  {
    env: 'SECOPS_INGEST_MAX_EVENT_BYTES',
    key: 'ingest.maxEventBytes',
    doc: 'Largest single event; larger is rejected alone.',
  },
  {
    env: 'SECOPS_INGEST_MAX_IN_FLIGHT_BYTES',
    key: 'ingest.maxInFlightBytes',
    doc: 'Memory budget for ingest in flight; beyond it requests get 429.',
  },
  {
    env: 'SECOPS_INGEST_RETRY_AFTER_SECONDS',
    key: 'ingest.retryAfterSeconds',
    doc: 'Retry-After sent with 429.',
  },
  {
    env: 'SECOPS_EVENTS_RETENTION_DAYS',
    key: 'events.retentionDays',
    doc: 'Events older than this are deleted (whole days).',
  },
  {
    env: 'SECOPS_EVENTS_DURABILITY',
    key: 'events.durability',
    doc: '`full` fsyncs each commit before acknowledging; `normal` survives a process crash but not power loss.',
  },
  {
    env: 'SECOPS_SYSLOG_TCP',
    key: 'syslog.tcp',
    doc: 'host:port for the syslog TCP listener; empty disables it.',
  },
  {
    env: 'SECOPS_SYSLOG_UDP',
    key: 'syslog.udp',
    doc: 'host:port for the syslog UDP listener; empty disables it.',
  },
  {
    env: 'SECOPS_SYSLOG_SOURCE',
    key: 'syslog.source',
    doc: 'Ingest source that syslog events are attributed to.',
  },
  {
    env: 'SECOPS_SYSLOG_MAX_MESSAGE_BYTES',
    key: 'syslog.maxMessageBytes',
    doc: 'Largest syslog message accepted.',
  },
  {
    env: 'SECOPS_SYSLOG_IDLE_TIMEOUT_MS',
    key: 'syslog.idleTimeoutMs',
    doc: 'Idle TCP syslog connections are closed after this.',
  },
  {
    env: 'SECOPS_BOOTSTRAP_DEFAULT_SOURCE',
    key: 'bootstrap.createDefaultSource',
    doc: 'On first start, create a `default` ingest source and print its token once.',
  },
];
