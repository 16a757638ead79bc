import type { JsonObject, ParseContext } from './parser.ts';
import { parseStructuredData } from './syslog-structured-data.ts';
import {
  ZONE_NAMES,
  instantFromNamedMonth,
  monthNumber,
  parseIsoTimestamp,
  zoneOffsetMinutes,
} from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/** The header of one syslog line, whichever dialect it was written in. */
export interface SyslogHeader {
  readonly format: 'rfc5424' | 'rfc3164';
  readonly priority: number | undefined;
  readonly version: number | undefined;
  /** The time written in the header; `undefined` when the line has none (or an unreadable one). */
  readonly time: Instant | undefined;
  readonly hostname: string | undefined;
  readonly appName: string | undefined;
  readonly procId: string | undefined;
  readonly msgId: string | undefined;
  readonly structuredData: JsonObject | undefined;
  /** Cisco IOS sequence number (`<189>123: ...`). */
  readonly sequence: number | undefined;
  readonly message: string;
  /** Parts that could not be read; the line stays usable and is kept whole as `event.original`. */
  readonly issues: readonly string[];
}

export type HeaderResult =
  | { readonly ok: true; readonly header: SyslogHeader }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/** Cheap shape test: `<PRI>`, a BSD month, or an RFC 3339 date at the start of the line (after any octet count). */
export function looksLikeSyslog(input: string): boolean {
  const framed = /^\d{1,6} </.exec(input.slice(0, 8));
  const line = framed === null ? input : input.slice(framed[0].length - 1);
  const first = line.charCodeAt(0);
  if (first === 0x3c /* < */) {
    const close = line.indexOf('>');
    return close >= 2 && close <= 4 && isDigits(line, 1, close);
  }
  if (line.length < 15) return false;
  if (monthNumber(line.slice(0, 3)) !== undefined)
    return line.charCodeAt(3) === 0x20 && /^\d\d:\d\d:\d\d$/.test(line.slice(7, 15));
  return (
    isDigits(line, 0, 4) && line.charCodeAt(4) === 0x2d && line.charCodeAt(10) === 0x54
  ); /* T */
}

/** Parses the header of an RFC 5424 or RFC 3164 (BSD) line, including their common variants. */
export function parseSyslogHeader(line: string, context: ParseContext): HeaderResult {
  let pos = 0;
  // Octet-counting framing (RFC 6587) left on the line by a relay: "123 <34>1 ...".
  const framing = /^\d{1,6} </.exec(line.slice(0, 8));
  if (framing !== null) pos = framing[0].length - 1;

  let priority: number | undefined;
  if (line.charCodeAt(pos) === 0x3c) {
    const close = line.indexOf('>', pos);
    if (close < pos + 2 || close > pos + 4 || !isDigits(line, pos + 1, close)) {
      return { ok: false, message: 'PRI: expected 1 to 3 digits between "<" and ">"', offset: pos };
    }
    priority = Number(line.slice(pos + 1, close));
    if (priority > 191)
      return { ok: false, message: `PRI: ${priority} is out of range 0-191`, offset: pos + 1 };
    pos = close + 1;
  }
  const version = /^(\d{1,2}) [\d-]/.exec(line.slice(pos, pos + 4));
  if (priority !== undefined && version !== null) {
    return parse5424(line, pos + (version[1]?.length ?? 1) + 1, priority, Number(version[1]));
  }
  return { ok: true, header: parse3164(line, pos, priority, context) };
}

function parse5424(line: string, start: number, priority: number, version: number): HeaderResult {
  const issues: string[] = [];
  let pos = start;
  const fields: (string | undefined)[] = [];
  for (let i = 0; i < 5 && pos < line.length; i++) {
    let end = line.indexOf(' ', pos);
    if (end === -1) end = line.length;
    const token = line.slice(pos, end);
    fields.push(token === '-' ? undefined : token);
    pos = end + 1;
  }
  const [timestamp, hostname, appName, procId, msgId] = fields;
  let time: Instant | undefined;
  if (timestamp !== undefined) {
    time = parseIsoTimestamp(timestamp);
    if (time === undefined) issues.push(`TIMESTAMP "${timestamp}" is not an RFC 3339 time`);
  }
  let structuredData: JsonObject | undefined;
  if (
    line.charCodeAt(pos) === 0x2d /* - */ &&
    (pos + 1 >= line.length || line.charCodeAt(pos + 1) === 0x20)
  ) {
    pos += 1;
  } else if (line.charCodeAt(pos) === 0x5b /* [ */) {
    const parsed = parseStructuredData(line, pos);
    if (parsed.ok) {
      structuredData = parsed.value;
      pos = parsed.end;
    } else {
      // Unreadable STRUCTURED-DATA: keep it as part of the message rather than drop it.
      issues.push(`STRUCTURED-DATA at offset ${parsed.offset}: ${parsed.message}`);
    }
  }
  if (line.charCodeAt(pos) === 0x20) pos++;
  let message = pos < line.length ? line.slice(pos) : '';
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  return {
    ok: true,
    header: {
      format: 'rfc5424',
      priority,
      version,
      time,
      hostname,
      appName,
      procId,
      msgId,
      structuredData,
      sequence: undefined,
      message,
      issues,
    },
  };
}

