import type { EventFilter } from './event-filter.ts';

/** A Sigma rule's `logsource` (only the attributes that select events). */
export interface Logsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** What a rule's logsource resolves to: which events it reads, and where its fields are. */
export interface ResolvedLogsource {
  /** Stable key for grouping rules with the same filter, e.g. "windows/process_creation". */
  readonly key: string;
  readonly filter: EventFilter;
  /** Sigma field name → event paths to try in order; the first present one is the field's value. */
  readonly fieldPaths: (sigmaField: string) => readonly string[];
  /** True when no data file declared this logsource and the generic fallback was used. */
  readonly fallback: boolean;
}

/** The loaded mapping data: resolves rule logsources; lists every declared logsource. */
export interface MappingSet {
  resolve(logsource: Logsource): ResolvedLogsource;
  /** Every logsource the data files declare, in file order. */
  readonly logsources: readonly ResolvedLogsource[];
}

/** A logsource with lower-cased, trimmed attributes; empty attributes dropped. */
export function normalizeLogsource(logsource: Logsource): Logsource {
  const product = clean(logsource.product);
  const category = clean(logsource.category);
  const service = clean(logsource.service);
  return {
    ...(product === undefined ? {} : { product }),
    ...(category === undefined ? {} : { category }),
    ...(service === undefined ? {} : { service }),
  };
}

/**
 * The attributes joined with `/` in the order product, category, service, with `*` for an absent
 * one and trailing `*`s dropped: `windows/process_creation`, `windows` + `/*` + `/security` for a
 * service without category, `*` for an empty logsource.
 */
export function logsourceKey(logsource: Logsource): string {
  const parts = [logsource.product ?? '*', logsource.category ?? '*', logsource.service ?? '*'];
  while (parts.length > 1 && parts[parts.length - 1] === '*') parts.pop();
  return parts.join('/');
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
