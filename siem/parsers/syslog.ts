import { parseCefMessage } from './cef.ts';
import { baseEvent, mergeInto, toDocument } from './ecs-draft.ts';
import { fail, succeed, textOf, trimLine } from './parse-result.ts';
import type { ParseResult, Parser, RawRecord } from './parser.ts';
import { syslogFields } from './syslog-ecs.ts';
import { looksLikeSyslog, parseSyslogHeader } from './syslog-header.ts';
import { peerFields } from './text.ts';
import { receivedInstant } from './timestamp.ts';

/**
 * Syslog lines: RFC 5424, RFC 3164 (BSD) and what real senders make of them (rsyslog's file and
 * forward formats with RFC 3339 times, no PRI, no hostname, Cisco sequence numbers and `*` marks,
 * years and zones in BSD times, octet-count framing left on the line). A payload that is CEF is
 * handed to the CEF parser with the syslog header fields kept.
 */
export const syslogParser: Parser = {
  id: 'syslog',

  detect(record: RawRecord): boolean {
    const text = textOf(record);
    return (
      text !== undefined && looksLikeSyslog(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    );
  },

  parse(record, context): ParseResult {
    const raw = textOf(record);
    if (raw === undefined) return fail('syslog', 'expected a text record');
    const line = trimLine(raw);
    if (line === '') return fail('syslog', 'empty record');
    const parsed = parseSyslogHeader(line, context);
    if (!parsed.ok) return fail('syslog', parsed.message, `offset ${parsed.offset}`);
    const header = parsed.header;
    const payload = header.message.trimStart();
    if (payload.startsWith('CEF:')) return parseCefMessage(payload, line, context, header);

    const draft = baseEvent(header.time ?? receivedInstant(context));
    mergeInto(draft, syslogFields(header, line));
    mergeInto(draft, peerFields(context));
    mergeInto(draft, {
      message: header.message === '' ? undefined : header.message,
      event: { module: 'syslog', dataset: 'syslog' },
    });
    return succeed('syslog', [toDocument(draft)]);
  },
};
