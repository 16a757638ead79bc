import { ECS_TARGETS, FULL_KEY_NAMES, LABELLED_KEYS } from './cef-keys.ts';
import type { CefValueType } from './cef-keys.ts';
import { parseCefSyntax } from './cef-syntax.ts';
import type { CefMessage } from './cef-syntax.ts';
import { baseEvent, distinct, mergeInto, setPath, toDocument } from './ecs-draft.ts';
import type { Draft, DraftValue } from './ecs-draft.ts';
import { ipOrUndefined, macOrUndefined, portOrUndefined } from './field-values.ts';
import { setOwn, toInteger } from './json-access.ts';
import { fail, succeed, textOf, trimLine } from './parse-result.ts';
import type {
  JsonObject,
  JsonValue,
  ParseContext,
  ParseResult,
  Parser,
  RawRecord,
} from './parser.ts';
import { parseSyslogHeader } from './syslog-header.ts';
import type { SyslogHeader } from './syslog-header.ts';
import { syslogFields } from './syslog-ecs.ts';
import { peerFields } from './text.ts';
import {
  instantFromMillis,
  instantFromNamedMonth,
  parseIsoTimestamp,
  receivedInstant,
  zoneOffsetMinutes,
} from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/**
 * ArcSight CEF, bare (`CEF:0|...`) or behind a syslog header (`<134>Feb 12 10:00:00 fw CEF:0|...`).
 * Header and extension are kept raw under `cef.*` (extension keys by their full names, as Elastic's
 * decode_cef does) and mapped to ECS as Elastic's CEF module does; custom fields with labels
 * (`cs1`/`cs1Label`, ...) also go to `labels.<label>`. Values that do not fit their ECS type stay
 * raw and are listed in `error.message`.
 */
export const cefParser: Parser = {
  id: 'cef',

  detect(record: RawRecord): boolean {
    const text = textOf(record);
    if (text === undefined) return false;
    return text.startsWith('CEF:') || (text.charCodeAt(0) === 0xfeff && text.startsWith('CEF:', 1));
  },

  parse(record, context): ParseResult {
    const raw = textOf(record);
    if (raw === undefined) return fail('cef', 'expected a text record');
    const line = trimLine(raw);
    const start = line.trimStart();
    if (start.startsWith('CEF:')) return parseCefMessage(start, line, context, undefined);
    const header = parseSyslogHeader(line, context);
    if (!header.ok) return fail('cef', header.message, `offset ${header.offset}`);
    const payload = header.header.message.trimStart();
    if (!payload.startsWith('CEF:'))
      return fail('cef', 'expected "CEF:" at the start or after a syslog header');
    return parseCefMessage(payload, line, context, header.header);
  },
};

/** Parses a CEF payload; `header` is the syslog header it arrived behind, whose fields are kept. */
export function parseCefMessage(
  payload: string,
  line: string,
  context: ParseContext,
  header: SyslogHeader | undefined,
): ParseResult {
  const syntax = parseCefSyntax(payload);
  if (!syntax.ok) {
    const offset = line.length - payload.length + syntax.offset;
    return fail('cef', syntax.message, `offset ${offset}`);
  }
  const message = syntax.message;
  const issues: string[] = [...message.issues];
  const mapped = mapExtensions(message, context, issues);
  const time = mapped.time ?? header?.time ?? receivedInstant(context);

  const draft = baseEvent(time);
  if (header !== undefined) mergeInto(draft, syslogFields(header, line));
  mergeInto(draft, peerFields(context));
  mergeInto(draft, {
    event: {
      module: 'cef',
      dataset: 'cef',
      code: nonEmpty(message.signatureId),
      severity: severityNumber(message.severity),
    },
    observer: {
      vendor: nonEmpty(message.deviceVendor),
      product: nonEmpty(message.deviceProduct),
      version: nonEmpty(message.deviceVersion),
    },
    message: nonEmpty(message.name),
    cef: {
      version: message.version,
      device: {
        vendor: nonEmpty(message.deviceVendor),
        product: nonEmpty(message.deviceProduct),
        version: nonEmpty(message.deviceVersion),
        event_class_id: nonEmpty(message.signatureId),
      },
      name: nonEmpty(message.name),
      severity: nonEmpty(message.severity),
      extensions: mapped.raw,
    },
  });
  mergeInto(draft, mapped.ecs);
  if (issues.length > 0) {
    const previous = header?.issues ?? [];
    mergeInto(draft, { event: { original: line }, error: { message: [...previous, ...issues] } });
  }
  return succeed('cef', [toDocument(draft)]);
}

interface MappedExtensions {
  readonly raw: JsonObject;
  readonly ecs: Draft;
  readonly time: Instant | undefined;
}

