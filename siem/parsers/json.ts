import { ECS_VERSION } from './ecs-draft.ts';
import { isObject, setOwn, typeName } from './json-access.ts';
import { childPath, fail, jsonOf, succeed } from './parse-result.ts';
import type {
  EcsDocument,
  JsonObject,
  ParseContext,
  ParseResult,
  Parser,
  RawRecord,
} from './parser.ts';
import { parseTimestampValue, receivedInstant } from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/** Fields tried, in order, for the event time of arbitrary JSON. */
const TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'ts', 'date', 'eventTime'];

/**
 * Top-level ECS field sets that are objects in ECS. Application logs often use these names for
 * plain values (`"user": "bob"`, `"event": "login"`); such values move to `json.<name>` so the
 * document stays indexable as ECS and nothing is dropped.
 */
const ECS_OBJECT_FIELDS = new Set([
  'agent',
  'client',
  'cloud',
  'container',
  'data_stream',
  'destination',
  'device',
  'dll',
  'dns',
  'ecs',
  'email',
  'error',
  'event',
  'faas',
  'file',
  'group',
  'host',
  'http',
  'log',
  'network',
  'observer',
  'orchestrator',
  'organization',
  'package',
  'process',
  'registry',
  'related',
  'rule',
  'secops',
  'server',
  'service',
  'source',
  'span',
  'threat',
  'tls',
  'trace',
  'transaction',
  'url',
  'user',
  'user_agent',
  'vulnerability',
]);

/**
 * Any other JSON: fields are kept as they are, the event time is taken from the first common
 * time field that parses (epoch numbers are scaled by magnitude), else the receive time. A
 * top-level array yields one event per element.
 */
export const jsonParser: Parser = {
  id: 'json',

  detect(record: RawRecord): boolean {
    return record.kind === 'json' && (isObject(record.value) || Array.isArray(record.value));
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('json', input.message);
    const value = input.value;
    if (isObject(value)) return succeed('json', [fromObject(value, context)]);
    if (!Array.isArray(value))
      return fail('json', `expected a JSON object, got ${typeName(value)}`);
    const events: EcsDocument[] = [];
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (!isObject(item))
        return fail('json', `expected a JSON object, got ${typeName(item)}`, childPath('', index));
      events.push(fromObject(item, context));
    }
    return succeed('json', events);
  },
};

function fromObject(source: JsonObject, context: ParseContext): EcsDocument {
  const found = findTime(source);
  const time = found ?? receivedInstant(context);
  const out: EcsDocument = {};
  const relocated: JsonObject = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    // An @timestamp that did not parse is kept, moved aside, rather than overwritten.
    if (key === '@timestamp') {
      if (found?.field !== '@timestamp') setOwn(relocated, key, value);
    } else if (ECS_OBJECT_FIELDS.has(key) && !isObject(value)) {
      setOwn(relocated, key, value);
    } else {
      setOwn(out, key, value);
    }
  }
  if (Object.keys(relocated).length > 0) {
    const existing = out.json;
    const holder: JsonObject = isObject(existing)
      ? { ...existing }
      : existing === undefined
        ? {}
        : { json: existing };
    for (const key of Object.keys(relocated)) {
      const value = relocated[key];
      if (value !== undefined) setOwn(holder, key, value);
    }
    out.json = holder;
  }
  out['@timestamp'] = time.iso;
  const ecs = isObject(out.ecs) ? out.ecs : {};
  out.ecs = { ...ecs, version: typeof ecs.version === 'string' ? ecs.version : ECS_VERSION };
  const event = isObject(out.event) ? out.event : {};
  out.event = { ...event, kind: typeof event.kind === 'string' ? event.kind : 'event' };
  if (time.nanos !== undefined)
    out.secops = { ...(isObject(out.secops) ? out.secops : {}), timestamp_nanos: time.nanos };
  return out;
}

function findTime(source: JsonObject): (Instant & { readonly field: string }) | undefined {
  for (const field of TIME_FIELDS) {
    const value = source[field];
    if (value === undefined) continue;
    const instant = parseTimestampValue(value, 'guess');
    if (instant !== undefined) return { ...instant, field };
  }
  return undefined;
}
