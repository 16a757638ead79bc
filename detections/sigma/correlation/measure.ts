import type { CorrelationRule } from './correlation-rule.ts';
import type { WindowRecord } from './window-records.ts';

/**
 * The value a window's condition is compared with: the event count, the distinct-value count,
 * the number of referenced rules matched (in order, for `temporal_ordered`), or the sum, average
 * or percentile of the measured field. `records` are sorted by time.
 */
export function measure(
  rule: Pick<CorrelationRule, 'type' | 'condition'>,
  records: readonly WindowRecord[],
): number {
  switch (rule.type) {
    case 'event_count':
      return total(records, (record) => record.count);
    case 'value_count':
      return new Set(records.map((record) => record.key)).size;
    case 'temporal':
      return new Set(records.map((record) => record.rule)).size;
    case 'temporal_ordered':
      return orderedPrefix(records);
    case 'value_sum':
      return total(records, (record) => record.sum);
    case 'value_avg': {
      const count = total(records, (record) => record.count);
      return count === 0 ? NaN : total(records, (record) => record.sum) / count;
    }
    case 'value_percentile':
    case 'value_median':
      return percentile(records, rule.condition.percentile ?? 50);
  }
}

function total(records: readonly WindowRecord[], of: (record: WindowRecord) => number): number {
  let sum = 0;
  for (const record of records) sum += of(record);
  return sum;
}

/**
 * How many of the referenced rules, from the first, matched in the listed order: a greedy scan
 * in time order takes each rule's earliest match after the previous rule's.
 */
function orderedPrefix(records: readonly WindowRecord[]): number {
  let next = 0;
  for (const record of records) {
    if (record.rule === next) next += 1;
  }
  return next;
}

/**
 * The `p`th percentile, interpolating linearly between the closest ranks (as Excel's
 * PERCENTILE.INC and numpy's default do). A record holding several events (coalesced once the
 * window is full) counts as that many events at their mean value.
 */
export function percentile(records: readonly WindowRecord[], p: number): number {
  const points = records
    .filter((record) => record.count > 0)
    .map((record) => ({ value: record.sum / record.count, weight: record.count }))
    .sort((a, b) => a.value - b.value);
  const weight = total(records, (record) => record.count);
  if (weight === 0) return NaN;
  const rank = (p / 100) * (weight - 1);
  const lower = valueAt(points, Math.floor(rank));
  const upper = valueAt(points, Math.ceil(rank));
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

function valueAt(points: readonly { value: number; weight: number }[], rank: number): number {
  let seen = 0;
  for (const point of points) {
    seen += point.weight;
    if (rank < seen) return point.value;
  }
  return points.at(-1)?.value ?? NaN;
}
