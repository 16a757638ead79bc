import type { EcsDocument, JsonObject, JsonValue } from './parser.ts';
import { setOwn } from './json-access.ts';
import type { Instant } from './timestamp.ts';

/** The ECS version every parser writes into `ecs.version`. */
export const ECS_VERSION = '8.17.0';

/**
 * Mappings are written as nested object literals whose leaves may be `undefined` (a source field
 * that was absent). `compact` then drops the holes and any object left empty, so mapping code
 * reads like the target document instead of a chain of `if`s.
 */
export interface Draft {
  [key: string]: DraftValue;
}
export type DraftValue =
  string | number | boolean | null | undefined | Verbatim | Draft | DraftValue[];

const VERBATIM = Symbol('verbatim');

/** A raw source value copied as is: `compact` neither walks it nor drops its empty parts. */
export interface Verbatim {
  readonly [VERBATIM]: JsonValue;
}

export function verbatim(value: JsonValue): Verbatim;
export function verbatim(value: JsonValue | undefined): Verbatim | undefined;
export function verbatim(value: JsonValue | undefined): Verbatim | undefined {
  return value === undefined ? undefined : { [VERBATIM]: value };
}

function isVerbatim(value: DraftValue): value is Verbatim {
  return typeof value === 'object' && value !== null && VERBATIM in value;
}

/** Strips `undefined` leaves, empty objects and empty arrays built by the mapping. */
export function compact(draft: Draft): JsonObject {
  return compactObject(draft) ?? {};
}

function compactObject(draft: Draft): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(draft)) {
    const value = compactValue(draft[key]);
    if (value === undefined) continue;
    out ??= {};
    setOwn(out, key, value);
  }
  return out;
}

function compactValue(value: DraftValue): JsonValue | undefined {
  if (typeof value !== 'object') {
    return value === undefined || (typeof value === 'number' && !Number.isFinite(value))
      ? undefined
      : value;
  }
  if (value === null) return null;
  if (isVerbatim(value)) return value[VERBATIM];
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (const item of value) {
      const compacted = compactValue(item);
      if (compacted !== undefined) items.push(compacted);
    }
    return items.length === 0 ? undefined : items;
  }
  return compactObject(value);
}

/** Deep-merges `overlay` into `base` (overlay wins on leaves); both are drafts, `base` is changed. */
export function mergeInto(base: Draft, overlay: Draft): Draft {
  for (const key of Object.keys(overlay)) {
    const next = overlay[key];
    if (next === undefined) continue;
    const current = Object.hasOwn(base, key) ? base[key] : undefined;
    if (isPlainDraft(current) && isPlainDraft(next)) mergeInto(current, next);
    else setOwn(base, key, next);
  }
  return base;
}

function isPlainDraft(value: DraftValue): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isVerbatim(value);
}

/** Distinct non-empty strings, or `undefined` when there are none (for `related.*`). */
export function distinct(values: readonly (string | undefined)[]): string[] | undefined {
  if (values.length > 8) {
    const seen = new Set<string>();
    for (const value of values) if (value !== undefined && value !== '') seen.add(value);
    return seen.size === 0 ? undefined : [...seen];
  }
  // A handful of values (the usual case): a linear check costs less than building a Set.
  const seen: string[] = [];
  for (const value of values) {
    if (value !== undefined && value !== '' && !seen.includes(value)) seen.push(value);
  }
  return seen.length === 0 ? undefined : seen;
}

/**
 * The fields every document carries: `@timestamp`, `ecs.version`, `event.kind`, and
 * `secops.timestamp_nanos` when the source time had sub-millisecond digits.
 */
export function baseEvent(time: Instant): Draft {
  return {
    '@timestamp': time.iso,
    ecs: { version: ECS_VERSION },
    event: { kind: 'event' },
    secops: time.nanos === undefined ? undefined : { timestamp_nanos: time.nanos },
  };
}

/** Finishes a draft into a document. */
export function toDocument(draft: Draft): EcsDocument {
  return compact(draft);
}

/** Sets `value` at a dotted path (`source.geo.location.lat`), creating objects on the way. */
export function setPath(draft: Draft, path: string, value: DraftValue): void {
  const segments = path.split('.');
  let target = draft;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] ?? '';
    const existing = Object.hasOwn(target, segment) ? target[segment] : undefined;
    if (isPlainDraft(existing)) {
      target = existing;
    } else {
      const created: Draft = {};
      setOwn(target, segment, created);
      target = created;
    }
  }
  setOwn(target, segments[segments.length - 1] ?? '', value);
}

/**
 * The members of `source` whose names are not in `mapped`, copied verbatim under their own names:
 * mappings name the fields they understand and keep the rest, so no source field is dropped.
 */
export function unmapped(source: JsonObject, mapped: ReadonlySet<string>): Draft {
  const out: Draft = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value !== undefined && !mapped.has(key)) setOwn(out, key, verbatim(value));
  }
  return out;
}
