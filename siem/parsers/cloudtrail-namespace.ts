import { hasMembers, setOwn, stringAt } from './json-access.ts';
import type { JsonObject, JsonValue } from './parser.ts';
import { parseIsoTimestamp } from './timestamp.ts';

/** `aws.cloudtrail.*` of a CloudTrail record (after Elastic's aws.cloudtrail integration). */

/** Record fields mapped by name; every other field is kept verbatim under `aws.cloudtrail.<name>`. */
const MAPPED = new Set([
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
  'requestID',
  'eventID',
  'eventType',
  'apiVersion',
  'managementEvent',
  'readOnly',
  'resources',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'eventCategory',
  'tlsDetails',
]);
const IDENTITY_MAPPED = new Set([
  'type',
  'principalId',
  'arn',
  'accountId',
  'accessKeyId',
  'userName',
  'invokedBy',
  'sessionContext',
]);
const SESSION_MAPPED = new Set(['attributes', 'sessionIssuer']);

/** Names `aws.cloudtrail` always writes: a record member of the same name gives way to them. */
const NAMESPACE_NAMES = new Set([
  'event_version',
  'event_category',
  'event_type',
  'api_version',
  'request_id',
  'shared_event_id',
  'vpc_endpoint_id',
  'recipient_account_id',
  'management_event',
  'read_only',
  'error_code',
  'error_message',
  'resources',
  'tls_details',
  'user_identity',
  'flattened',
]);
const CONSOLE_LOGIN_NAMESPACE_NAMES = new Set([...NAMESPACE_NAMES, 'console_login']);
const IDENTITY_NAMES = new Set([
  'type',
  'arn',
  'account_id',
  'access_key_id',
  'invoked_by',
  'session_context',
]);
const SESSION_NAMES = new Set(['mfa_authenticated', 'creation_date', 'session_issuer']);

/** `aws.cloudtrail`: the record's own fields in Elastic's names, and the ones it does not name. */
export function cloudtrailNamespace(
  rec: JsonObject,
  identity: JsonObject | undefined,
  session: JsonObject | undefined,
  issuer: JsonObject | undefined,
  attributes: JsonObject | undefined,
  additional: JsonObject | undefined,
): JsonObject | undefined {
  const named: JsonObject = {};
  const eventVersion = stringAt(rec, 'eventVersion');
  if (eventVersion !== undefined) named.event_version = eventVersion;
  const eventCategory = stringAt(rec, 'eventCategory');
  if (eventCategory !== undefined) named.event_category = eventCategory;
  const eventType = stringAt(rec, 'eventType');
  if (eventType !== undefined) named.event_type = eventType;
  const apiVersion = stringAt(rec, 'apiVersion');
  if (apiVersion !== undefined) named.api_version = apiVersion;
  const requestId = stringAt(rec, 'requestID');
  if (requestId !== undefined) named.request_id = requestId;
  const sharedEventId = stringAt(rec, 'sharedEventID');
  if (sharedEventId !== undefined) named.shared_event_id = sharedEventId;
  const vpcEndpointId = stringAt(rec, 'vpcEndpointId');
  if (vpcEndpointId !== undefined) named.vpc_endpoint_id = vpcEndpointId;
  const recipient = stringAt(rec, 'recipientAccountId');
  if (recipient !== undefined) named.recipient_account_id = recipient;
  const managementEvent = plain(rec.managementEvent);
  if (managementEvent !== undefined) named.management_event = managementEvent;
  const readOnly = plain(rec.readOnly);
  if (readOnly !== undefined) named.read_only = readOnly;
  const errorCode = stringAt(rec, 'errorCode');
  if (errorCode !== undefined) named.error_code = errorCode;
  const errorMessage = stringAt(rec, 'errorMessage');
  if (errorMessage !== undefined) named.error_message = errorMessage;
  const resources = nonNull(rec.resources);
  if (resources !== undefined) named.resources = resources;
  const tlsDetails = nonNull(rec.tlsDetails);
  if (tlsDetails !== undefined) named.tls_details = tlsDetails;
  const userIdentity = identity && identityNamespace(identity, session, issuer, attributes);
  if (userIdentity !== undefined) named.user_identity = userIdentity;
  const flattened: JsonObject = {};
  for (const [field, target] of [
    ['requestParameters', 'request_parameters'],
    ['responseElements', 'response_elements'],
    ['additionalEventData', 'additional_eventdata'],
    ['serviceEventDetails', 'service_event_details'],
  ] as const) {
    const value = nonNull(rec[field]);
    if (value === undefined) continue;
    named[target] = typeof value === 'string' ? value : JSON.stringify(value);
    flattened[target] = value;
  }
  if (hasMembers(flattened)) named.flattened = flattened;
  const consoleLogin = stringAt(rec, 'eventName') === 'ConsoleLogin' && additional !== undefined;
  if (consoleLogin) {
    const data: JsonObject = {};
    const mobileVersion = yesNo(additional.MobileVersion);
    if (mobileVersion !== undefined) data.mobile_version = mobileVersion;
    const loginTo = stringAt(additional, 'LoginTo');
    if (loginTo !== undefined) data.login_to = loginTo;
    const mfaUsed = yesNo(additional.MFAUsed);
    if (mfaUsed !== undefined) data.mfa_used = mfaUsed;
    if (hasMembers(data)) named.console_login = { additional_eventdata: data };
  }
  return withUnmapped(
    rec,
    MAPPED,
    named,
    consoleLogin ? CONSOLE_LOGIN_NAMESPACE_NAMES : NAMESPACE_NAMES,
  );
}

