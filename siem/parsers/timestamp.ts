import type { JsonValue, ParseContext } from './parser.ts';

/**
 * A point in time as parsers emit it. `iso` is always UTC with exactly three fraction digits
 * (`2024-01-02T03:04:05.678Z`), so every `@timestamp` sorts correctly as text. When the source
 * carried finer precision (Windows 100 ns, Kubernetes µs, ES date_nanos), `nanos` keeps the same
 * instant with all its digits (up to 9), e.g. `2024-01-02T03:04:05.6781234Z`.
 */
export interface Instant {
  readonly ms: number;
  readonly iso: string;
  readonly nanos?: string;
}

export interface DateParts {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Fraction-of-second digits as written, possibly empty. */
  readonly fraction: string;
}

const DAY_MS = 86_400_000;
/** A yearless timestamp further than this ahead of the receive time belongs to the year before. */
const FUTURE_TOLERANCE_MS = 7 * DAY_MS;

/** An instant from calendar parts and a UTC offset in minutes; `undefined` when out of range. */
export function fromParts(parts: DateParts, offsetMinutes = 0): Instant | undefined {
  const { year, month, day, hour, minute, fraction } = parts;
  const second = parts.second === 60 ? 59 : parts.second; // a leap second folds into :59
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fraction === '' ? 0 : Number((fraction + '00').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return fromMillisWithFraction(date.getTime() - offsetMinutes * 60_000, fraction);
}

function fromMillisWithFraction(ms: number, fraction: string): Instant | undefined {
  const instant = instantFromMillis(ms);
  if (instant === undefined) return undefined;
  const extra = fraction.slice(3, 9);
  if (extra === '' || /^0+$/.test(extra)) return instant;
  return { ...instant, nanos: `${instant.iso.slice(0, 23)}${extra}Z` };
}

// The receive time of a batch is converted once per event; remembering the last one is cheap.
let lastInstant: Instant = { ms: 0, iso: '1970-01-01T00:00:00.000Z' };

/** An instant from epoch milliseconds, limited to years 0001-9999. */
export function instantFromMillis(ms: number): Instant | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const whole = Math.floor(ms);
  if (whole === lastInstant.ms) return lastInstant;
  const date = new Date(whole);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) return undefined;
  lastInstant = { ms: whole, iso: date.toISOString() };
  return lastInstant;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?\s?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * ISO 8601 / RFC 3339 text: date, optional time, fraction and offset. A time without an offset
 * is read as UTC (the platform never guesses a local zone).
 */
export function parseIsoTimestamp(text: string): Instant | undefined {
  const utc = utcSecondsOrMillis(text);
  if (utc !== undefined) return utc;
  if (text.length < 10 || text.length > 40) return undefined;
  const match = ISO.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const offset = zone === undefined ? 0 : zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  return fromParts(
    {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h ?? 0),
      minute: Number(mi ?? 0),
      second: Number(s ?? 0),
      fraction: frac ?? '',
    },
    offset,
  );
}

const NUMERIC = /^-?\d{1,19}(?:\.\d{1,9})?$/;

/**
 * A JSON timestamp value. Strings are ISO 8601 or digits; numbers are epoch milliseconds when
 * `epoch` is `'millis'` (Elasticsearch's `epoch_millis`), or scaled by magnitude when `'guess'`
 * (seconds, milliseconds, microseconds or nanoseconds, as loggers send them).
 */
