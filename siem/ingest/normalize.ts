import { hash } from 'node:crypto';
import type { EcsDocument, JsonObject, JsonValue } from '../parsers/index.ts';

export const ECS_VERSION_DEFAULT = '8.17.0';

function objectAt(doc: JsonObject, key: string): JsonObject {
  const existing = doc[key];
  if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
    return existing;
  const created: JsonObject = {};
  doc[key] = created;
  return created;
}

export type NormalizeOutcome =
  | { readonly ok: true; readonly timestamp: number; readonly id: string }
  | { readonly ok: false; readonly path: string; readonly message: string };

export interface NormalizeContext {
  readonly receivedAt: number;
  readonly source: { readonly id: string; readonly name: string; readonly tenantId: string };
  /** Id to use when the event carries none (bulk `_id`, or derived from content). */
  readonly fallbackId: () => string;
}

/**
 * The fields every stored event has, whatever its parser: a valid `@timestamp` (ISO 8601 UTC
 * with milliseconds), `event.id`, `event.ingested`, `ecs.version`, the ingest source under
 * `secops.source` and its tenant in `secops.tenant`. Both are overwritten: an event cannot name
 * its own source or tenant. Mutates the document (the pipeline owns it).
 */
export function normalizeEvent(doc: EcsDocument, context: NormalizeContext): NormalizeOutcome {
  const raw = doc['@timestamp'];
  let timestamp: number;
  if (raw === undefined || raw === null) {
    timestamp = context.receivedAt;
  } else if (typeof raw === 'number' && Number.isFinite(raw)) {
    timestamp = raw;
  } else if (typeof raw === 'string') {
    timestamp = Date.parse(raw);
    if (Number.isNaN(timestamp))
      return {
        ok: false,
        path: '@timestamp',
        message: `not a valid date: ${JSON.stringify(raw.slice(0, 64))}`,
      };
  } else {
    return {
      ok: false,
      path: '@timestamp',
      message: 'must be a date string or epoch milliseconds',
    };
  }
  doc['@timestamp'] = new Date(timestamp).toISOString();

  const event = objectAt(doc, 'event');
  const given = event.id;
  let id: string;
  if (typeof given === 'string' && given !== '') id = given;
  else if (typeof given === 'number') id = String(given);
  else {
    id = context.fallbackId();
    event.id = id;
  }
  event.ingested = new Date(context.receivedAt).toISOString();
  const ecs = objectAt(doc, 'ecs');
  if (typeof ecs.version !== 'string') ecs.version = ECS_VERSION_DEFAULT;
  const secops = objectAt(doc, 'secops');
  secops.source = { id: context.source.id, name: context.source.name };
  secops.tenant = context.source.tenantId;
  return { ok: true, timestamp, id };
}

/**
 * A stable id from an event's content: the same record re-sent by the same source gets the same
 * id, so it is stored once. 20 url-safe characters (120 bits), like Elasticsearch's own ids.
 */
export function contentId(sourceId: string, raw: string, index: number): string {
  // The first 20 base64url characters are exactly the first 15 bytes of the digest.
  return hash('sha256', `${sourceId}\u0000${raw}\u0000${String(index)}`, 'base64url').slice(0, 20);
}

/** Canonical text of a JSON value when the raw bytes are not at hand (items of a JSON array). */
export function rawTextOf(value: JsonValue): string {
  return JSON.stringify(value);
}
