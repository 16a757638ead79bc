import { toDocument, unmapped, verbatim } from './ecs-draft.ts';
import type { Draft } from './ecs-draft.ts';
import { isObject, objectAt, setOwn, stringAt, typeName } from './json-access.ts';
import { ObjectPatch } from './object-patch.ts';
import { fail, jsonOf, succeed } from './parse-result.ts';
import type { JsonObject, JsonValue, ParseResult, Parser, RawRecord } from './parser.ts';
import { parseIsoTimestamp, receivedInstant } from './timestamp.ts';
import { enrichWindowsEvent } from './windows-event.ts';

const SYSTEM_MAPPED = new Set([
  'Provider',
  'EventID',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'TimeCreated',
  'EventRecordID',
  'Correlation',
  'Execution',
  'Channel',
  'Computer',
  'Security',
]);
const EVENT_MAPPED = new Set(['#attributes', 'System', 'EventData', 'UserData', 'RenderingInfo']);
const LEVELS: readonly string[] = [
  'information',
  'critical',
  'error',
  'warning',
  'information',
  'verbose',
];
/** Standard keyword bits (winmeta.xml) by name, as Winlogbeat renders them. */
const KEYWORD_BITS: readonly (readonly [bigint, string])[] = [
  [0x10000000000000n, 'Audit Failure'],
  [0x20000000000000n, 'Audit Success'],
  [0x40000000000000n, 'Correlation Hint'],
  [0x80000000000000n, 'Classic'],
  [0x1000000000000n, 'Response Time'],
  [0x2000000000000n, 'WDI Context'],
  [0x4000000000000n, 'WDI Diagnostic'],
  [0x8000000000000n, 'SQM'],
];

/**
 * Windows events as `evtx_dump -o json` / `-o jsonl` (omerbenamram/evtx) prints them:
 * `{"Event": {"System": {...}, "EventData": {...}}}` with XML attributes under `#attributes` and
 * element text under `#text`. Converted to Winlogbeat's shape, then mapped by the same code as the
 * winlogbeat parser. EventData values become strings, as Winlogbeat ships them; unnamed `<Data>`
 * elements become `param1`, `param2`, ...
 */
export const evtxDumpParser: Parser = {
  id: 'evtx-dump',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json' || !isObject(record.value)) return false;
    const event = record.value.Event;
    return isObject(event) && isObject(event.System);
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('evtx-dump', input.message);
    if (!isObject(input.value))
      return fail('evtx-dump', `expected a JSON object, got ${typeName(input.value)}`);
    const event = input.value.Event;
    if (!isObject(event))
      return fail('evtx-dump', `expected an object, got ${typeName(event)}`, 'Event');
    const system = event.System;
    if (!isObject(system))
      return fail('evtx-dump', `expected an object, got ${typeName(system)}`, 'Event.System');
    const code = text(system.EventID);
    if (code === undefined || !/^\d{1,5}$/.test(code)) {
      return fail('evtx-dump', 'missing or not an event number', 'Event.System.EventID');
    }
    const rawTime = attributes(system.TimeCreated)?.SystemTime;
    const time =
      rawTime === undefined
        ? receivedInstant(context)
        : typeof rawTime === 'string'
          ? parseIsoTimestamp(rawTime)
          : undefined;
    if (time === undefined)
      return fail(
        'evtx-dump',
        'not a valid timestamp',
        'Event.System.TimeCreated.#attributes.SystemTime',
      );

    const provider = attributes(system.Provider);
    const execution = attributes(system.Execution);
    const correlation = attributes(system.Correlation);
    const rendering = objectAt(event, 'RenderingInfo');
    const level = elementText(system.Level);
    const draft: Draft = {
      '@timestamp': time.iso,
      secops: { timestamp_nanos: time.nanos },
      event: { kind: 'event', code },
      log: { level: typeof level === 'number' ? LEVELS[level] : undefined },
      message: stringAt(rendering, 'Message'),
      winlog: {
        channel: text(system.Channel),
        computer_name: text(system.Computer),
        event_id: code,
        provider_name: stringAt(provider, 'Name'),
        provider_guid: stringAt(provider, 'Guid'),
        event_source_name: stringAt(provider, 'EventSourceName'),
        record_id: text(system.EventRecordID),
        version: numberOf(elementText(system.Version)),
        task: text(system.Task),
        opcode: text(system.Opcode),
        keywords: keywordNames(system.Keywords),
        process: {
          pid: numberOf(execution?.ProcessID),
          thread: { id: numberOf(execution?.ThreadID) },
        },
        user: { identifier: stringAt(attributes(system.Security), 'UserID') },
        activity_id: stringAt(correlation, 'ActivityID'),
        related_activity_id: stringAt(correlation, 'RelatedActivityID'),
        event_data: verbatim(eventData(event.EventData)),
        user_data: verbatim(userData(event.UserData)),
        system: unmapped(system, SYSTEM_MAPPED),
        rendering_info: verbatim(rendering),
        ...unmapped(event, EVENT_MAPPED),
      },
    };
    const doc = toDocument(draft);
    const document = new ObjectPatch(doc);
    enrichWindowsEvent(document);
    return succeed('evtx-dump', [document.result() ?? doc]);
  },
};

/** The `#attributes` of an element, when it has any. */
function attributes(element: JsonValue | undefined): JsonObject | undefined {
  return isObject(element) ? objectAt(element, '#attributes') : undefined;
}

/** An element's value: itself when scalar, else its `#text`. */
function elementText(element: JsonValue | undefined): JsonValue | undefined {
  if (isObject(element)) return element['#text'];
  return element;
}

function text(element: JsonValue | undefined): string | undefined {
  const value = elementText(element);
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function numberOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

function keywordNames(element: JsonValue | undefined): string[] | undefined {
  const raw = text(element);
  if (raw === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(raw)) return [raw];
  const mask = BigInt(raw);
  const names = KEYWORD_BITS.filter(([bit]) => (mask & bit) !== 0n).map(([, name]) => name);
  return names.length > 0 ? names : [raw];
}

/** EventData as Winlogbeat's `event_data`: named values as strings, unnamed ones as paramN. */
function eventData(value: JsonValue | undefined): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  const out: JsonObject = {};
  if (!isObject(value)) {
    addParams(out, value);
    return out;
  }
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || key === '#attributes') continue;
    if (key === 'Data') addParams(out, elementText(item) ?? null);
    else setOwn(out, key, asText(elementText(item)));
  }
  return out;
}

function addParams(out: JsonObject, value: JsonValue): void {
  const values = Array.isArray(value) ? value : [value];
  values.forEach((item, index) => {
    // <Data Name="X"> left unresolved by the dumper: keep the name.
    const name = stringAt(attributes(item), 'Name');
    setOwn(out, name ?? `param${index + 1}`, asText(elementText(item)));
  });
}

/** Scalars as strings (null as empty); arrays and objects are kept as they are. */
function asText(value: JsonValue | undefined): JsonValue {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return value;
  return String(value);
}

/** UserData's single child element, flattened with its name in `xml_name` (Winlogbeat's shape). */
function userData(value: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const names = Object.keys(value).filter((key) => key !== '#attributes');
  const name = names[0];
  const child = name === undefined ? undefined : value[name];
  if (names.length !== 1 || name === undefined || !isObject(child)) return eventData(value);
  const out = eventData(child) ?? {};
  out.xml_name = name;
  return out;
}
