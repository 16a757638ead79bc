import { expandDottedKeys, needsExpansion } from './dotted-keys.ts';
import { ECS_VERSION } from './ecs-draft.ts';
import { isObject, objectAt, typeName } from './json-access.ts';
import { fail, jsonOf, succeed } from './parse-result.ts';
import type { JsonObject, Parser, RawRecord } from './parser.ts';
import { parseTimestampValue, receivedInstant } from './timestamp.ts';

/** Keys that mark a document as already shaped like ECS (checked without walking the document). */
const ECS_MARKERS = ['@timestamp', 'ecs.version', 'event.kind', 'event.category', 'event.dataset'];

/**
 * Documents that are already ECS (Beats, Elastic Agent, Logstash `ecs_compatibility`, apps using
 * an ECS logger). Dotted names are expanded as Elasticsearch does; `@timestamp` is normalised;
 * everything else passes through untouched.
 */
export const ecsParser: Parser = {
  id: 'ecs',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json' || !isObject(record.value)) return false;
    return looksLikeEcs(record.value);
  },

  // The document shares the record's objects (it is the record's value itself when nothing needs
  // adding) and never changes them; only the objects it adds to are copied.
  parse(record, context) {
    const input = jsonOf(record);
    if (!input.ok) return fail('ecs', input.message);
    if (!isObject(input.value))
      return fail('ecs', `expected a JSON object, got ${typeName(input.value)}`);
    let doc = input.value;
    if (needsExpansion(doc)) {
      const expanded = expandDottedKeys(doc);
      if (!expanded.ok) return fail('ecs', expanded.message, expanded.path);
      doc = expanded.value;
    }

    for (const fieldSet of ['ecs', 'event', 'secops'] as const) {
      const value = doc[fieldSet];
      if (value !== undefined && !isObject(value)) {
        return fail('ecs', `expected an object, got ${typeName(value)}`, fieldSet);
      }
    }

    const rawTime = doc['@timestamp'];
    const time =
      rawTime === undefined || rawTime === null
        ? receivedInstant(context)
        : parseTimestampValue(rawTime, 'millis');
    if (time === undefined) return fail('ecs', 'not a valid timestamp', '@timestamp');

    // The shipper's ecs.version says which ECS its fields follow; it is kept when present.
    const ecs = objectAt(doc, 'ecs');
    const event = objectAt(doc, 'event');
    const addVersion = typeof ecs?.version !== 'string';
    const addKind = typeof event?.kind !== 'string';
    if (
      !addVersion &&
      !addKind &&
      time.nanos === undefined &&
      rawTime === time.iso &&
      firstKey(doc) === '@timestamp'
    ) {
      return succeed('ecs', [doc]); // already complete: nothing to copy
    }
    // `@timestamp` leads the document (after any integer-like names, which objects put first).
    const out: JsonObject = { '@timestamp': time.iso, ...doc };
    out['@timestamp'] = time.iso;
    if (addVersion) out.ecs = { ...ecs, version: ECS_VERSION };
    if (addKind) out.event = { ...event, kind: 'event' };
    if (time.nanos !== undefined) {
      out.secops = { ...objectAt(doc, 'secops'), timestamp_nanos: time.nanos };
    }
    return succeed('ecs', [out]);
  },
};

/** True when `value` has ECS markers and no non-object value where ECS needs a field set. */
export function looksLikeEcs(value: JsonObject): boolean {
  const ecs = value.ecs;
  const event = value.event;
  if ((ecs !== undefined && !isObject(ecs)) || (event !== undefined && !isObject(event)))
    return false;
  if (ecs !== undefined || event !== undefined) return true;
  for (const marker of ECS_MARKERS) if (value[marker] !== undefined) return true;
  return false;
}

/** The first own enumerable name of an object, as `Object.keys` would list it. */
function firstKey(value: JsonObject): string | undefined {
  for (const key in value) if (Object.hasOwn(value, key)) return key;
  return undefined;
}
