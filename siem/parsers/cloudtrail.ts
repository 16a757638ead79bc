import { cloudtrailCategorization } from './cloudtrail-categories.ts';
import { ECS_VERSION, distinct } from './ecs-draft.ts';
import { ipOrUndefined } from './field-values.ts';
import { cloudtrailNamespace } from './cloudtrail-namespace.ts';
import { hasMembers, isObject, objectAt, stringAt, typeName } from './json-access.ts';
import { childPath, fail, jsonOf, succeed } from './parse-result.ts';
import type {
  EcsDocument,
  JsonObject,
  ParseContext,
  ParseResult,
  Parser,
  RawRecord,
} from './parser.ts';
import { parseIsoTimestamp, receivedInstant } from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/**
 * AWS CloudTrail: one record, or a log file `{"Records": [...]}` giving one event per record.
 * Mapped as Elastic's aws.cloudtrail integration does. `requestParameters`, `responseElements`,
 * `additionalEventData` and `serviceEventDetails` are kept twice, like Elastic: as JSON text in
 * `aws.cloudtrail.<name>` (searchable as a string) and as objects in `aws.cloudtrail.flattened.*`.
 */
export const cloudtrailParser: Parser = {
  id: 'cloudtrail',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json' || !isObject(record.value)) return false;
    const value = record.value;
    if (Array.isArray(value.Records)) return true;
    return (
      typeof value.eventVersion === 'string' &&
      typeof value.eventSource === 'string' &&
      typeof value.eventName === 'string'
    );
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('cloudtrail', input.message);
    const value = input.value;
    if (!isObject(value))
      return fail('cloudtrail', `expected a JSON object, got ${typeName(value)}`);
    if (value.Records === undefined) {
      const single = toEvent(value, context);
      return typeof single === 'string'
        ? fail('cloudtrail', single, 'eventTime')
        : succeed('cloudtrail', [single]);
    }
    if (!Array.isArray(value.Records))
      return fail('cloudtrail', `expected an array, got ${typeName(value.Records)}`, 'Records');
    const events: EcsDocument[] = [];
    for (let index = 0; index < value.Records.length; index++) {
      const path = childPath('Records', index);
      const item = value.Records[index];
      if (!isObject(item))
        return fail('cloudtrail', `expected an object, got ${typeName(item)}`, path);
      const event = toEvent(item, context);
      if (typeof event === 'string') return fail('cloudtrail', event, childPath(path, 'eventTime'));
      events.push(event);
    }
    return succeed('cloudtrail', events);
  },
};

