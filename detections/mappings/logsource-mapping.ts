import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fallbackLogsource } from './fallback.ts';
import { createFieldPaths } from './field-paths.ts';
import type { FieldLayer } from './field-paths.ts';
import type { Logsource, MappingSet, ResolvedLogsource } from './logsource.ts';
import { logsourceKey, normalizeLogsource } from './logsource.ts';
import { invalid, parseMappingFile } from './mapping-file.ts';
import type { MappingEntry, MappingSource } from './mapping-file.ts';

export { matchesFilter } from './event-filter.ts';
export type { EventFilter, FieldCondition } from './event-filter.ts';
export type { Logsource, MappingSet, ResolvedLogsource } from './logsource.ts';
export type { MappingSource } from './mapping-file.ts';

/** The data files shipped with the platform. */
export const DEFAULT_MAPPINGS_DIR = fileURLToPath(new URL('./logsources/', import.meta.url));

/**
 * Loads every `*.yaml`/`*.yml` file of `dir` (default: the shipped data), in name order.
 * Throws `DETECTION_MAPPING_INVALID` for an invalid file, naming file, line and field.
 */
export function loadMappings(dir: string = DEFAULT_MAPPINGS_DIR): MappingSet {
  const names = readdirSync(dir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort();
  return parseMappings(
    names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') })),
  );
}

/**
 * Builds a mapping set from data file texts. A logsource may be declared once across all files.
 * Logsources with a product inherit the field map and default templates of the entry that
 * declares that product alone.
 */
export function parseMappings(files: readonly MappingSource[]): MappingSet {
  const entries = new Map<string, MappingEntry>();
  for (const file of files) {
    for (const entry of parseMappingFile(file)) {
      const key = logsourceKey(entry.logsource);
      const earlier = entries.get(key);
      if (earlier !== undefined) {
        throw invalid(
          entry.file,
          entry.line,
          1,
          'logsources',
          `logsource ${key} is already declared at ${earlier.file}:${earlier.line}`,
        );
      }
      entries.set(key, entry);
    }
  }
  return createMappingSet(entries);
}

/** Tiers tried in order for a rule's logsource, most specific first. */
const TIERS: readonly (readonly ('product' | 'category' | 'service')[])[] = [
  ['product', 'category', 'service'],
  ['product', 'category'],
  ['product', 'service'],
  ['category', 'service'],
  ['category'],
  ['service'],
];

function createMappingSet(entries: ReadonlyMap<string, MappingEntry>): MappingSet {
  const declared = new Map<string, ResolvedLogsource>();
  for (const [key, entry] of entries) {
    const product = entry.logsource.product;
    const base = product === undefined ? undefined : entries.get(logsourceKey({ product }));
    const layers: FieldLayer[] = [entry];
    if (base !== undefined && base !== entry) layers.push(base);
    declared.set(key, {
      key,
      filter: entry.filter,
      fieldPaths: createFieldPaths(layers),
      fallback: false,
    });
  }
  const resolved = new Map<string, ResolvedLogsource>();

  const resolveNormalized = (logsource: Logsource): ResolvedLogsource => {
    for (const tier of TIERS) {
      if (!tier.every((attribute) => logsource[attribute] !== undefined)) continue;
      const candidate = declared.get(logsourceKey(pick(logsource, tier)));
      if (candidate !== undefined) return candidate;
    }
    const product =
      logsource.product === undefined
        ? undefined
        : declared.get(logsourceKey({ product: logsource.product }));
    if (product === undefined) return fallbackLogsource(logsource);
    // A product alone is what the rule asked for, or a guess at its fields only: a category or
    // service the data does not declare must not widen the rule to every event of the product.
    if (logsource.category === undefined && logsource.service === undefined) return product;
    return fallbackLogsource(logsource, product.fieldPaths);
  };

  return {
    logsources: [...declared.values()],
    resolve(logsource) {
      const normalized = normalizeLogsource(logsource);
      const key = logsourceKey(normalized);
      let found = resolved.get(key);
      if (found === undefined) {
        found = resolveNormalized(normalized);
        resolved.set(key, found);
      }
      return found;
    },
  };
}

function pick(logsource: Logsource, attributes: readonly (keyof Logsource)[]): Logsource {
  const out: { -readonly [K in keyof Logsource]: string } = {};
  for (const attribute of attributes) {
    const value = logsource[attribute];
    if (value !== undefined) out[attribute] = value;
  }
  return out;
}
