import { isIP } from 'node:net';
import { readField, toFieldPath } from '../sigma/event-fields.ts';
import type { Observable, ObservableKind } from './alert.ts';

/**
 * The observables an ECS event names: addresses, file hashes and domains, read from the fields
 * ECS defines for them (`related.*` first: ECS keeps it for exactly this pivoting).
 */
const FIELDS: readonly (readonly [ObservableKind, string])[] = [
  ['ip', 'related.ip'],
  ['ip', 'source.ip'],
  ['ip', 'destination.ip'],
  ['ip', 'client.ip'],
  ['ip', 'server.ip'],
  ['hash', 'related.hash'],
  ['hash', 'file.hash.sha256'],
  ['hash', 'file.hash.sha1'],
  ['hash', 'file.hash.md5'],
  ['hash', 'process.hash.sha256'],
  ['hash', 'process.hash.sha1'],
  ['hash', 'process.hash.md5'],
  ['domain', 'dns.question.name'],
  ['domain', 'url.domain'],
  ['domain', 'destination.domain'],
];

const PATHS = new Map(FIELDS.map(([, path]) => [path, toFieldPath(path)]));
const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
/** At most this many per event: an event listing thousands of addresses names none in particular. */
const PER_EVENT = 20;

/** `value` as an observable of `kind`, normalised, or undefined when it is not one. */
export function toObservable(kind: ObservableKind, value: unknown): Observable | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  switch (kind) {
    case 'ip':
      return isIP(text) === 0 ? undefined : { kind, value: text };
    case 'hash':
      return HASH.test(text) ? { kind, value: text } : undefined;
    case 'domain': {
      const name = text.endsWith('.') ? text.slice(0, -1) : text;
      return DOMAIN.test(name) && isIP(name) === 0 ? { kind, value: name } : undefined;
    }
  }
}

export function observablesOfEvent(doc: unknown): Observable[] {
  const found = new Map<string, Observable>();
  for (const [kind, path] of FIELDS) {
    const at = PATHS.get(path);
    if (!at) continue;
    const value = readField(doc, at);
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      const observable = toObservable(kind, item);
      if (observable) found.set(`${kind}\0${observable.value}`, observable);
      if (found.size >= PER_EVENT) return [...found.values()];
    }
  }
  return [...found.values()];
}

/** The observables of a correlation's group: group-by values that are addresses. */
export function observablesOfGroup(groupBy: Readonly<Record<string, string | null>>): Observable[] {
  const found = new Map<string, Observable>();
  for (const value of Object.values(groupBy)) {
    const observable = toObservable('ip', value);
    if (observable) found.set(observable.value, observable);
  }
  return [...found.values()];
}
