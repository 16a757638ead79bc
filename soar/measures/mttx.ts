import type { TriageRecord } from '../triage/triage.ts';

/**
 * Response measures over triage records (pure):
 * - MTTA: first acknowledgement − detection; MTTR: first resolution − detection;
 * - MTTD: detection − time of the alert's first event; MTTC: first containment − detection.
 * Merged alerts (their work is counted on the alert they joined) and exercise and test alerts
 * are left out. Each measure counts the alerts that reached its step; figures are seconds.
 */

export const MEASURES = ['mtta', 'mttr', 'mttd', 'mttc'] as const;
export type Measure = (typeof MEASURES)[number];

export const GROUP_BY = ['severity', 'team', 'period'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** The platform's targets: mean time to acknowledge under 5 minutes, to resolve under 30. */
export const TARGET_SECONDS: Readonly<Partial<Record<Measure, number>>> = { mtta: 300, mttr: 1800 };

export interface Stats {
  /** Alerts that reached the step. */
  readonly count: number;
  /** Seconds; null when no alert reached the step. */
  readonly mean: number | null;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface MeasureGroup {
  /** The group's values of `groupBy` (team `unassigned` for alerts nobody holds). */
  readonly key: Readonly<Partial<Record<GroupBy, string>>>;
  /** Alerts measured (after exclusions). */
  readonly alerts: number;
  readonly measures: Readonly<Record<Measure, Stats>>;
  /** Each target against the group's mean: met, missed, or null with nothing to judge. */
  readonly targets: Readonly<Partial<Record<Measure, { seconds: number; met: boolean | null }>>>;
}

export interface MeasureReport {
  readonly groupBy: readonly GroupBy[];
  readonly period: Period;
  readonly overall: MeasureGroup;
  readonly groups: readonly MeasureGroup[];
  readonly excluded: { readonly merged: number; readonly exercise: number; readonly test: number };
}

/** The `p`th percentile of sorted values, interpolating linearly between the closest ranks. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (rank - low);
}

function statsOf(values: number[]): Stats {
  if (values.length === 0) return { count: 0, mean: null, median: null, p90: null };
  values.sort((a, b) => a - b);
  const sum = values.reduce((total, v) => total + v, 0);
  return {
    count: values.length,
    mean: sum / values.length,
    median: percentile(values, 50),
    p90: percentile(values, 90),
  };
}

/** Seconds from `from` to `to` (epoch ms), when the step happened. */
const span = (from: number, to: number | null): number | undefined =>
  to === null ? undefined : Math.max(0, to - from) / 1000;

function spanOf(record: TriageRecord, measure: Measure): number | undefined {
  switch (measure) {
    case 'mtta':
      return span(record.detectedAt, record.acknowledgedAt);
    case 'mttr':
      return span(record.detectedAt, record.resolvedAt);
    case 'mttd':
      return span(record.eventTime, record.detectedAt);
    case 'mttc':
      return span(record.detectedAt, record.containedAt);
  }
}

/** UTC period of an instant: `2026-11-24`, ISO week `2026-W48`, or `2026-11`. */
export function periodOf(at: number, period: Period): string {
  const date = new Date(at);
  const iso = date.toISOString();
  if (period === 'day') return iso.slice(0, 10);
  if (period === 'month') return iso.slice(0, 7);
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${String(thursday.getUTCFullYear())}-W${String(week).padStart(2, '0')}`;
}

function groupOf(key: MeasureGroup['key'], records: readonly TriageRecord[]): MeasureGroup {
  const measures = Object.fromEntries(
    MEASURES.map((m) => [
      m,
      statsOf(
        records.flatMap((r) => {
          const value = spanOf(r, m);
          return value === undefined ? [] : [value];
        }),
      ),
    ]),
  ) as Record<Measure, Stats>;
  const targets: Partial<Record<Measure, { seconds: number; met: boolean | null }>> = {};
  for (const m of MEASURES) {
    const seconds = TARGET_SECONDS[m];
    if (seconds === undefined) continue;
    const mean = measures[m].mean;
    targets[m] = { seconds, met: mean === null ? null : mean < seconds };
  }
  return { key, alerts: records.length, measures, targets };
}

export function measureTriage(
  records: readonly TriageRecord[],
  options: { readonly groupBy?: readonly GroupBy[]; readonly period?: Period } = {},
): MeasureReport {
  const groupBy = options.groupBy ?? [];
  const period = options.period ?? 'day';
  const excluded = { merged: 0, exercise: 0, test: 0 };
  const kept: TriageRecord[] = [];
  for (const record of records) {
    if (record.state === 'merged') excluded.merged++;
    else if (record.origin === 'exercise') excluded.exercise++;
    else if (record.origin === 'test') excluded.test++;
    else kept.push(record);
  }
  const keyOf = (record: TriageRecord): Partial<Record<GroupBy, string>> => {
    const key: Partial<Record<GroupBy, string>> = {};
    for (const dimension of groupBy) {
      key[dimension] =
        dimension === 'severity'
          ? record.severity
          : dimension === 'team'
            ? (record.assignee?.team ?? 'unassigned')
            : periodOf(record.detectedAt, period);
    }
    return key;
  };
  const buckets = new Map<
    string,
    { key: Partial<Record<GroupBy, string>>; records: TriageRecord[] }
  >();
  if (groupBy.length > 0) {
    for (const record of kept) {
      const key = keyOf(record);
      const id = JSON.stringify(groupBy.map((d) => key[d]));
      const bucket = buckets.get(id);
      if (bucket) bucket.records.push(record);
      else buckets.set(id, { key, records: [record] });
    }
  }
  const groups = [...buckets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, bucket]) => groupOf(bucket.key, bucket.records));
  return { groupBy, period, overall: groupOf({}, kept), groups, excluded };
}

const CSV_STATS = ['count', 'mean', 'median', 'p90'] as const;

/** One CSV row per group (the overall figures first, its key columns empty); RFC 4180. */
export function measureCsv(report: MeasureReport): string {
  const header = [
    ...GROUP_BY,
    'alerts',
    ...MEASURES.flatMap((m) => CSV_STATS.map((s) => `${m}_${s}${s === 'count' ? '' : '_seconds'}`)),
  ];
  const row = (group: MeasureGroup): string[] => [
    ...GROUP_BY.map((d) => group.key[d] ?? ''),
    String(group.alerts),
    ...MEASURES.flatMap((m) =>
      CSV_STATS.map((s) => {
        const value = group.measures[m][s];
        return value === null ? '' : s === 'count' ? String(value) : value.toFixed(3);
      }),
    ),
  ];
  // Quoted when needed (RFC 4180); a cell a spreadsheet would run as a formula starts with '.
  const escape = (raw: string): string => {
    const cell = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  };
  return (
    [header, row(report.overall), ...report.groups.map(row)]
      .map((cells) => cells.map(escape).join(','))
      .join('\r\n') + '\r\n'
  );
}
