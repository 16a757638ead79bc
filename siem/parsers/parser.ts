/**
 * Parsers turn one raw input record into zero or more ECS documents. They are pure functions of
 * their input and context: no I/O, no clock reads (the receive time comes in the context).
 */

/** A JSON object as it comes off the wire or out of a parser. */
export interface JsonObject {
  [key: string]: JsonValue;
}
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** An ECS document: nested objects keyed by ECS field sets (`event`, `host`, `process`, ...). */
export type EcsDocument = JsonObject;

/** What arrived: a JSON value (HTTP, bulk, NDJSON files) or a line of text (syslog, plain files). */
export type RawRecord =
  | { readonly kind: 'json'; readonly value: JsonValue }
  | { readonly kind: 'text'; readonly text: string };

/** Formats the platform can parse. `auto` picks one per record by looking at its shape. */
export type ParserId =
  | 'auto'
  | 'ecs'
  | 'syslog'
  | 'cef'
  | 'cloudtrail'
  | 'k8s-audit'
  | 'winlogbeat'
  | 'evtx-dump'
  | 'github-audit'
  | 'json'
  | 'text';

export interface ParseContext {
  /** Epoch milliseconds when the platform received the record; used when a record has no time. */
  readonly receivedAt: number;
  /** Year to assume for timestamps without one (RFC 3164); derived from receivedAt by callers. */
  readonly defaultYear?: number;
  /** Transport metadata, e.g. the syslog peer address, copied into ECS where it belongs. */
  readonly peer?: {
    readonly address: string;
    readonly port?: number;
    readonly transport?: 'tcp' | 'udp';
  };
}

export type ParseResult =
  | {
      readonly ok: true;
      readonly events: EcsDocument[];
      readonly parser: Exclude<ParserId, 'auto'>;
    }
  | { readonly ok: false; readonly error: ParseFailure };

export interface ParseFailure {
  readonly parser: Exclude<ParserId, 'auto'>;
  /** What is wrong, naming the field or position when there is one. */
  readonly message: string;
  /** Dotted field path or `offset N` inside the record, when known. */
  readonly path?: string;
}

export interface Parser {
  readonly id: Exclude<ParserId, 'auto'>;
  /** True when this parser recognises the record's shape (used by `auto`). */
  detect(record: RawRecord): boolean;
  /**
   * Never changes the record. The documents may share objects with the record's value (an ECS
   * document that needs nothing added is the value itself), so a caller that changes a document
   * must not rely on the record afterwards.
   */
  parse(record: RawRecord, context: ParseContext): ParseResult;
}
