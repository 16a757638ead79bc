import type { EventFilter } from './event-filter.ts';
import type { Logsource, ResolvedLogsource } from './logsource.ts';
import { logsourceKey } from './logsource.ts';

const AS_WRITTEN = (sigmaField: string): readonly string[] => [sigmaField];

/**
 * The generic logsource for one no data file declares, shaped after Elastic's module/dataset
 * naming: `product` → `event.module`; with a `service`, also `event.dataset` = `product.service`
 * (or the service itself when it already holds a dot, as `onelogin.events` does). Without a
 * product, a service is taken as the module and a lone category as `event.category`; an empty
 * logsource reads every event. Fields are read as written unless `fieldPaths` (the declared
 * product's) is given.
 */
export function fallbackLogsource(
  logsource: Logsource,
  fieldPaths: (sigmaField: string) => readonly string[] = AS_WRITTEN,
): ResolvedLogsource {
  return {
    key: logsourceKey(logsource),
    filter: fallbackFilter(logsource),
    fieldPaths,
    fallback: true,
  };
}

function fallbackFilter({ product, category, service }: Logsource): EventFilter {
  if (product !== undefined) {
    const module = { field: 'event.module', oneOf: [product] };
    if (service === undefined) return [[module]];
    const dataset = service.includes('.') ? service : `${product}.${service}`;
    return [[module, { field: 'event.dataset', oneOf: [dataset] }]];
  }
  if (service !== undefined) return [[{ field: 'event.module', oneOf: [service] }]];
  if (category !== undefined) return [[{ field: 'event.category', oneOf: [category] }]];
  return null;
}
