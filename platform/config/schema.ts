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

/** A list, or a comma-separated string of its items (environment variables are strings). */
function commaList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : v,
    z.array(item),
  );
}

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
        backlog: numberLike(z.number().int().min(1).max(65_535)).default(4096),
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
    detections: z
      .object({
        ruleDirs: commaList(z.string().trim().min(1)).default([]),
        starterPack: booleanLike().default(true),
        placeholders: commaList(
          z
            .string()
            .regex(
              /^%?[^%\s=]+%?=/,
              'expected name=value (e.g. Workstations=WKS-042); repeat a name for several values',
            ),
        ).default([]),
        streaming: booleanLike().default(true),
        correlationLatenessSeconds: numberLike(z.number().int().min(0).max(86_400)).default(60),
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
    keys: z
      .object({
        dir: z.string().default(''),
        generate: booleanLike().default(true),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        issuer: z.string().min(1).default('claytom-secops'),
        audience: z.string().min(1).default('claytom-secops-api'),
        accessTokenTtlSeconds: numberLike(z.number().int().min(30).max(3600)).default(600),
        keyRotationHours: numberLike(z.number().int().min(1).max(8760)).default(24),
        oidc: z
          .object({
            issuer: z.url({ protocol: /^https?$/ }).optional(),
            clientId: z.string().min(1).optional(),
            clientSecret: z.string().min(1).optional(),
            redirectUri: z.url({ protocol: /^https?$/ }).optional(),
            tenant: z.string().min(1).default('default'),
            autoProvision: booleanLike().default(false),
            defaultRoles: commaList(z.string().min(1)).default([]),
            groupsClaim: z.string().min(1).optional(),
          })
          .strict()
          .prefault({})
          .refine(
            (o) =>
              o.issuer === undefined ||
              (o.clientId !== undefined &&
                o.clientSecret !== undefined &&
                o.redirectUri !== undefined),
            'an OIDC issuer needs clientId, clientSecret and redirectUri',
          ),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        origin: z
          .string()
          .regex(/^[^\s+]+$/, 'a log name without spaces or "+", e.g. secops.example.com/audit')
          .default('claytom-secops/audit'),
        checkpointIntervalSeconds: numberLike(z.number().int().min(10).max(86_400)).default(300),
        toEventStream: booleanLike().default(true),
      })
      .strict()
      .prefault({}),
    secrets: z
      .object({
        masterKeys: z.string().min(1).optional(),
        masterKeyFile: z.string().min(1).optional(),
      })
      .strict()
      .prefault({})
      .refine(
        (s) => s.masterKeys === undefined || s.masterKeyFile === undefined,
        'set masterKeys or masterKeyFile, not both',
      ),
    vault: z
      .object({
        addr: z.url({ protocol: /^https?$/ }).optional(),
        token: z.string().min(1).optional(),
        roleId: z.string().min(1).optional(),
        secretId: z.string().min(1).optional(),
        mount: z.string().min(1).default('secret'),
        prefix: z.string().min(1).optional(),
      })
      .strict()
      .prefault({})
      .refine(
        (v) =>
          v.addr === undefined ||
          v.token !== undefined ||
          (v.roleId !== undefined && v.secretId !== undefined),
        'VAULT_ADDR needs VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole)',
      ),
    playbooks: z
      .object({
        workers: booleanLike().default(true),
        queue: z.enum(['auto', 'embedded', 'bullmq']).default('auto'),
        concurrency: commaList(
          z
            .string()
            .regex(
              /^[a-z][a-z0-9-]{0,62}=\d{1,3}$/,
              'expected lane=number (for example default=4,slack=2)',
            ),
        ).default([]),
        rateLimits: commaList(
          z
            .string()
            .regex(
              /^[a-z][a-z0-9-]{0,62}=\d{1,6}\/(s|m|h)$/,
              'expected integration=count/s|m|h (for example slack=1/s,twilio=60/m)',
            ),
        ).default([]),
        publicUrl: z.url({ protocol: /^https?$/ }).optional(),
        allowHttp: booleanLike().default(false),
        allowPrivateNetworks: commaList(z.string().min(3)).default([]),
        allowedPorts: commaList(numberLike(z.number().int().min(1).max(65535))).default([]),
        intelFiles: commaList(z.string().min(1)).default([]),
        blockAddressUrl: z.url({ protocol: /^https?$/ }).optional(),
        blockAddressTokenSecret: z.string().min(1).optional(),
        disableUserUrl: z.url({ protocol: /^https?$/ }).optional(),
        disableUserTokenSecret: z.string().min(1).optional(),
        pagerdutyUrl: z.url({ protocol: /^https?$/ }).default('https://events.pagerduty.com'),
        sendgridUrl: z.url({ protocol: /^https?$/ }).default('https://api.sendgrid.com'),
        twilioUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
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
    env: 'SECOPS_LISTEN_BACKLOG',
    key: 'server.backlog',
    doc: 'Pending-connection queue of the listening socket (capped by the kernel’s net.core.somaxconn); raise it for bursts of new connections.',
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
    doc: 'Redis URL; rate-limit counters and (with `playbooks.queue` auto or bullmq) the playbook step queues live there instead of in this process and the database.',
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
    env: 'SECOPS_DETECTIONS_RULE_DIRS',
    key: 'detections.ruleDirs',
    doc: 'Comma-separated directories of Sigma rules (recursive `.yml`/`.yaml`, e.g. a SigmaHQ checkout) loaded after the starter pack; `secops rules reload` reads them again.',
  },
  {
    env: 'SECOPS_DETECTIONS_STARTER_PACK',
    key: 'detections.starterPack',
    doc: 'Load the shipped starter rule pack (`detections/packs/starter`).',
  },
  {
    env: 'SECOPS_DETECTIONS_PLACEHOLDERS',
    key: 'detections.placeholders',
    doc: 'Values of Sigma `expand` placeholders, comma-separated `name=value` (repeat a name for several values); a rule using a placeholder without a value does not load.',
  },
  {
    env: 'SECOPS_DETECTIONS_STREAMING',
    key: 'detections.streaming',
    doc: 'Evaluate the rules on every ingested event and raise alerts (committed with the events). `false` stores events without detection.',
  },
  {
    env: 'SECOPS_DETECTIONS_CORRELATION_LATENESS_SECONDS',
    key: 'detections.correlationLatenessSeconds',
    doc: 'Event time a correlation window that is evaluated when it closes (`lt`, `eq`, averages, percentiles) waits for late events after the newest event of its tenant.',
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
    env: 'SECOPS_KEY_DIR',
    key: 'keys.dir',
    doc: 'Directory of the key files (token key-encryption key, audit signing and HMAC keys, secrets master keys); default `<dataDir>/keys`. Put it on a separate, access-restricted volume.',
  },
  {
    env: 'SECOPS_KEYS_GENERATE',
    key: 'keys.generate',
    doc: 'Create missing key files on start (mode 0600). Set false where keys are provisioned and a missing one must stop the start.',
  },
  { env: 'SECOPS_AUTH_ISSUER', key: 'auth.issuer', doc: '`iss` of access tokens.' },
  { env: 'SECOPS_AUTH_AUDIENCE', key: 'auth.audience', doc: '`aud` of access tokens.' },
  {
    env: 'SECOPS_ACCESS_TOKEN_TTL_SECONDS',
    key: 'auth.accessTokenTtlSeconds',
    doc: 'Lifetime of JWT access tokens.',
  },
  {
    env: 'SECOPS_SIGNING_KEY_ROTATION_HOURS',
    key: 'auth.keyRotationHours',
    doc: 'A new token signing key every this many hours; old keys verify until their tokens expire.',
  },
  {
    env: 'SECOPS_OIDC_ISSUER',
    key: 'auth.oidc.issuer',
    doc: 'OpenID provider for single sign-on; unset disables the OIDC routes.',
  },
  { env: 'SECOPS_OIDC_CLIENT_ID', key: 'auth.oidc.clientId', doc: 'OIDC client id.' },
  { env: 'SECOPS_OIDC_CLIENT_SECRET', key: 'auth.oidc.clientSecret', doc: 'OIDC client secret.' },
  {
    env: 'SECOPS_OIDC_REDIRECT_URI',
    key: 'auth.oidc.redirectUri',
    doc: 'This platform’s callback registered at the provider: `https://…/auth/oidc/callback`.',
  },
  {
    env: 'SECOPS_OIDC_TENANT',
    key: 'auth.oidc.tenant',
    doc: 'Tenant the provider signs people into.',
  },
  {
    env: 'SECOPS_OIDC_AUTO_PROVISION',
    key: 'auth.oidc.autoProvision',
    doc: 'Create an account on a person’s first sign-in.',
  },
  {
    env: 'SECOPS_OIDC_DEFAULT_ROLES',
    key: 'auth.oidc.defaultRoles',
    doc: 'Comma-separated roles of auto-provisioned accounts.',
  },
  {
    env: 'SECOPS_OIDC_GROUPS_CLAIM',
    key: 'auth.oidc.groupsClaim',
    doc: 'ID-token claim holding the person’s groups.',
  },
  {
    env: 'SECOPS_AUDIT_ORIGIN',
    key: 'audit.origin',
    doc: 'Name of the audit log: the first line of its signed checkpoints and its verifier key’s name.',
  },
  {
    env: 'SECOPS_AUDIT_CHECKPOINT_INTERVAL_SECONDS',
    key: 'audit.checkpointIntervalSeconds',
    doc: 'How often the audit log’s tree head is signed (when records were added).',
  },
  {
    env: 'SECOPS_AUDIT_TO_EVENT_STREAM',
    key: 'audit.toEventStream',
    doc: 'Copy every audit record into its tenant’s event stream (`event.dataset: claytom.audit`, within a second), where searches and the `claytom/audit` detection rules see it.',
  },
  {
    env: 'SECOPS_SECRETS_MASTER_KEYS',
    key: 'secrets.masterKeys',
    doc: 'Embedded secrets master keys inline: `id:base64,…`, current first. Default: the key file.',
  },
  {
    env: 'SECOPS_SECRETS_MASTER_KEY_FILE',
    key: 'secrets.masterKeyFile',
    doc: 'File holding the master keys in the same format; default `<keys.dir>/secrets-master.keys`.',
  },
  {
    env: 'VAULT_ADDR',
    key: 'vault.addr',
    doc: 'HashiCorp Vault address: secrets live in its KV v2 engine instead of the embedded store.',
  },
  { env: 'VAULT_TOKEN', key: 'vault.token', doc: 'Vault token (or use AppRole).' },
  { env: 'VAULT_ROLE_ID', key: 'vault.roleId', doc: 'Vault AppRole role id.' },
  { env: 'VAULT_SECRET_ID', key: 'vault.secretId', doc: 'Vault AppRole secret id.' },
  { env: 'SECOPS_VAULT_MOUNT', key: 'vault.mount', doc: 'Path of the KV v2 mount.' },
  {
    env: 'SECOPS_VAULT_PREFIX',
    key: 'vault.prefix',
    doc: 'Folder under the mount that holds every tenant’s secrets.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_WORKERS',
    key: 'playbooks.workers',
    doc: 'Run playbook steps in this process (false: an API-only process; runs start here and execute where workers run).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_QUEUE',
    key: 'playbooks.queue',
    doc: '`embedded` (a jobs table in the database, in-process workers), `bullmq` (Redis, needs REDIS_URL) or `auto` (bullmq when REDIS_URL is set).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_CONCURRENCY',
    key: 'playbooks.concurrency',
    doc: 'Steps each integration lane runs at once per process, `lane=n,…` (`default` for the rest); `POST /commands` scale changes it at run time.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_RATE_LIMITS',
    key: 'playbooks.rateLimits',
    doc: 'Calls per integration across every process, `integration=count/s|m|h,…` (shared through Redis when REDIS_URL is set); steps wait their turn.',
  },
  {
    env: 'SECOPS_PUBLIC_URL',
    key: 'playbooks.publicUrl',
    doc: 'The platform’s address as people reach it, for signed approval links (default: the listening address).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_ALLOW_HTTP',
    key: 'playbooks.allowHttp',
    doc: 'Let playbook actions call plain http:// URLs (default: https only).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_ALLOW_PRIVATE_NETWORKS',
    key: 'playbooks.allowPrivateNetworks',
    doc: 'CIDRs of private or loopback networks playbook actions may call (default: public addresses only).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_ALLOWED_PORTS',
    key: 'playbooks.allowedPorts',
    doc: 'Ports playbook actions may call besides 80 and 443, comma-separated.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_INTEL_FILES',
    key: 'playbooks.intelFiles',
    doc: 'Enrichment lists and threat-intel files for `enrich.lookup`: `.txt` (a value or CIDR per line), `.csv` (a `value` column) or STIX 2.1 bundles (`.json`), comma-separated.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_BLOCK_ADDRESS_URL',
    key: 'playbooks.blockAddressUrl',
    doc: 'Endpoint `containment.block_address` POSTs to (your firewall or SOAR bridge).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_BLOCK_ADDRESS_TOKEN_SECRET',
    key: 'playbooks.blockAddressTokenSecret',
    doc: 'Secret path (in /secrets, per tenant) of the bearer token sent to that endpoint.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_DISABLE_USER_URL',
    key: 'playbooks.disableUserUrl',
    doc: 'Endpoint `containment.disable_user` POSTs to (your identity provider bridge).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_DISABLE_USER_TOKEN_SECRET',
    key: 'playbooks.disableUserTokenSecret',
    doc: 'Secret path of the bearer token sent to that endpoint.',
  },
  {
    env: 'SECOPS_PLAYBOOKS_PAGERDUTY_URL',
    key: 'playbooks.pagerdutyUrl',
    doc: 'PagerDuty Events API base URL (a proxy or regional endpoint).',
  },
  {
    env: 'SECOPS_PLAYBOOKS_SENDGRID_URL',
    key: 'playbooks.sendgridUrl',
    doc: 'SendGrid API base URL.',
  },
  { env: 'SECOPS_PLAYBOOKS_TWILIO_URL', key: 'playbooks.twilioUrl', doc: 'Twilio API base URL.' },
  {
    env: 'SECOPS_BOOTSTRAP_DEFAULT_SOURCE',
    key: 'bootstrap.createDefaultSource',
    doc: 'On first start, create a `default` ingest source and print its token once.',
  },
];
