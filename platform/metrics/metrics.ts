import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process (per app instance in tests). Modules register their own
 * metrics on it through these factories, so names and help texts live beside the code that
 * updates them.
 */
export interface Metrics {
  readonly registry: Registry;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames?: readonly L[],
  ): Histogram<L>;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(
  options: { defaultMetrics?: boolean; prefix?: string } = {},
): Metrics {
  const registry = new Registry();
  const prefix = options.prefix ?? 'secops_';
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const reuse = <M>(name: string, kind: abstract new (...args: never[]) => M): M | undefined => {
    const metric: unknown = registry.getSingleMetric(prefix + name);
    return metric instanceof kind ? metric : undefined;
  };
  return {
    registry,
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      reuse<Counter<L>>(name, Counter) ??
      new Counter({ name: prefix + name, help, labelNames, registers: [registry] }),
    gauge: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      reuse<Gauge<L>>(name, Gauge) ??
      new Gauge({ name: prefix + name, help, labelNames, registers: [registry] }),
    histogram: <L extends string>(
      name: string,
      help: string,
      buckets: readonly number[],
      labelNames: readonly L[] = [],
    ) =>
      reuse<Histogram<L>>(name, Histogram) ??
      new Histogram({
        name: prefix + name,
        help,
        labelNames,
        buckets: [...buckets],
        registers: [registry],
      }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
