import type { Severity } from '../../detections/index.ts';
import type { TriageRecord } from '../triage/triage.ts';

/**
 * SLA clocks of an alert (pure). Two clocks run from detection: acknowledge (stops at the first
 * acknowledgement) and resolve (stops at the first resolution; paused while work waits on
 * someone outside the team). Each warns at 80 % of its target and breaches at 100 %.
 */

export const SLA_CLOCKS = ['acknowledge', 'resolve'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

export interface SlaPolicy {
  readonly severity: Severity;
  readonly acknowledgeSeconds: number;
  readonly resolveSeconds: number;
}

const MIN = 60;
/** The defaults (minutes): critical 5 / 30, high 15 / 120, medium 60 / 480, low 240 / 1440. */
export const DEFAULT_SLA_POLICIES: Readonly<Record<Severity, SlaPolicy>> = {
  critical: { severity: 'critical', acknowledgeSeconds: 5 * MIN, resolveSeconds: 30 * MIN },
  high: { severity: 'high', acknowledgeSeconds: 15 * MIN, resolveSeconds: 120 * MIN },
  medium: { severity: 'medium', acknowledgeSeconds: 60 * MIN, resolveSeconds: 480 * MIN },
  low: { severity: 'low', acknowledgeSeconds: 240 * MIN, resolveSeconds: 1440 * MIN },
  // Informational alerts carry no urgency: a day to look, a week to close.
  info: { severity: 'info', acknowledgeSeconds: 1440 * MIN, resolveSeconds: 10_080 * MIN },
};

/** The share of a target at which a clock warns. */
export const WARNING_RATIO = 0.8;

export type SlaLevel = 'ok' | 'warning' | 'breach';

export interface SlaClockStatus {
  readonly clock: SlaClock;
  readonly targetSeconds: number;
  /** Time counted so far (or in all, once stopped), in ms. */
  readonly elapsedMs: number;
  /** `running`, `paused`; stopped: `met` within target, `missed`, or `stopped` (merged). */
  readonly status: 'running' | 'paused' | 'met' | 'missed' | 'stopped';
  readonly level: SlaLevel;
  /** When it warns and breaches if nothing happens (running clocks; a paused one has none). */
  readonly warnAt: number | null;
  readonly dueAt: number | null;
}

export function slaClocks(
  record: TriageRecord,
  policy: SlaPolicy,
  now: number,
): readonly SlaClockStatus[] {
  const merged = record.state === 'merged';
  const clock = (
    name: SlaClock,
    targetSeconds: number,
    stoppedAt: number | null,
    pausedMs: number,
    paused: boolean,
  ): SlaClockStatus => {
    const target = targetSeconds * 1000;
    const end = stoppedAt ?? (merged ? (record.mergedAt ?? now) : now);
    const elapsedMs = Math.max(0, end - record.detectedAt - pausedMs);
    const level: SlaLevel =
      elapsedMs >= target ? 'breach' : elapsedMs >= target * WARNING_RATIO ? 'warning' : 'ok';
    const running = stoppedAt === null && !merged;
    const status = running
      ? paused
        ? 'paused'
        : 'running'
      : stoppedAt === null
        ? 'stopped'
        : elapsedMs <= target
          ? 'met'
          : 'missed';
    const left = (share: number) => now + Math.max(0, target * share - elapsedMs);
    return {
      clock: name,
      targetSeconds,
      elapsedMs,
      status,
      level,
      warnAt: status === 'running' ? left(WARNING_RATIO) : null,
      dueAt: status === 'running' ? left(1) : null,
    };
  };
  const pausing = record.pausedSince === null ? 0 : Math.max(0, now - record.pausedSince);
  return [
    clock('acknowledge', policy.acknowledgeSeconds, record.acknowledgedAt, 0, false),
    clock(
      'resolve',
      policy.resolveSeconds,
      record.resolvedAt,
      record.pausedMs + pausing,
      record.pausedSince !== null,
    ),
  ];
}