function mapExtensions(
  message: CefMessage,
  context: ParseContext,
  issues: string[],
): MappedExtensions {
  const raw: JsonObject = {};
  const last = new Map<string, string>();
  for (const [key, value] of message.extensions) {
    const full = Object.hasOwn(FULL_KEY_NAMES, key) ? (FULL_KEY_NAMES[key] ?? key) : key;
    const seen: JsonValue | undefined = Object.hasOwn(raw, full) ? raw[full] : undefined;
    setOwn(
      raw,
      full,
      seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value],
    );
    last.set(full, value);
  }
  const ecs: Draft = {};
  let time: Instant | undefined;
  for (const [full, value] of last) {
    const target = Object.hasOwn(ECS_TARGETS, full) ? ECS_TARGETS[full] : undefined;
    if (target === undefined || value === '') continue;
    const [field, type] = target;
    const converted = convert(value, type, context);
    if (converted === undefined) {
      if (type !== 'outcome')
        issues.push(`cef.extensions.${full}: "${value}" is not a valid ${type}`);
      continue;
    }
    if (isInstant(converted)) {
      if (field === '@timestamp') time = converted;
      else setPath(ecs, field, converted.iso);
    } else {
      setPath(ecs, field, converted);
    }
  }
  const direction = last.get('deviceDirection');
  if (direction === '0' || direction === '1')
    setPath(ecs, 'network.direction', direction === '0' ? 'inbound' : 'outbound');
  const referrer = last.get('requestContext');
  if (referrer?.startsWith('http') === true) setPath(ecs, 'http.request.referrer', referrer);
  for (const side of ['source', 'destination'] as const) {
    const lat = Number(last.get(`${side}GeoLatitude`) ?? NaN);
    const lon = Number(last.get(`${side}GeoLongitude`) ?? NaN);
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180)
      setPath(ecs, `${side}.geo.location`, { lat, lon });
  }
  for (const [key, labelText] of last) {
    if (!key.endsWith('Label')) continue;
    const base = key.slice(0, -5);
    const value = last.get(base);
    const label = labelName(labelText);
    if (LABELLED_KEYS.has(base) && value !== undefined && value !== '' && label !== undefined) {
      setPath(ecs, `labels.${label}`, value);
    }
  }
  ecs.related = {
    ip: distinct(
      [last.get('sourceAddress'), last.get('destinationAddress'), last.get('deviceAddress')].map(
        ipOrUndefined,
      ),
    ),
    user: distinct([last.get('sourceUserName'), last.get('destinationUserName')]),
    hosts: distinct([
      last.get('sourceHostName'),
      last.get('destinationHostName'),
      last.get('deviceHostName'),
    ]),
  };
  return { raw, ecs, time };
}

function convert(value: string, type: CefValueType, context: ParseContext): DraftValue | Instant {
  switch (type) {
    case 'string':
      return value;
    case 'lower':
      return value.toLowerCase();
    case 'ip':
      return ipOrUndefined(value);
    case 'port':
      return portOrUndefined(value);
    case 'integer':
      return toInteger(value);
    case 'mac':
      return macOrUndefined(value);
    case 'time':
      return parseCefTime(value, context);
    case 'outcome':
      return OUTCOMES[value.toLowerCase()];
  }
}

function isInstant(value: DraftValue | Instant): value is Instant {
  return typeof value === 'object' && value !== null && 'iso' in value && 'ms' in value;
}

const OUTCOMES: Readonly<Record<string, string>> = {
  success: 'success',
  succeeded: 'success',
  successful: 'success',
  failure: 'failure',
  failed: 'failure',
  fail: 'failure',
  unknown: 'unknown',
};

const SEVERITY_WORDS: Readonly<Record<string, number>> = {
  low: 0,
  medium: 4,
  high: 7,
  'very-high': 9,
};

/** CEF severity 0-10, or the words Low, Medium, High, Very-High (Elastic's numbers for them). */
function severityNumber(severity: string): number | undefined {
  const word = SEVERITY_WORDS[severity.toLowerCase()];
  if (word !== undefined) return word;
  const number = toInteger(severity);
  return number !== undefined && number >= 0 && number <= 10 ? number : undefined;
}

const CEF_TIME =
  /^([A-Za-z]{3}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: (\S+))?$/;

/** CEF times: epoch milliseconds, `MMM dd [yyyy] HH:mm:ss[.SSS] [zone]`, or ISO 8601. */
export function parseCefTime(value: string, context: ParseContext): Instant | undefined {
  if (/^\d{1,15}$/.test(value)) return instantFromMillis(Number(value));
  const match = CEF_TIME.exec(value);
  if (match === null) return parseIsoTimestamp(value);
  const [, monthName = '', day = '', year, hour = '', minute = '', second = '', fraction, zone] =
    match;
  const offset =
    zone === undefined ? 0 : zoneOffsetMinutes(zone.replace(/^(?:GMT|UTC)(?=[+-])/, ''));
  if (offset === undefined) return undefined;
  return instantFromNamedMonth(
    { monthName, day, year, hour, minute, second, fraction },
    offset,
    context,
  );
}

/** `labels` keys: lower-case words joined by `_` (ECS label names carry no dots or spaces). */
function labelName(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const name = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return name === '' ? undefined : name;
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}