/** `aws.cloudtrail.user_identity`. */
function identityNamespace(
  identity: JsonObject,
  session: JsonObject | undefined,
  issuer: JsonObject | undefined,
  attributes: JsonObject | undefined,
): JsonObject | undefined {
  const named: JsonObject = {};
  const type = stringAt(identity, 'type');
  if (type !== undefined) named.type = type;
  const arn = stringAt(identity, 'arn');
  if (arn !== undefined) named.arn = arn;
  const accountId = stringAt(identity, 'accountId');
  if (accountId !== undefined) named.account_id = accountId;
  const accessKeyId = stringAt(identity, 'accessKeyId');
  if (accessKeyId !== undefined) named.access_key_id = accessKeyId;
  const invokedBy = stringAt(identity, 'invokedBy');
  if (invokedBy !== undefined) named.invoked_by = invokedBy;
  if (session !== undefined) {
    const context: JsonObject = {};
    const mfa = plain(attributes?.mfaAuthenticated);
    if (mfa !== undefined) context.mfa_authenticated = mfa;
    const creation = stringAt(attributes, 'creationDate');
    if (creation !== undefined) {
      context.creation_date = parseIsoTimestamp(creation)?.iso ?? creation;
    }
    if (issuer !== undefined) {
      const sessionIssuer: JsonObject = {};
      for (const [field, target] of [
        ['type', 'type'],
        ['principalId', 'principal_id'],
        ['arn', 'arn'],
        ['accountId', 'account_id'],
        ['userName', 'user_name'],
      ] as const) {
        const value = stringAt(issuer, field);
        if (value !== undefined) sessionIssuer[target] = value;
      }
      if (hasMembers(sessionIssuer)) context.session_issuer = sessionIssuer;
    }
    const sessionContext = withUnmapped(session, SESSION_MAPPED, context, SESSION_NAMES);
    if (sessionContext !== undefined) named.session_context = sessionContext;
  }
  return withUnmapped(identity, IDENTITY_MAPPED, named, IDENTITY_NAMES);
}

/**
 * `named` with the members of `source` that are not in `mapped` kept under their own names ahead
 * of it, as the object literal `{ ...unmappedMembers, ...namedMembers }` would have them: a named
 * member of the same name takes the source member's place, and a name in `replaced` that the
 * mapping left empty removes the source member. `undefined` when the result has no members.
 */
function withUnmapped(
  source: JsonObject,
  mapped: ReadonlySet<string>,
  named: JsonObject,
  replaced: ReadonlySet<string>,
): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined || mapped.has(key)) continue;
    out ??= {};
    const own = Object.hasOwn(named, key) ? named[key] : undefined;
    if (own !== undefined) setOwn(out, key, own);
    else if (!replaced.has(key)) setOwn(out, key, value);
  }
  if (out === undefined) return hasMembers(named) ? named : undefined;
  for (const key of Object.keys(named)) {
    const value = named[key];
    if (value !== undefined && !Object.hasOwn(out, key)) setOwn(out, key, value);
  }
  return hasMembers(out) ? out : undefined;
}

function nonNull(value: JsonValue | undefined): JsonValue | undefined {
  return value === null ? undefined : value;
}

/** Scalars as they are (CloudTrail sends `readOnly` as a boolean or, in older records, a string). */
function plain(value: JsonValue | undefined): string | number | boolean | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
}

function yesNo(value: JsonValue | undefined): boolean | undefined {
  if (value === 'Yes') return true;
  if (value === 'No') return false;
  return undefined;
}
