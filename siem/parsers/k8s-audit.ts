import { baseEvent, distinct, mergeInto, toDocument, verbatim } from './ecs-draft.ts';
import type { Draft } from './ecs-draft.ts';
import { ipOrUndefined, splitRequestTarget } from './field-values.ts';
import {
  integerAt,
  isObject,
  objectAt,
  setOwn,
  stringAt,
  stringsOf,
  typeName,
} from './json-access.ts';
import { childPath, fail, jsonOf, succeed } from './parse-result.ts';
import type {
  EcsDocument,
  JsonObject,
  JsonValue,
  ParseContext,
  ParseResult,
  Parser,
  RawRecord,
} from './parser.ts';
import { parseIsoTimestamp, receivedInstant } from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/** Stages after which the request is over, so `stageTimestamp` is its end. */
const FINAL_STAGES = new Set(['ResponseComplete', 'Panic']);

/**
 * Kubernetes API server audit events (`audit.k8s.io/v1` `Event`, or an `EventList`). The whole
 * event is kept under `kubernetes.audit.*` with its own field names, except that dots in
 * annotation keys become `_` (as Elastic does, so `authorization.k8s.io/decision` stays one key).
 * `@timestamp` is `requestReceivedTimestamp`, the same for every stage of one request.
 */
export const k8sAuditParser: Parser = {
  id: 'k8s-audit',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json' || !isObject(record.value)) return false;
    const { apiVersion, kind } = record.value;
    return (
      typeof apiVersion === 'string' &&
      apiVersion.startsWith('audit.k8s.io/') &&
      (kind === 'Event' || kind === 'EventList')
    );
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('k8s-audit', input.message);
    const value = input.value;
    if (!isObject(value))
      return fail('k8s-audit', `expected a JSON object, got ${typeName(value)}`);
    if (value.kind !== 'EventList') {
      const event = toEvent(value, '', context);
      return 'path' in event
        ? fail('k8s-audit', event.message, event.path)
        : succeed('k8s-audit', [event.doc]);
    }
    const items = value.items ?? [];
    if (!Array.isArray(items))
      return fail('k8s-audit', `expected an array, got ${typeName(items)}`, 'items');
    const events: EcsDocument[] = [];
    for (let index = 0; index < items.length; index++) {
      const path = childPath('items', index);
      const item = items[index];
      if (!isObject(item))
        return fail('k8s-audit', `expected an object, got ${typeName(item)}`, path);
      const event = toEvent(item, path, context);
      if ('path' in event) return fail('k8s-audit', event.message, event.path);
      events.push(event.doc);
    }
    return succeed('k8s-audit', events);
  },
};

type EventResult =
  { readonly doc: EcsDocument } | { readonly message: string; readonly path: string };

function toEvent(audit: JsonObject, path: string, context: ParseContext): EventResult {
  const received = readTime(audit, 'requestReceivedTimestamp');
  if (received === 'invalid')
    return { message: 'not a valid timestamp', path: childPath(path, 'requestReceivedTimestamp') };
  const stage = readTime(audit, 'stageTimestamp');
  if (stage === 'invalid')
    return { message: 'not a valid timestamp', path: childPath(path, 'stageTimestamp') };

  const user = objectAt(audit, 'user');
  const impersonated = objectAt(audit, 'impersonatedUser');
  const objectRef = objectAt(audit, 'objectRef');
  const annotations = objectAt(audit, 'annotations');
  const status = integerAt(objectAt(audit, 'responseStatus'), 'code');
  const sourceIps = stringsOf(audit.sourceIPs).map(ipOrUndefined);
  const requestUri = stringAt(audit, 'requestURI');
  const { path: urlPath, query } = splitRequestTarget(requestUri);
  const stageName = stringAt(audit, 'stage');
  const userName = stringAt(user, 'username');
  const effectiveName = stringAt(impersonated, 'username');

  const draft = baseEvent(received ?? stage ?? receivedInstant(context));
  mergeInto(draft, {
    event: {
      module: 'kubernetes',
      dataset: 'kubernetes.audit',
      action: stringAt(audit, 'verb'),
      // One request is audited once per stage under the same auditID and request time; the
      // stage makes each stage's event distinct (the raw auditID stays in kubernetes.audit).
      id: auditEventId(stringAt(audit, 'auditID'), stageName),
      outcome: outcomeOf(stageName, annotations, status),
      start: received?.iso,
      end: stageName !== undefined && FINAL_STAGES.has(stageName) ? stage?.iso : undefined,
    },
    user: {
      name: userName,
      id: stringAt(user, 'uid'),
      effective: { name: effectiveName, id: stringAt(impersonated, 'uid') },
    },
    source: { ip: sourceIps[0], address: sourceIps[0] },
    user_agent: { original: stringAt(audit, 'userAgent') },
    url: { original: requestUri, path: urlPath, query },
    http: { response: { status_code: status } },
    orchestrator: {
      type: 'kubernetes',
      namespace: stringAt(objectRef, 'namespace'),
      api_version: apiVersionOf(objectRef),
      resource: { type: stringAt(objectRef, 'resource'), name: stringAt(objectRef, 'name') },
    },
    related: { ip: distinct(sourceIps), user: distinct([userName, effectiveName]) },
    kubernetes: { audit: auditNamespace(audit, annotations) },
  });
  return { doc: toDocument(draft) };
}

function readTime(audit: JsonObject, field: string): Instant | undefined | 'invalid' {
  const value = audit[field];
  if (value === undefined || value === null) return undefined;
  return (typeof value === 'string' ? parseIsoTimestamp(value) : undefined) ?? 'invalid';
}

/** The authorizer's decision when it is recorded, else the response code; none before a response. */
function outcomeOf(
  stage: string | undefined,
  annotations: JsonObject | undefined,
  status: number | undefined,
): string | undefined {
  const decision = stringAt(annotations, 'authorization.k8s.io/decision');
  if (decision === 'forbid') return 'failure';
  if (status !== undefined) return status < 400 ? 'success' : 'failure';
  if (decision === 'allow' && stage !== 'RequestReceived') return 'success';
  return undefined;
}

function apiVersionOf(objectRef: JsonObject | undefined): string | undefined {
  const version = stringAt(objectRef, 'apiVersion');
  const group = stringAt(objectRef, 'apiGroup');
  if (version === undefined) return undefined;
  return group === undefined ? version : `${group}/${version}`;
}

function auditNamespace(audit: JsonObject, annotations: JsonObject | undefined): Draft {
  const namespace: Draft = {};
  for (const key of Object.keys(audit)) {
    const value: JsonValue | undefined = audit[key];
    if (value !== undefined && key !== 'annotations') setOwn(namespace, key, verbatim(value));
  }
  if (annotations !== undefined) {
    const renamed: JsonObject = {};
    for (const key of Object.keys(annotations)) {
      const value = annotations[key];
      if (value !== undefined) setOwn(renamed, key.replaceAll('.', '_'), value);
    }
    namespace.annotations = verbatim(renamed);
  }
  return namespace;
}

function auditEventId(auditId: string | undefined, stage: string | undefined): string | undefined {
  if (auditId === undefined) return undefined;
  return stage === undefined ? auditId : `${auditId}-${stage}`;
}
