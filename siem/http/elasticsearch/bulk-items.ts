import type { BodyLine } from '../body-lines.ts';
import type { IngestItem, ItemResult } from '../../ingest/ingest-pipeline.ts';
import type { JsonObject, JsonValue } from '../../parsers/index.ts';
import { jsonObjectItem } from '../../ingest/json-items.ts';

export type BulkOp = 'index' | 'create' | 'update' | 'delete';

/** One action of a bulk request, with what the response echoes. */
export interface BulkAction {
  readonly op: BulkOp;
  readonly index: string;
  readonly id?: string;
}

/**
 * Pairs bulk lines into actions and items. Action lines name the operation; `index` and `create`
 * are followed by the document, `update` by a partial document, `delete` by nothing. Events are
 * immutable, so `update` and `delete` are refused item by item rather than failing the request.
 */
export function createBulkDecoder(pathIndex: string | undefined) {
  let pending: BulkAction | undefined;
  let pendingError: string | undefined;

  const refuse = (
    action: BulkAction,
    message: string,
  ): { action: BulkAction; item: IngestItem } => ({
    action,
    item: { error: { code: 'SIEM_INVALID_EVENT', message } },
  });

  return {
    /** Feeds one line; returns a completed action when this line finishes one. */
    push(entry: BodyLine): { action: BulkAction; item: IngestItem } | undefined {
      if (pending === undefined) {
        if ('tooLong' in entry) {
          return refuse(
            { op: 'index', index: pathIndex ?? '' },
            `line ${String(entry.line)}: action line too long`,
          );
        }
        const parsed = parseAction(entry.text, pathIndex);
        if ('error' in parsed)
          return refuse(
            { op: 'index', index: pathIndex ?? '' },
            `line ${String(entry.line)}: ${parsed.error}`,
          );
        if (parsed.action.op === 'delete')
          return refuse(parsed.action, 'events are immutable: delete is not supported');
        pending = parsed.action;
        pendingError =
          parsed.action.index === '' ? 'no index named in the action or the path' : undefined;
        return undefined;
      }
      const action = pending;
      pending = undefined;
      if (action.op === 'update')
        return refuse(action, 'events are immutable: update is not supported');
      if (pendingError !== undefined) return refuse(action, pendingError);
      if ('tooLong' in entry) {
        return {
          action,
          item: {
            error: {
              code: 'SIEM_EVENT_TOO_LARGE',
              message: `line ${String(entry.line)}: document of ${String(entry.bytes)} bytes is over the limit`,
            },
          },
        };
      }
      return { action, item: documentItem(entry.text, action, `line ${String(entry.line)}`) };
    },
    /** An action line left without its document at the end of the body. */
    finish(): { action: BulkAction; item: IngestItem } | undefined {
      if (pending === undefined) return undefined;
      const action = pending;
      pending = undefined;
      return refuse(action, 'the body ended before the document of this action');
    },
  };
}

function parseAction(
  text: string,
  pathIndex: string | undefined,
): { action: BulkAction } | { error: string } {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (err) {
    return { error: `malformed action (${(err as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { error: 'an action must be a JSON object' };
  const keys = Object.keys(value);
  const op = keys[0];
  if (
    keys.length !== 1 ||
    (op !== 'index' && op !== 'create' && op !== 'update' && op !== 'delete')
  ) {
    return {
      error: `unknown action ${JSON.stringify(keys.join(','))}; expected index, create, update or delete`,
    };
  }
  const meta = value[op];
  const m = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {};
  const index = typeof m._index === 'string' && m._index !== '' ? m._index : (pathIndex ?? '');
  const id =
    typeof m._id === 'string' && m._id !== ''
      ? m._id
      : typeof m._id === 'number'
        ? String(m._id)
        : undefined;
  return { action: { op, index, ...(id !== undefined ? { id } : {}) } };
}

/** One item of the bulk response, Elasticsearch's shape for each outcome. */
export function bulkResponseItem(action: BulkAction, result: ItemResult): Record<string, unknown> {
  const _id = result.ids[0] ?? action.id ?? '';
  const base = { _index: action.index, _id };
  let body: Record<string, unknown>;
  switch (result.status) {
    case 'created':
      body = {
        ...base,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: 201,
      };
      break;
    case 'duplicate':
      // `create` of an existing id is a conflict (Beats count it as delivered); `index` is a no-op.
      body =
        action.op === 'create'
          ? {
              ...base,
              status: 409,
              error: {
                type: 'version_conflict_engine_exception',
                reason: `[${_id}]: version conflict, document already exists`,
              },
            }
          : {
              ...base,
              _version: 1,
              result: 'noop',
              _shards: { total: 1, successful: 1, failed: 0 },
              _seq_no: 0,
              _primary_term: 1,
              status: 200,
            };
      break;
    case 'overloaded':
      body = {
        ...base,
        status: 429,
        error: {
          type: 'es_rejected_execution_exception',
          reason: result.error?.message ?? 'rejected: ingest at capacity',
        },
      };
      break;
    case 'rejected':
      body = {
        ...base,
        status: 400,
        error: { type: 'document_parsing_exception', reason: result.error?.message ?? 'rejected' },
      };
      break;
  }
  return { [action.op]: body };
}

/**
 * The item for one document sent to an index: the target index is kept with the event
 * (`secops.index`) and `_id` becomes `event.id` when the event has none.
 */
export function documentItem(text: string, action: BulkAction, where: string): IngestItem {
  const item = jsonObjectItem(text, where);
  if (item.error || item.record?.kind !== 'json') return item;
  const doc = item.record.value as JsonObject;
  const secops =
    doc.secops !== null && typeof doc.secops === 'object' && !Array.isArray(doc.secops)
      ? doc.secops
      : {};
  secops.index = action.index;
  doc.secops = secops;
  return action.id === undefined ? item : { ...item, id: action.id };
}
