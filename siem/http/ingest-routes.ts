import type { Request, Response } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { SiemError } from '../errors.ts';
import type { IngestBudget } from '../ingest/ingest-budget.ts';
import type { IngestItem, IngestPipeline, ItemResult } from '../ingest/ingest-pipeline.ts';
import { parsers } from '../parsers/index.ts';
import type { JsonValue, ParserId } from '../parsers/index.ts';
import type { SourceRegistry } from '../sources/source-registry.ts';
import { decodedBody, readBodyLines, readBodyText } from './body-lines.ts';
import { createChunkedIngest } from './chunked-ingest.ts';
import { ingestTokenFrom } from './ingest-auth.ts';
import { jsonObjectItem, objectItem } from '../ingest/json-items.ts';

export interface IngestHttpDeps {
  readonly pipeline: IngestPipeline;
  readonly budget: IngestBudget;
  readonly sources: SourceRegistry;
  readonly maxBodyBytes: number;
  readonly maxEventBytes: number;
  readonly retryAfterSeconds: number;
}

const parserIds = ['auto', ...Object.keys(parsers)] as [ParserId, ...ParserId[]];

const itemResult = z.object({
  index: z.number().int(),
  line: z.number().int().optional(),
  status: z.enum(['created', 'duplicate', 'rejected', 'overloaded']),
  ids: z.array(z.string()).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
const ingestResponse = z.object({
  took: z.number().int(),
  errors: z.boolean(),
  created: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  overloaded: z.number().int(),
  items: z.array(itemResult).describe('every item not created (all items with ids=true)'),
});

/**
 * `POST /ingest`: NDJSON (streamed), a JSON array or object, or plain text lines; gzip accepted.
 * Each item succeeds or fails on its own; the response lists the ones that did not get stored.
 * Authenticated by the ingest source's token.
 */
export function ingestRoutes(deps: IngestHttpDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/ingest',
      summary: 'Ingest events',
      description:
        'NDJSON (application/x-ndjson, streamed), a JSON array or object (application/json), or text lines (text/plain). Content-Encoding gzip or deflate. A malformed item is refused alone.',
      tags: ['ingest'],
      access: { kind: 'custom', scheme: 'ingestToken' },
      raw: true,
      query: z
        .object({
          parser: z
            .enum(parserIds)
            .optional()
            .describe('parser for every record; default: the source’s'),
          ids: z.enum(['true', 'false']).optional().describe('list every item with its event ids'),
        })
        .strict(),
      responses: {
        200: {
          description: 'Every item’s outcome (Retry-After is set when some were overloaded)',
          schema: ingestResponse,
        },
        413: { description: 'Body over the limit' },
        415: { description: 'Unsupported Content-Encoding' },
      },
      handler: ({ req, res, query }) => ingest(deps, req, res, query),
    }),
  ];
}

async function ingest(
  deps: IngestHttpDeps,
  req: Request,
  res: Response,
  query: { parser?: ParserId | undefined; ids?: 'true' | 'false' | undefined },
): Promise<undefined> {
  const started = performance.now();
  const source = await deps.sources.authenticate(ingestTokenFrom(req.headers));
  const parserParam = query.parser;
  if (deps.budget.inUse() >= deps.budget.limit) {
    throw new SiemError('SIEM_OVERLOADED', 'ingest is at capacity; retry later', {
      details: { retryAfterSeconds: deps.retryAfterSeconds },
    });
  }
  const parser = parserParam ?? source.parser;
  const contentType =
    (req.headers['content-type'] ?? 'application/x-ndjson').split(';')[0]?.trim().toLowerCase() ??
    '';
  const body = decodedBody(req, {
    maxBodyBytes: deps.maxBodyBytes,
    maxLineBytes: deps.maxEventBytes,
  });
  const chunks = createChunkedIngest(deps.pipeline, deps.budget, {
    source: { ...source, parser },
    idStrategy: 'content',
  });
  const lines: number[] = [];

  try {
    if (contentType === 'application/json') {
      const text = await readBodyText(body, deps.maxBodyBytes);
      for (const [i, item] of jsonBodyItems(text).entries()) {
        lines.push(i + 1);
        await chunks.add(item, 1024);
      }
    } else {
      const asText = contentType.startsWith('text/');
      for await (const chunk of readBodyLines(body, {
        maxBodyBytes: deps.maxBodyBytes,
        maxLineBytes: deps.maxEventBytes,
      })) {
        for (const entry of chunk) {
          lines.push(entry.line);
          if ('tooLong' in entry) {
            await chunks.add(
              {
                error: {
                  code: 'SIEM_EVENT_TOO_LARGE',
                  message: `line ${String(entry.line)}: ${String(entry.bytes)} bytes; the limit is ${String(deps.maxEventBytes)}`,
                },
              },
              0,
            );
          } else {
            await chunks.add(
              asText
                ? { record: { kind: 'text', text: entry.text }, raw: entry.text }
                : ndjsonItem(entry.text, entry.line),
              entry.bytes,
            );
          }
        }
      }
    }
  } catch (err) {
    await chunks.settle();
    throw err;
  }
  const results = await chunks.finish();
  respond(
    res,
    results,
    lines,
    performance.now() - started,
    deps.retryAfterSeconds,
    query.ids === 'true',
  );
  return undefined;
}

/** One NDJSON line as an item; a line that is not a JSON object is refused alone. */
export function ndjsonItem(text: string, line: number): IngestItem {
  return jsonObjectItem(text, `line ${String(line)}`);
}

/** Items of an `application/json` body: an array of objects, one object, or NDJSON after all. */
function jsonBodyItems(text: string): IngestItem[] {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    // Many clients label NDJSON as application/json.
    return text
      .split('\n')
      .flatMap((line, i) =>
        line.trim() === '' ? [] : [ndjsonItem(line.replace(/\r$/, ''), i + 1)],
      );
  }
  const values = Array.isArray(value) ? value : [value];
  return values.map((v, i) => objectItem(v, undefined, `item ${String(i)}`));
}

function respond(
  res: Response,
  results: readonly ItemResult[],
  lines: readonly number[],
  tookMs: number,
  retryAfter: number,
  withIds: boolean,
): void {
  const counts = { created: 0, duplicate: 0, rejected: 0, overloaded: 0 };
  const items: Record<string, unknown>[] = [];
  results.forEach((r, i) => {
    counts[r.status]++;
    if (r.status !== 'created' || withIds) {
      items.push({
        index: i,
        line: lines[i],
        status: r.status,
        ...(withIds ? { ids: r.ids } : {}),
        ...(r.error ? { error: r.error } : {}),
      });
    }
  });
  if (counts.overloaded > 0) res.setHeader('Retry-After', String(retryAfter));
  const allOverloaded = results.length > 0 && counts.overloaded === results.length;
  res.status(allOverloaded ? 429 : 200).json({
    took: Math.round(tookMs),
    errors: counts.rejected + counts.overloaded > 0,
    ...counts,
    items,
  });
}