const BSD_TIME = new RegExp(
  '^([A-Za-z]{3}) {1,2}(\\d{1,2}) (?:(\\d{4}) )?(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?' +
    `(?: (${ZONE_NAMES.join('|')}|[+-]\\d{2}:?\\d{2})(?: (\\d{4}))?)?:?(?= |$)`,
);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T[^ ]+/;
const TAG = /^([^\s[\]:%]{1,64})(?:\[([^\]\s]{0,32})\])?(:)?(?= |$)/;

function parse3164(
  line: string,
  start: number,
  priority: number | undefined,
  context: ParseContext,
): SyslogHeader {
  const issues: string[] = [];
  let pos = start;
  let sequence: number | undefined;
  const seq = /^(\d{1,10}): /.exec(line.slice(pos, pos + 12));
  if (seq !== null) {
    sequence = Number(seq[1]);
    pos += seq[0].length;
  }
  while (line.charCodeAt(pos) === 0x20) pos++;
  // Cisco `logging origin-id`: "<189>58: router1: *Mar  1 18:48:50.483 UTC: %SYS-5-..."
  let hostname: string | undefined;
  const origin = /^([^\s:*]{1,255}): (?=[*.]?[A-Za-z]{3} )/.exec(line.slice(pos, pos + 260));
  if (origin !== null) {
    hostname = origin[1];
    pos += origin[0].length;
  }
  const mark = line.charCodeAt(pos);
  if (mark === 0x2a /* * */ || mark === 0x2e /* . */) pos++; // Cisco: clock not synchronised

  const rest = line.slice(pos, pos + 64);
  let time: Instant | undefined;
  let matched = 0;
  const bsd = BSD_TIME.exec(rest);
  if (bsd !== null) {
    matched = bsd[0].length;
    time = bsdInstant(bsd, context);
    if (time === undefined) issues.push(`TIMESTAMP "${bsd[0]}" is not a valid date`);
  } else {
    const iso = ISO_TIME.exec(rest);
    if (iso !== null) {
      matched = iso[0].length;
      time = parseIsoTimestamp(iso[0]);
      if (time === undefined) issues.push(`TIMESTAMP "${iso[0]}" is not an RFC 3339 time`);
    }
  }
  const base = {
    format: 'rfc3164' as const,
    priority,
    version: undefined,
    msgId: undefined,
    structuredData: undefined,
    sequence,
    issues,
  };
  if (matched === 0) {
    // No timestamp: RFC 3164 §4.3.3 treats everything after PRI as content.
    const none = { time: undefined, hostname: undefined, appName: undefined, procId: undefined };
    // (an origin-id host without a time is content too)
    return { ...base, ...none, message: line.slice(start) };
  }
  pos += matched;
  if (line.charCodeAt(pos) === 0x20) pos++;

  let tag = TAG.exec(line.slice(pos, pos + 128));
  if (hostname === undefined && !isTag(tag)) {
    let end = line.indexOf(' ', pos);
    if (end === -1) end = line.length;
    // A token ending in ":" is never a host name (e.g. a Cisco "%FAC-SEV-MNEMONIC:").
    if (end > pos && line.charCodeAt(end - 1) !== 0x3a) {
      hostname = line.slice(pos, end);
      pos = end + 1;
      tag = TAG.exec(line.slice(pos, pos + 128));
    }
  }
  let appName: string | undefined;
  let procId: string | undefined;
  if (tag !== null && isTag(tag)) {
    appName = tag[1];
    procId = tag[2] === '' ? undefined : tag[2];
    pos += tag[0].length;
    if (line.charCodeAt(pos) === 0x20) pos++;
  }
  const message = pos < line.length ? line.slice(pos) : '';
  return { ...base, time, hostname, appName, procId, message };
}

/** A tag is `name:`, `name[pid]:` or `name[pid]` followed by a space. */
function isTag(match: RegExpExecArray | null): match is RegExpExecArray {
  return match !== null && (match[3] === ':' || match[2] !== undefined);
}

function bsdInstant(match: RegExpExecArray, context: ParseContext): Instant | undefined {
  const [
    ,
    monthName = '',
    day = '',
    yearBefore,
    hour = '',
    minute = '',
    second = '',
    fraction,
    zone,
    yearAfter,
  ] = match;
  const offset = zone === undefined ? 0 : zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  const year = yearBefore ?? yearAfter;
  return instantFromNamedMonth(
    { monthName, day, year, hour, minute, second, fraction },
    offset,
    context,
  );
}

function isDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}
