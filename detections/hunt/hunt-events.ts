import { parseRecord } from '../../siem/index.ts';
import type { EcsDocument, FileRecord, ParserId } from '../../siem/index.ts';

/** One event of a log file, parsed to ECS exactly as ingest parses it. */
export interface HuntEvent {
  /** `event.id` when the event has one, else where it is: `file:line` (`#n` for the nth of a record). */
  readonly id: string;
  /** Event time, epoch ms: `@timestamp`, or the receive time when the record has no time. */
  readonly timestamp: number;
  readonly doc: EcsDocument;
  /** Line of the log file where its record starts. */
  readonly line: number;
}

export type PreparedRecord =
  | { readonly ok: true; readonly events: readonly HuntEvent[] }
  | { readonly ok: false; readonly message: string };

export interface RecordContext {
  /** The log file's name in reports (`stdin` for standard input). */
  readonly input: string;
  readonly parser: ParserId;
  /** Receive time (epoch ms) for records without a time of their own, as ingest stamps them. */
  readonly receivedAt: number;
}

/**
 * The events of one record read by `readFileRecords`: `parseRecord` with the parser ingest would
 * use, then the timestamp rules of ingest (a record without a time gets the receive time; one
 * with an unreadable `@timestamp` is refused). The message of a refused record names file and line.
 */
export function toHuntEvents(record: FileRecord, context: RecordContext): PreparedRecord {
  const where = `${context.input}:${String(record.line)}`;
  const { item } = record;
  if (item.error) {
    const message = item.error.message;
    return {
      ok: false,
      message: message.startsWith(context.input) ? message : `${where}: ${message}`,
    };
  }
  if (!item.record) return { ok: false, message: `${where}: empty record` };
  const parsed = parseRecord(item.record, item.parser ?? context.parser, {
    receivedAt: context.receivedAt,
    defaultYear: new Date(context.receivedAt).getUTCFullYear(),
  });
  if (!parsed.ok) {
    const { parser, path, message } = parsed.error;
    return { ok: false, message: `${where}: ${parser}: ${path ? `${path}: ` : ''}${message}` };
  }
  const events: HuntEvent[] = [];
  for (const [index, doc] of parsed.events.entries()) {
    const timestamp = timestampOf(doc, context.receivedAt);
    if (typeof timestamp === 'string') return { ok: false, message: `${where}: ${timestamp}` };
    const suffix = parsed.events.length > 1 ? `#${String(index + 1)}` : '';
    events.push({ id: idOf(doc) ?? `${where}${suffix}`, timestamp, doc, line: record.line });
  }
  return { ok: true, events };
}

/** As ingest's normalisation reads `@timestamp`; a string when it is not a time. */
function timestampOf(doc: EcsDocument, receivedAt: number): number | string {
  const raw = doc['@timestamp'];
  if (raw === undefined || raw === null) return receivedAt;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    const time = Date.parse(raw);
    return Number.isNaN(time)
      ? `@timestamp: not a valid date: ${JSON.stringify(raw.slice(0, 64))}`
      : time;
  }
  return '@timestamp: must be a date string or epoch milliseconds';
}

function idOf(doc: EcsDocument): string | undefined {
  const event = doc.event;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  const id = event.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  return undefined;
}