/** The ECS document of one record, or the problem with its `eventTime`. */
function toEvent(rec: JsonObject, context: ParseContext): EcsDocument | string {
  const rawTime = rec.eventTime;
  let time: Instant | undefined = receivedInstant(context);
  if (rawTime !== undefined && rawTime !== null) {
    time = typeof rawTime === 'string' ? parseIsoTimestamp(rawTime) : undefined;
    if (time === undefined) return 'not a valid timestamp';
  }
  const identity = objectAt(rec, 'userIdentity');
  const session = objectAt(identity, 'sessionContext');
  const issuer = objectAt(session, 'sessionIssuer');
  const attributes = objectAt(session, 'attributes');
  const eventName = stringAt(rec, 'eventName');
  const errorCode = stringAt(rec, 'errorCode');
  const errorMessage = stringAt(rec, 'errorMessage');
  const request = objectAt(rec, 'requestParameters');
  const response = objectAt(rec, 'responseElements');
  const additional = objectAt(rec, 'additionalEventData');
  const sourceAddress = stringAt(rec, 'sourceIPAddress');
  const sourceIp = ipOrUndefined(sourceAddress);
  const userName = stringAt(identity, 'userName') ?? stringAt(issuer, 'userName');
  const consoleLogin =
    eventName === 'ConsoleLogin' ? stringAt(response, 'ConsoleLogin')?.toLowerCase() : undefined;
  const failed = errorCode !== undefined || errorMessage !== undefined;
  const { category, type } = cloudtrailCategorization(eventName);
  const tls = objectAt(rec, 'tlsDetails');
  const tlsVersion = /^([A-Za-z]+)v([\d.]+)$/.exec(stringAt(tls, 'tlsVersion') ?? '');

  // Built member by member in the order Elastic's documents have, adding only present values (a
  // mapping draft compacted afterwards cost more than the rest of the parse).
  const event: JsonObject = { kind: 'event', module: 'aws', dataset: 'aws.cloudtrail' };
  if (eventName !== undefined) event.action = eventName;
  const provider = stringAt(rec, 'eventSource');
  if (provider !== undefined) event.provider = provider;
  const eventId = stringAt(rec, 'eventID');
  if (eventId !== undefined) event.id = eventId;
  event.outcome =
    consoleLogin === 'success' || consoleLogin === 'failure'
      ? consoleLogin
      : failed
        ? 'failure'
        : 'success';
  if (category !== undefined) event.category = category;
  event.type = type;
  const doc: EcsDocument = { '@timestamp': time.iso, ecs: { version: ECS_VERSION }, event };
  if (time.nanos !== undefined) doc.secops = { timestamp_nanos: time.nanos };

  const cloud: JsonObject = { provider: 'aws' };
  const region = stringAt(rec, 'awsRegion');
  if (region !== undefined) cloud.region = region;
  const accountId = stringAt(rec, 'recipientAccountId') ?? stringAt(identity, 'accountId');
  if (accountId !== undefined) cloud.account = { id: accountId };
  doc.cloud = cloud;
  if (sourceAddress !== undefined) {
    doc.source =
      sourceIp === undefined
        ? { address: sourceAddress }
        : { address: sourceAddress, ip: sourceIp };
  }
  const userAgent = stringAt(rec, 'userAgent');
  if (userAgent !== undefined) doc.user_agent = { original: userAgent };

  const targetName = stringAt(request, 'userName');
  const newName = stringAt(request, 'newUserName');
  const user: JsonObject = {};
  if (userName !== undefined) user.name = userName;
  const principal = stringAt(identity, 'principalId');
  if (principal !== undefined) user.id = principal;
  const target: JsonObject = {};
  if (targetName !== undefined) target.name = targetName;
  const targetId = stringAt(objectAt(response, 'user'), 'userId');
  if (targetId !== undefined) target.id = targetId;
  if (hasMembers(target)) user.target = target;
  if (newName !== undefined) user.changes = { name: newName };
  if (hasMembers(user)) doc.user = user;
  const group: JsonObject = {};
  const groupName = stringAt(request, 'groupName');
  if (groupName !== undefined) group.name = groupName;
  const groupId = stringAt(objectAt(response, 'group'), 'groupId');
  if (groupId !== undefined) group.id = groupId;
  if (hasMembers(group)) doc.group = group;

  const tlsFields: JsonObject = {};
  const protocol = tlsVersion?.[1]?.toLowerCase();
  if (protocol !== undefined) tlsFields.version_protocol = protocol;
  const version = tlsVersion?.[2];
  if (version !== undefined) tlsFields.version = version;
  const cipher = stringAt(tls, 'cipherSuite');
  if (cipher !== undefined) tlsFields.cipher = cipher;
  const serverName = stringAt(tls, 'clientProvidedHostHeader');
  if (serverName !== undefined) tlsFields.client = { server_name: serverName };
  if (hasMembers(tlsFields)) doc.tls = tlsFields;

  const related: JsonObject = {};
  if (sourceIp !== undefined) related.ip = [sourceIp];
  const users = distinct([userName, targetName, newName]);
  if (users !== undefined) related.user = users;
  if (hasMembers(related)) doc.related = related;
  const namespace = cloudtrailNamespace(rec, identity, session, issuer, attributes, additional);
  if (namespace !== undefined) doc.aws = { cloudtrail: namespace };
  return doc;
}
