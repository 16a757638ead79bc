import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/index.ts';
import type { AnyRoute } from '../http/index.ts';
import { DEFAULT_TENANT } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { AuditError } from './audit-errors.ts';
import type { AuditExportFormat, AuditLog, SignedCheckpoint } from './audit-log.ts';
import type { AuditFilter } from './audit-store.ts';

const MAX_LIMIT = 1000;
/** Export lines are sent in chunks of about this many bytes, not one write a record. */
const EXPORT_CHUNK = 64 * 1024;

const time = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('ISO 8601 date-time with Z or an offset, or a date (midnight UTC)');
const filterShape = {
  tenant: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('tenant id; without the cross-tenant right only your own (another answers 404)'),
  actor: z.string().min(1).max(256).optional().describe('actor id'),
  action: z
    .string()
    .max(129)
    .regex(/^[a-z0-9_.-]+\*?$/, 'an action, or an action prefix ending in * (secrets.*)')
    .optional()
    .describe('exact action, or a prefix ending in *: secrets.* matches every secrets action'),
  resourceType: z.string().min(1).max(128).optional(),
  resourceId: z.string().min(1).max(512).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: time.optional().describe('records at or after this time'),
  to: time.optional().describe('records before this time'),
};
const listQuery = z
  .object({
    ...filterShape,
    cursor: z.string().min(1).max(64).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
    order: z.enum(['asc', 'desc']).default('asc').describe('by seq: oldest first by default'),
  })
  .strict();
const exportQuery = z
  .object({
    ...filterShape,
    format: z
      .enum(['ndjson', 'csv'])
      .default('ndjson')
      .describe('ndjson verifies offline (secops audit verify); csv is for people'),
  })
  .strict();

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const record = z.object({
  seq: z.number().int(),
  time: z.string(),
  tenantId: z.string(),
  actor: z.object({
    id: z.string(),
    kind: z.enum(['user', 'agent', 'api-token', 'system', 'anonymous']),
    name: z.string().optional(),
  }),
  action: z.string(),
  resource: z.object({ type: z.string(), id: z.string().optional() }),
  outcome: z.enum(['success', 'failure', 'denied']),
  requestId: z.string().optional(),
  sourceAddress: z.string().optional(),
  userAgent: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  sensitive: z
    .record(z.string(), z.string())
    .optional()
    .describe('hmac-sha256:<hex> of each sensitive value, never the value'),
  leafHash: hex,
  chainHash: hex,
});
const checkpoint = z.object({
  origin: z.string(),
  treeSize: z.number().int(),
  rootHash: hex,
  note: z.string().describe('the c2sp.org/tlog-checkpoint signed note'),
  createdAt: z.string(),
});
const verifyReport = z.object({
  ok: z.boolean(),
  records: z.number().int(),
  checkpoints: z.number().int(),
  treeSize: z.number().int(),
  complete: z.boolean(),
  broken: z
    .object({
      reason: z.enum([
        'edited',
        'missing',
        'reordered',
        'truncated',
        'bad-checkpoint-signature',
        'checkpoint-mismatch',
        'malformed',
      ]),
      seq: z.number().int().optional(),
      treeSize: z.number().int().optional(),
      line: z.number().int().optional(),
      message: z.string(),
    })
    .optional()
    .describe('the first break, in log order'),
});

const read = { kind: 'permission', permission: 'audit:read' } as const;
const tags = ['audit'];

function who(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('route without a principal');
  return principal;
}

/**
 * Whether a principal reads the audit records of every tenant: an administrator of the operator
 * tenant (who manages tenants, as in `platform/access`). Everyone else reads their own tenant's.
 */
function readsAllTenants(principal: Principal): boolean {
  return principal.tenantId === DEFAULT_TENANT && principal.permissions.has('tenants:write');
}

/**
 * The tenant a caller's query is confined to: the one asked for by a cross-tenant reader
 * (undefined: all), else the caller's own. Another tenant is answered like a missing one.
 */
function tenantScope(principal: Principal, asked: string | undefined): string | undefined {
  if (readsAllTenants(principal)) return asked;
  if (asked !== undefined && asked !== principal.tenantId) {
    throw new AuditError('AUDIT_TENANT_NOT_FOUND', `no tenant ${asked} among those you can read`);
  }
  return principal.tenantId;
}

type FilterQuery = z.infer<z.ZodObject<typeof filterShape>>;

