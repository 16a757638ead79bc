import { toObservable } from '../../detections/index.ts';
import type { Alert } from '../../detections/index.ts';

/**
 * What an alert is about, for grouping rules and pivots: what it names itself (host, users,
 * techniques) and the observables its events name (addresses, file hashes, domains).
 */
export const KEY_KINDS = ['host', 'user', 'technique', 'ip', 'hash', 'domain'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface AlertKey {
  readonly kind: KeyKind;
  /** Hosts, users and observables lower-cased; techniques upper-cased (`T1059.001`). */
  readonly value: string;
}

/** A group-by field that names a user: `user.name`, `winlog.event_data.TargetUserName`, … */
const USER_FIELD = /(^|\.)(user\.name|user|username|targetusername|subjectusername)$/i;

/** The keys of an alert: its host, the users it groups by, its techniques, its observables. */
export function alertKeys(
  alert: Pick<Alert, 'host' | 'groupBy' | 'techniques'> & Partial<Pick<Alert, 'observables'>>,
): AlertKey[] {
  const keys = new Map<string, AlertKey>();
  const add = (kind: KeyKind, raw: string | null | undefined): void => {
    const trimmed = raw?.trim();
    if (!trimmed) return;
    const value = kind === 'technique' ? trimmed.toUpperCase() : trimmed.toLowerCase();
    keys.set(`${kind}\0${value}`, { kind, value });
  };
  add('host', alert.host);
  for (const [field, value] of Object.entries(alert.groupBy))
    if (USER_FIELD.test(field)) add('user', value);
  for (const technique of alert.techniques) add('technique', technique);
  for (const observable of alert.observables ?? []) add(observable.kind, observable.value);
  return [...keys.values()];
}

/** A key as a person types it (`WKS-9`, `T1059.001`, `10.0.0.7`), normalised; undefined if it is not one. */
export function toKey(kind: KeyKind, value: string): AlertKey | undefined {
  if (kind === 'ip' || kind === 'hash' || kind === 'domain') {
    const observable = toObservable(kind, value);
    return observable === undefined ? undefined : { kind, value: observable.value };
  }
  return alertKeys({
    host: kind === 'host' ? value : null,
    groupBy: kind === 'user' ? { 'user.name': value } : {},
    techniques: kind === 'technique' ? [value] : [],
  })[0];
}

/** ECS fields an events search uses for each key kind (the pivot to events). */
const EVENT_FIELDS: Readonly<Record<KeyKind, readonly string[]>> = {
  host: ['host.name'],
  user: ['user.name'],
  technique: ['threat.technique.id'],
  ip: ['related.ip', 'source.ip', 'destination.ip'],
  hash: ['related.hash', 'file.hash.sha256', 'process.hash.sha256'],
  domain: ['dns.question.name', 'url.domain', 'destination.domain'],
};

/** The KQL query (for `GET /events/search`) for the events that name a key. */
export function eventsQuery(kind: KeyKind, value: string): string {
  const quoted = `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return EVENT_FIELDS[kind].map((field) => `${field}:${quoted}`).join(' or ');
}
