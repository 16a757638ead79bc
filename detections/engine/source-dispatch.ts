import { matchesFilter } from '../mappings/logsource-mapping.ts';
import type { EventFilter, FieldCondition } from '../mappings/logsource-mapping.ts';
import { MISSING, readField, toFieldPath } from '../sigma/event-fields.ts';
import type { FieldPath } from '../sigma/event-fields.ts';

/**
 * Which log sources an event belongs to, without testing every source's filter: each filter
 * clause is indexed under one of its equality conditions (`winlog.channel: Security`), so an
 * event reads each indexed field once and tests only the clauses its values point to.
 */
export interface SourceDispatch {
  /** Ids (indexes into the filters given) of the sources `doc` belongs to, ascending. */
  sourcesOf(doc: unknown): number[];
}

interface IndexedClause {
  readonly source: number;
  readonly clause: readonly FieldCondition[];
}

interface KeyField {
  readonly path: FieldPath;
  readonly byValue: Map<string, IndexedClause[]>;
}

export function createSourceDispatch(filters: readonly EventFilter[]): SourceDispatch {
  const always: number[] = [];
  const unkeyed: IndexedClause[] = [];
  // How often each field is an equality condition: the most shared fields make the best keys.
  const use = new Map<string, number>();
  for (const filter of filters)
    for (const clause of filter ?? [])
      for (const condition of clause)
        if ('oneOf' in condition) use.set(condition.field, (use.get(condition.field) ?? 0) + 1);
  const keys = new Map<string, KeyField>();
  filters.forEach((filter, source) => {
    if (filter === null) {
      always.push(source);
      return;
    }
    for (const clause of filter) {
      let key: (FieldCondition & { oneOf: readonly string[] }) | undefined;
      for (const condition of clause) {
        if (!('oneOf' in condition)) continue;
        if (!key || (use.get(condition.field) ?? 0) > (use.get(key.field) ?? 0)) key = condition;
      }
      if (!key) {
        unkeyed.push({ source, clause });
        continue;
      }
      let field = keys.get(key.field);
      if (!field) {
        field = { path: toFieldPath(key.field), byValue: new Map() };
        keys.set(key.field, field);
      }
      for (const value of key.oneOf) {
        const lower = value.toLowerCase();
        const list = field.byValue.get(lower) ?? [];
        list.push({ source, clause });
        field.byValue.set(lower, list);
      }
    }
  });
  const keyFields = [...keys.values()];
  const seen = new Uint8Array(filters.length);

  return {
    sourcesOf(doc) {
      const out = [...always];
      seen.fill(0);
      for (const s of always) seen[s] = 1;
      const consider = (entry: IndexedClause): void => {
        if (seen[entry.source] === 1) return;
        if (matchesFilter([entry.clause], doc)) {
          seen[entry.source] = 1;
          out.push(entry.source);
        }
      };
      for (const key of keyFields) {
        const value = readField(doc, key.path);
        if (value === MISSING || value === null) continue;
        for (const element of Array.isArray(value) ? (value as unknown[]) : [value]) {
          if (
            typeof element !== 'string' &&
            typeof element !== 'number' &&
            typeof element !== 'boolean'
          )
            continue;
          for (const entry of key.byValue.get(String(element).toLowerCase()) ?? []) consider(entry);
        }
      }
      for (const entry of unkeyed) consider(entry);
      return out.sort((a, b) => a - b);
    },
  };
}