function toFilter(principal: Principal, query: FilterQuery): AuditFilter {
  const { action } = query;
  const prefix = action?.endsWith('*') === true ? action.slice(0, -1) : undefined;
  return withoutUndefined({
    tenantId: tenantScope(principal, query.tenant),
    actorId: query.actor,
    action: prefix === undefined ? action : undefined,
    actionPrefix: prefix,
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    outcome: query.outcome,
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to),
  });
}

/** `value` without its undefined properties (`exactOptionalPropertyTypes`). */
function withoutUndefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function toView(c: SignedCheckpoint): z.infer<typeof checkpoint> {
  return {
    origin: c.origin,
    treeSize: c.treeSize,
    rootHash: c.rootHash,
    note: c.note,
    createdAt: c.createdAt,
  };
}

const EXPORT_TYPES: Readonly<Record<AuditExportFormat, string>> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Lines joined into chunks of about `EXPORT_CHUNK` bytes; closing it closes `lines`. */
async function* chunked(
  first: string,
  lines: AsyncIterator<string>,
): AsyncGenerator<string, void, undefined> {
  let buffer = first;
  try {
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      buffer += next.value;
      if (buffer.length >= EXPORT_CHUNK) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer !== '') yield buffer;
  } finally {
    await lines.return?.();
  }
}

/**
 * Streams an export with backpressure. The first line is read before any header is sent, so a
 * refused filter or a log that cannot be checkpointed answers with a problem, not a short 200.
 */
async function sendExport(
  res: Response,
  lines: AsyncIterable<string>,
  format: AuditExportFormat,
  audited: () => Promise<void>,
): Promise<void> {
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  // Recorded once the export is known to be served, and before a byte of it is sent.
  await audited();
  res.status(200);
  res.setHeader('Content-Type', EXPORT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="audit-log.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (first.done === true) {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.from(chunked(first.value, iterator)), res);
  } catch {
    // The client went away, or the store failed mid-export. What was sent cannot be taken back:
    // cut the connection rather than end it, since a cleanly ended short file looks complete (a
    // filtered one even verifies). The client sees the cut; there is nothing to log.
    res.destroy();
  }
}

/**
 * `/audit/…`: list, export and verify the audit log, sign checkpoints, serve proofs and the
 * verifier key. Records are confined to the caller's tenant unless it `readsAllTenants`.
 */
