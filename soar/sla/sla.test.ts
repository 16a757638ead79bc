import { describe, expect, it } from 'vitest';
import { applyTriage, initialTriage } from '../triage/triage.ts';
import type { TriageRecord } from '../triage/triage.ts';
import { DEFAULT_SLA_POLICIES, slaClocks } from './sla.ts';

const T0 = Date.UTC(2026, 10, 24, 9);
const MIN = 60_000;
const critical = DEFAULT_SLA_POLICIES.critical;

const raised = (): TriageRecord =>
  initialTriage({
    tenantId: 'acme',
    id: 'a1',
    ruleRef: 'r1',
    severity: 'critical',
    createdAt: T0,
    firstSeen: T0 - MIN,
  });

const byClock = (record: TriageRecord, now: number) =>
  Object.fromEntries(slaClocks(record, critical, now).map((c) => [c.clock, c]));

describe('SLA clocks', () => {
  it('ship the defaults of the issue: critical 5/30 min … low 240/1440', () => {
    expect(
      Object.values(DEFAULT_SLA_POLICIES).map((p) => [
        p.severity,
        p.acknowledgeSeconds / 60,
        p.resolveSeconds / 60,
      ]),
    ).toEqual([
      ['critical', 5, 30],
      ['high', 15, 120],
      ['medium', 60, 480],
      ['low', 240, 1440],
      ['info', 1440, 10080],
    ]);
  });

  it('run from detection, warn at 80 % and breach at 100 %', () => {
    expect(byClock(raised(), T0 + 3 * MIN).acknowledge).toMatchObject({
      status: 'running',
      level: 'ok',
      warnAt: T0 + 4 * MIN,
      dueAt: T0 + 5 * MIN,
    });
    expect(byClock(raised(), T0 + 4 * MIN).acknowledge?.level).toBe('warning');
    expect(byClock(raised(), T0 + 5 * MIN)).toMatchObject({
      acknowledge: { level: 'breach', elapsedMs: 5 * MIN },
      resolve: { level: 'ok', dueAt: T0 + 30 * MIN },
    });
  });

  it('stop at the first acknowledgement and resolution: met or missed', () => {
    const acked = applyTriage(raised(), { action: 'acknowledge' }, T0 + 2 * MIN).record;
    const resolved = applyTriage(
      acked,
      { action: 'resolve', resolution: 'benign' },
      T0 + 40 * MIN,
    ).record;
    expect(byClock(resolved, T0 + 90 * MIN)).toMatchObject({
      acknowledge: { status: 'met', elapsedMs: 2 * MIN, dueAt: null },
      resolve: { status: 'missed', elapsedMs: 40 * MIN, level: 'breach' },
    });
  });

  it('pause the resolve clock while work waits on someone outside, never the acknowledge clock', () => {
    let record = applyTriage(raised(), { action: 'start' }, T0 + MIN).record;
    record = applyTriage(
      record,
      { action: 'pause', reason: 'waiting on the ISP' },
      T0 + 10 * MIN,
    ).record;
    // 50 minutes later the resolve clock still shows the 10 minutes before the pause.
    expect(byClock(record, T0 + 60 * MIN).resolve).toMatchObject({
      status: 'paused',
      elapsedMs: 10 * MIN,
      level: 'ok',
      dueAt: null,
    });
    record = applyTriage(record, { action: 'resume' }, T0 + 60 * MIN).record;
    expect(record).toMatchObject({ pausedSince: null, pausedMs: 50 * MIN });
    expect(byClock(record, T0 + 70 * MIN).resolve).toMatchObject({
      status: 'running',
      elapsedMs: 20 * MIN,
      dueAt: T0 + 80 * MIN,
    });
    // Resolving during a second pause ends it; its time stays uncounted.
    record = applyTriage(record, { action: 'pause', reason: 'vendor' }, T0 + 70 * MIN).record;
    record = applyTriage(
      record,
      { action: 'resolve', resolution: 'true_positive' },
      T0 + 100 * MIN,
    ).record;
    expect(byClock(record, T0 + 200 * MIN).resolve).toMatchObject({
      status: 'met',
      elapsedMs: 20 * MIN,
    });
  });

  it('refuse a pause of work nobody has taken up, and stop both clocks of a merged alert', () => {
    expect(() => applyTriage(raised(), { action: 'pause', reason: 'x' }, T0)).toThrow(
      expect.objectContaining({ code: 'SOAR_TRANSITION_INVALID' }),
    );
    const merged = applyTriage(raised(), { action: 'merge', into: 'a0' }, T0 + MIN).record;
    expect(Object.values(byClock(merged, T0 + 99 * MIN)).map((c) => c.status)).toEqual([
      'stopped',
      'stopped',
    ]);
  });
});
