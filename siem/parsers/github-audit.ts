import { baseEvent, distinct, mergeInto, toDocument, unmapped } from './ecs-draft.ts';
import { ipOrUndefined } from './field-values.ts';
import { isObject, objectAt, stringAt, textAt, typeName } from './json-access.ts';
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
import { parseTimestampValue, receivedInstant } from './timestamp.ts';
import type { Instant } from './timestamp.ts';

/** Fields mapped to ECS; every other field is kept verbatim under `github.<name>`. */
const MAPPED = new Set([
  'action',
  'actor',
  'actor_id',
  'user',
  'user_id',
  '_document_id',
  '@timestamp',
  'user_agent',
]);

/**
 * GitHub audit-log events as `GET /orgs/{org}/audit-log` (an array, or one element) and audit-log
 * streaming return them. Mapped as Elastic's github.audit integration does; `@timestamp` (epoch
 * ms) is the event time, else `created_at`.
 */
export const githubAuditParser: Parser = {
  id: 'github-audit',

  detect(record: RawRecord): boolean {
    if (record.kind !== 'json') return false;
    const value = record.value;
    if (Array.isArray(value)) return value.length > 0 && isGithubAuditEvent(value[0]);
    return isGithubAuditEvent(value);
  },

  parse(record, context): ParseResult {
    const input = jsonOf(record);
    if (!input.ok) return fail('github-audit', input.message);
    const value = input.value;
    const items = Array.isArray(value) ? value : [value];
    const events: EcsDocument[] = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const path = Array.isArray(value) ? childPath('', index) : '';
      if (!isObject(item))
        return fail('github-audit', `expected a JSON object, got ${typeName(item)}`, path);
      const event = toEvent(item, context);
      if ('field' in event)
        return fail('github-audit', event.message, childPath(path, event.field));
      events.push(event.doc);
    }
    return succeed('github-audit', events);
  },
};

function isGithubAuditEvent(value: JsonValue | undefined): boolean {
  if (!isObject(value)) return false;
  const action = value.action;
  if (typeof action !== 'string' || !action.includes('.')) return false;
  if (typeof value._document_id === 'string') return true;
  return (
    typeof value.actor === 'string' &&
    (typeof value.created_at === 'number' || typeof value['@timestamp'] === 'number')
  );
}

type EventResult =
  { readonly doc: EcsDocument } | { readonly message: string; readonly field: string };

function toEvent(audit: JsonObject, context: ParseContext): EventResult {
  let time: Instant | undefined = receivedInstant(context);
  for (const field of ['@timestamp', 'created_at']) {
    const raw = audit[field];
    if (raw === undefined || raw === null) continue;
    time = parseTimestampValue(raw, 'millis');
    if (time === undefined) return { message: 'not a valid timestamp', field };
    break;
  }
  const action = stringAt(audit, 'action');
  if (action === undefined) return { message: 'missing', field: 'action' };
  const actor = stringAt(audit, 'actor');
  const target = stringAt(audit, 'user');
  const actorIp = stringAt(audit, 'actor_ip');
  const sourceIp = ipOrUndefined(actorIp);
  const dot = action.indexOf('.');
  const category = dot > 0 ? action.slice(0, dot) : undefined;
  const verb = dot > 0 ? action.slice(dot + 1) : action;
  const iam = category === 'team' || category === 'org';
  const group =
    category === 'team' ? teamOf(audit) : category === 'org' ? stringAt(audit, 'org') : undefined;
  const types = [
    ...(iam ? ['group', 'user'] : []),
    ...(/create|add/.test(verb) ? ['creation'] : []),
    ...(/delete|remove|destroy/.test(verb) ? ['deletion'] : []),
  ];

  const draft = baseEvent(time);
  mergeInto(draft, {
    event: {
      module: 'github',
      dataset: 'github.audit',
      action,
      id: stringAt(audit, '_document_id'),
      category: ['configuration', 'web', ...(iam ? ['iam'] : [])],
      type: types.length > 0 ? types : ['change'],
    },
    user: {
      name: actor,
      id: textAt(audit, 'actor_id'),
      target: {
        name: target,
        id: textAt(audit, 'user_id'),
        group: { name: target === undefined ? undefined : group },
      },
    },
    group: { name: group },
    source: {
      ip: sourceIp,
      geo: { country_iso_code: stringAt(objectAt(audit, 'actor_location'), 'country_code') },
    },
    user_agent: { original: stringAt(audit, 'user_agent') },
    related: {
      user: distinct([actor, target]),
      ip: sourceIp === undefined ? undefined : [sourceIp],
    },
    // A source field named `category` wins over the derived one.
    github: { category, ...unmapped(audit, MAPPED) },
  });
  return { doc: toDocument(draft) };
}

function teamOf(audit: JsonObject): string | undefined {
  return stringAt(audit, 'team') ?? stringAt(objectAt(audit, 'data'), 'team');
}