export function auditRoutes(log: AuditLog): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit/logs',
      summary: 'Audit records, filtered, a page at a time',
      description:
        'Oldest first unless order=desc; pass nextCursor back as cursor for the next page. ' +
        'Records of your own tenant only, unless you administer tenants from the operator tenant; ' +
        'asking for another tenant answers 404.',
      tags,
      access: read,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of records',
          schema: z.object({ records: z.array(record), nextCursor: z.string().optional() }),
        },
      },
      handler: async ({ principal, query }) => {
        const page = await log.list({
          ...toFilter(who(principal), query),
          limit: query.limit,
          order: query.order,
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        });
        return {
          records: page.records,
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/logs/export',
      summary: 'Export audit records as NDJSON (verifiable offline) or CSV',
      description:
        'Streams the records the filters select (your tenant only, as for /audit/logs). NDJSON ' +
        'carries a signed checkpoint and, when records are left out, each one’s inclusion proof: ' +
        '`secops audit verify FILE --key KEY` checks it with the verifier key alone. ' +
        'A failure mid-stream cuts the connection rather than ending the file early.',
      tags,
      access: { kind: 'permission', permission: 'audit:export' },
      audit: { action: 'audit.export', resource: () => ({ type: 'audit-log' }) },
      raw: true,
      query: exportQuery,
      responses: {
        200: {
          description: 'The export, as an attachment (application/x-ndjson or text/csv)',
          contentType: 'application/x-ndjson',
        },
      },
      handler: async ({ principal, query, res, audited }) => {
        const { format, ...filters } = query;
        await sendExport(
          res,
          log.export(toFilter(who(principal), filters), format),
          format,
          audited,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/verify',
      summary: 'Verify the whole stored log and report the first break',
      description:
        'Recomputes every leaf hash, the chain, seq continuity and every stored checkpoint. ' +
        'Pass checkpoint notes kept outside the database as `checkpoint` (repeatable) to catch ' +
        'rewrites and truncation that deleted the stored checkpoints too.',
      tags,
      access: read,
      query: z
        .object({
          checkpoint: z
            .union([z.string().min(1).max(4096), z.array(z.string().min(1).max(4096)).max(32)])
            .optional()
            .describe('a signed checkpoint note kept elsewhere; repeat for more'),
        })
        .strict(),
      responses: { 200: { description: 'The verification report', schema: verifyReport } },
      handler: async ({ query }) => {
        const checkpoints = query.checkpoint === undefined ? [] : [query.checkpoint].flat();
        return log.verify({ checkpoints });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/audit/checkpoints',
      summary: 'Sign a checkpoint of the current tree head now',
      description:
        'Checks the records appended since the latest checkpoint first and refuses (500, ' +
        'AUDIT_LOG_CORRUPT) to sign over a broken log. Copy the note out of the database.',
      tags,
      access: { kind: 'permission', permission: 'audit:checkpoint' },
      audit: {
        action: 'audit.checkpoint',
        resource: ({ result }) => ({
          type: 'audit-checkpoint',
          ...(typeof (result as SignedCheckpoint | undefined)?.treeSize === 'number'
            ? { id: String((result as SignedCheckpoint).treeSize) }
            : {}),
        }),
      },
      responses: {
        200: {
          description: 'The signed checkpoint (the latest, when nothing was appended since)',
          schema: checkpoint,
        },
      },
      handler: async () => toView(await log.checkpoint()),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/checkpoints/latest',
      summary: 'The latest signed checkpoint',
      description:
        'JSON by default; format=note (or Accept: text/plain) answers the signed note alone, ' +
        'as C2SP tools read it.',
      tags,
      access: read,
      query: z
        .object({
          format: z.enum(['json', 'note']).optional().describe('note: the signed note as text'),
        })
        .strict(),
      responses: {
        200: { description: 'The checkpoint (text/plain: the note)', schema: checkpoint },
        404: { description: 'No checkpoint signed yet' },
      },
      handler: async ({ query, req, res }) => {
        const latest = await log.latestCheckpoint();
        if (latest === undefined) {
          throw new AuditError('AUDIT_CHECKPOINT_NOT_FOUND', 'no checkpoint has been signed yet');
        }
        const asNote =
          query.format === 'note' ||
          (query.format === undefined &&
            req.accepts(['application/json', 'text/plain']) === 'text/plain');
        if (!asNote) return toView(latest);
        res.status(200).type('text/plain; charset=utf-8').send(latest.note);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/proofs/inclusion',
      summary: 'RFC 9162 inclusion proof of a record',
      description:
        'Proves record seq is in the tree of treeSize records (default: the latest checkpoint’s ' +
        'size when it covers seq, else the current size). Records of other tenants answer 404 ' +
        'unless you read all tenants.',
      tags,
      access: read,
      query: z
        .object({
          seq: z.coerce.number().int().min(1),
          treeSize: z.coerce.number().int().min(1).optional(),
        })
        .strict(),
      responses: {
        200: {
          description: 'The proof, hashes in hex',
          schema: z.object({
            seq: z.number().int(),
            leafIndex: z.number().int(),
            treeSize: z.number().int(),
            leafHash: hex,
            rootHash: hex,
            proof: z.array(hex),
          }),
        },
      },
      handler: async ({ principal, query }) => {
        const p = who(principal);
        if (!readsAllTenants(p)) {
          const own = await log.list({ tenantId: p.tenantId, seq: query.seq, limit: 1 });
          if (own.records.length === 0) {
            throw new AuditError('AUDIT_RECORD_NOT_FOUND', `no record ${query.seq} in your tenant`);
          }
        }
        return log.inclusionProof(query.seq, query.treeSize);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/proofs/consistency',
      summary: 'RFC 9162 consistency proof between two tree sizes',
      description:
        'Proves the tree of `to` records (default: the latest checkpoint’s size) extends the ' +
        'tree of `from` records: nothing signed before was changed.',
      tags,
      access: read,
      query: z
        .object({
          from: z.coerce.number().int().min(0),
          to: z.coerce.number().int().min(0).optional(),
        })
        .strict(),
      responses: {
        200: {
          description: 'The proof, hashes in hex',
          schema: z.object({
            fromSize: z.number().int(),
            toSize: z.number().int(),
            fromRoot: hex,
            toRoot: hex,
            proof: z.array(hex),
          }),
        },
      },
      handler: async ({ query }) => log.consistencyProof(query.from, query.to),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/verifier-key',
      summary: 'The public key that verifies checkpoints and exports',
      description:
        'Public: it is public-key material meant to be published, so auditors and witnesses ' +
        'fetch it without an account. Pin it out of band before trusting it.',
      tags,
      access: { kind: 'public' },
      responses: {
        200: {
          description: 'The note verifier key, <name>+<key id hex>+<base64 key>',
          schema: z.object({ verifierKey: z.string() }),
        },
      },
      handler: () => ({ verifierKey: log.verifierKey }),
    }),
  ];
}
