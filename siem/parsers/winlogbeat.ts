import { expandDottedKeys, needsExpansion } from './dotted-keys.ts';
import { isObject, typeName } from './json-access.ts';
import { ObjectPatch } from './object-patch.ts';
import { fail, jsonOf, succeed } from './parse-result.ts';
import type { ParseResult, Parser, RawRecord } from './parser.ts';
import { parseTimestampValue, receivedInstant } from './timestamp.ts';
import { enrichWindowsEvent } from './windows-event.ts';

/**
 * Windows events as Winlogbeat 8.x (or Elastic Agent's Windows input) ships them: already ECS, with
 * `winlog.*`. Kept as they are and filled in by the shared Windows mapping (see windows-event.ts).
 */
export const winlogbeatParser: Parser = {
  id: 'winlogbeat',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json' || !isObject(record.value)) return false;
    const winlog = record.value.winlog;
    if (!isObject(winlog)) return false;
    return (
      winlog.channel !== undefined ||
      winlog.event_id !== undefined ||
      winlog.provider_name !== undefined
    );
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('winlogbeat', input.message);
    if (!isObject(input.value))
      return fail('winlogbeat', `expected a JSON object, got ${typeName(input.value)}`);
    let doc = input.value;
    if (needsExpansion(doc)) {
      const expanded = expandDottedKeys(doc);
      if (!expanded.ok) return fail('winlogbeat', expanded.message, expanded.path);
      doc = expanded.value;
    }
    if (!isObject(doc.winlog))
      return fail('winlogbeat', `expected an object, got ${typeName(doc.winlog)}`, 'winlog');
    for (const fieldSet of ['event', 'host', 'ecs', 'user', 'process', 'secops'] as const) {
      const value = doc[fieldSet];
      if (value !== undefined && !isObject(value))
        return fail('winlogbeat', `expected an object, got ${typeName(value)}`, fieldSet);
    }
    const rawTime = doc['@timestamp'];
    const time =
      rawTime === undefined || rawTime === null
        ? receivedInstant(context)
        : parseTimestampValue(rawTime, 'millis');
    if (time === undefined) return fail('winlogbeat', 'not a valid timestamp', '@timestamp');
    // Only the objects on written paths are copied; the record's own objects stay as they are.
    const document = new ObjectPatch(doc).set('@timestamp', time.iso);
    if (time.nanos !== undefined) {
      document.setPatch(
        'secops',
        new ObjectPatch(document.get('secops')).set('timestamp_nanos', time.nanos),
      );
    }
    enrichWindowsEvent(document);
    return succeed('winlogbeat', [document.result() ?? doc]);
  },
};
