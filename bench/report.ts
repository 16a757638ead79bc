/** Formatting shared by the benchmarks' printed reports. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The p-th percentile (nearest rank) of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