export function parseTimestampValue(
  value: JsonValue | undefined,
  epoch: 'millis' | 'guess',
): Instant | undefined {
  if (typeof value === 'number') return fromEpoch(value, epoch);
  if (typeof value !== 'string') return undefined;
  // Shippers send `@timestamp` as `toISOString()` writes it; that shape skips the regexes.
  const utc = utcSecondsOrMillis(value);
  if (utc !== undefined) return utc;
  if (NUMERIC.test(value)) return fromEpoch(Number(value), epoch);
  return parseIsoTimestamp(value.trim());
}

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ` (kept as the `iso` itself) or `YYYY-MM-DDTHH:mm:ssZ`, read digit by
 * digit; `undefined` for any other text or an impossible date, which the general path then judges.
 */
function utcSecondsOrMillis(text: string): Instant | undefined {
  const length = text.length;
  if (length !== 24 && length !== 20) return undefined;
  if (
    text.charCodeAt(4) !== 0x2d /* - */ ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 /* T */ ||
    text.charCodeAt(13) !== 0x3a /* : */ ||
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(length - 1) !== 0x5a /* Z */ ||
    (length === 24 && text.charCodeAt(19) !== 0x2e) /* . */
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const millis = length === 24 ? digitsAt(text, 20, 3) : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  if (millis < 0) return undefined;
  const ms =
    daysSinceEpoch(year, month, day) * DAY_MS +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    millis;
  return { ms, iso: length === 24 ? text : `${text.slice(0, 19)}.000Z` };
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function fromEpoch(value: number, epoch: 'millis' | 'guess'): Instant | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (epoch === 'millis') return instantFromMillis(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return instantFromMillis(value * 1000);
  if (magnitude < 1e14) return instantFromMillis(value);
  if (magnitude < 1e17) return instantFromMillis(value / 1000);
  return instantFromMillis(value / 1e6);
}

/** The instant the record was received: the fallback for records without a time. */
export function receivedInstant(context: ParseContext): Instant {
  return instantFromMillis(context.receivedAt) ?? { ms: 0, iso: '1970-01-01T00:00:00.000Z' };
}

/**
 * Resolves a timestamp without a year (RFC 3164, some CEF). Uses `defaultYear` when the caller
 * pins one that differs from the receive year (replaying old files); otherwise picks the latest
 * year that does not put the time more than a week after the receive time, which handles the
 * December/January rollover both ways.
 */
export function withInferredYear(
  parts: Omit<DateParts, 'year'>,
  offsetMinutes: number,
  context: ParseContext,
): Instant | undefined {
  const receivedYear = new Date(receivedInstant(context).ms).getUTCFullYear();
  const pinned = context.defaultYear;
  if (pinned !== undefined && pinned !== receivedYear) {
    return fromParts({ ...parts, year: pinned }, offsetMinutes);
  }
  const limit = context.receivedAt + FUTURE_TOLERANCE_MS;
  for (const year of [receivedYear + 1, receivedYear, receivedYear - 1]) {
    const instant = fromParts({ ...parts, year }, offsetMinutes);
    if (instant !== undefined && instant.ms <= limit) return instant;
  }
  return undefined;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** 1-12 for an English month abbreviation (any case), else `undefined`. */
export function monthNumber(name: string): number | undefined {
  return name.length === 3 ? MONTHS[name.toLowerCase()] : undefined;
}

/** The text fields of a `Mmm dd [yyyy] hh:mm:ss[.fff]` date (RFC 3164 syslog, CEF). */
export interface NamedMonthFields {
  readonly monthName: string;
  readonly day: string;
  readonly year: string | undefined;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
  readonly fraction: string | undefined;
}

/** An instant from a month-name date; without a year, the year is inferred (withInferredYear). */
export function instantFromNamedMonth(
  fields: NamedMonthFields,
  offsetMinutes: number,
  context: ParseContext,
): Instant | undefined {
  const month = monthNumber(fields.monthName);
  if (month === undefined) return undefined;
  const parts = {
    month,
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
    fraction: fields.fraction ?? '',
  };
  return fields.year === undefined
    ? withInferredYear(parts, offsetMinutes, context)
    : fromParts({ ...parts, year: Number(fields.year) }, offsetMinutes);
}

const ZONES: Readonly<Record<string, number>> = {
  Z: 0,
  UT: 0,
  UTC: 0,
  GMT: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
};

/** Zone abbreviations understood in text timestamps (BSD syslog, CEF). */
export const ZONE_NAMES: readonly string[] = Object.keys(ZONES);

/** Minutes east of UTC for `Z`, `+hh`, `+hhmm`, `+hh:mm` or a common zone abbreviation. */
export function zoneOffsetMinutes(zone: string): number | undefined {
  const named = ZONES[zone.toUpperCase()];
  if (named !== undefined) return named;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (match === null) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 23 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
