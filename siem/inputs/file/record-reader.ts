import type { Readable } from 'node:stream';
import type { IngestItem } from '../../ingest/ingest-pipeline.ts';
import type { JsonValue } from '../../parsers/index.ts';
import { readBodyLines } from '../../http/body-lines.ts';
import { jsonObjectItem, objectItem } from '../../ingest/json-items.ts';

/** How a log file is laid out, decided from its first non-blank line. */
export type FileLayout = 'json' | 'text';

export interface FileRecord {
  readonly item: IngestItem;
  /** Line where the record starts (1-based), for error messages. */
  readonly line: number;
  /** Bytes of input consumed so far (for progress). */
  readonly bytesRead: number;
}

const RECORD_HEADER = /^Record \d+\s*$/;

/**
 * Reads log records from a file or stdin:
 * - JSON: NDJSON, or whole JSON objects spread over several lines one after another (as
 *   `evtx_dump -o json` prints them, with its `Record N` header lines skipped);
 * - text: one record per line (syslog, CEF, plain logs).
 * A record that is not valid JSON in a JSON file is reported alone with its line number.
 */
export async function* readFileRecords(
  input: Readable,
  options: { maxRecordBytes: number; layout?: FileLayout; name: string },
): AsyncGenerator<FileRecord[]> {
  let layout = options.layout;
  let bytesRead = 0;
  let pending: string[] = [];
  let pendingStart = 0;
  let depth = 0;
  let pendingBytes = 0;
  const state = { inString: false, escaped: false };
  const reset = (): void => {
    pending = [];
    pendingBytes = 0;
    depth = 0;
    state.inString = false;
    state.escaped = false;
  };

  const where = (line: number) => `${options.name}:${String(line)}`;

  for await (const lines of readBodyLines(input, {
    maxBodyBytes: Number.MAX_SAFE_INTEGER,
    maxLineBytes: options.maxRecordBytes,
  })) {
    const out: FileRecord[] = [];
    for (const entry of lines) {
      bytesRead += entry.bytes + 1;
      if ('tooLong' in entry) {
        out.push({
          item: {
            error: {
              code: 'SIEM_EVENT_TOO_LARGE',
              message: `${where(entry.line)}: line of ${String(entry.bytes)} bytes is over the limit`,
            },
          },
          line: entry.line,
          bytesRead,
        });
        continue;
      }
      const text = entry.text;
      if (layout === undefined) {
        const first = text.trimStart();
        layout =
          first.startsWith('{') || first.startsWith('[') || RECORD_HEADER.test(first)
            ? 'json'
            : 'text';
      }
      if (layout === 'text') {
        out.push({
          item: { record: { kind: 'text', text }, raw: text },
          line: entry.line,
          bytesRead,
        });
        continue;
      }
      if (depth === 0 && pending.length === 0 && RECORD_HEADER.test(text)) continue;
      // A `{` at the start of a line while a multi-line record is open begins a new record:
      // the open one was broken (NDJSON with a bad line) and is reported alone.
      if (pending.length > 0 && (text.startsWith('{') || RECORD_HEADER.test(text))) {
        out.push({
          item: jsonItem(pending.join('\n'), where(pendingStart), false, options.maxRecordBytes),
          line: pendingStart,
          bytesRead,
        });
        reset();
        if (RECORD_HEADER.test(text)) continue;
      }
      // NDJSON: a line that is a whole JSON value on its own.
      if (pending.length === 0) {
        const single = tryParse(text);
        if (single !== undefined) {
          out.push({
            item: objectItem(single, text, where(entry.line)),
            line: entry.line,
            bytesRead,
          });
          continue;
        }
        pendingStart = entry.line;
      }
      pending.push(text);
      pendingBytes += entry.bytes;
      depth += braceDelta(text, state);
      if (depth <= 0 || pendingBytes > options.maxRecordBytes) {
        out.push({
          item: jsonItem(
            pending.join('\n'),
            where(pendingStart),
            pendingBytes > options.maxRecordBytes,
            options.maxRecordBytes,
          ),
          line: pendingStart,
          bytesRead,
        });
        reset();
      }
    }
    if (out.length > 0) yield out;
  }
  if (pending.length > 0) {
    yield [
      {
        item: jsonItem(pending.join('\n'), where(pendingStart), false, options.maxRecordBytes),
        line: pendingStart,
        bytesRead,
      },
    ];
  }
}

/** Change of brace depth over a line, outside strings (the string state carries across lines). */
function braceDelta(text: string, state: { inString: boolean; escaped: boolean }): number {
  let delta = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (state.inString) {
      if (state.escaped) state.escaped = false;
      else if (c === 0x5c) state.escaped = true;
      else if (c === 0x22) state.inString = false;
    } else if (c === 0x22) state.inString = true;
    else if (c === 0x7b || c === 0x5b) delta++;
    else if (c === 0x7d || c === 0x5d) delta--;
  }
  return delta;
}

function tryParse(text: string): JsonValue | undefined {
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function jsonItem(text: string, where: string, tooLarge: boolean, limit: number): IngestItem {
  if (tooLarge)
    return {
      error: {
        code: 'SIEM_EVENT_TOO_LARGE',
        message: `${where}: record over ${String(limit)} bytes`,
      },
    };
  return jsonObjectItem(text, where);
}
