import { baseEvent, mergeInto, toDocument } from './ecs-draft.ts';
import type { Draft } from './ecs-draft.ts';
import { fail, succeed, trimLine } from './parse-result.ts';
import type { ParseContext, Parser, RawRecord } from './parser.ts';
import { receivedInstant } from './timestamp.ts';
import { ipOrUndefined } from './field-values.ts';

/** A plain line of text: `message` is the line, the time is the receive time. */
export const textParser: Parser = {
  id: 'text',

  detect(record: RawRecord): boolean {
    return record.kind === 'text';
  },

  parse(record, context) {
    // A JSON record sent to the text parser is kept whole as its JSON text.
    const raw =
      record.kind === 'text'
        ? record.text
        : typeof record.value === 'string'
          ? record.value
          : JSON.stringify(record.value);
    const line = trimLine(raw);
    if (line === '') return fail('text', 'empty record');
    const draft = mergeInto(baseEvent(receivedInstant(context)), {
      message: line,
      ...peerFields(context),
    });
    return succeed('text', [toDocument(draft)]);
  },
};

/**
 * Where a record came from on the network (`log.source.address` as `ip:port`, like Filebeat's
 * syslog and TCP/UDP inputs), for the parsers of line-oriented transports.
 */
export function peerFields(context: ParseContext): Draft {
  const peer = context.peer;
  if (peer === undefined) return {};
  const host =
    peer.address.includes(':') && peer.port !== undefined ? `[${peer.address}]` : peer.address;
  return {
    log: { source: { address: peer.port === undefined ? peer.address : `${host}:${peer.port}` } },
    related: { ip: ipOrUndefined(peer.address) === undefined ? undefined : [peer.address] },
  };
}
