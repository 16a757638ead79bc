import { describe, expect, it } from 'vitest';
import { applyTriage, initialTriage } from './triage.ts';
import type { TriageAction, TriageRecord } from './triage.ts';

const T0 = Date.UTC(2026, 10, 24, 9);
const MIN = 60_000;

const fresh = (): TriageRecord =>
  initialTriage({
    tenantId: 'acme',
    id: 'alert-1',
    ruleRef: 'rule-1',
    severity: 'high',
    createdAt: T0,
    firstSeen: T0 - 30_000,
  });

/** Applies actions one minute apart; returns each step's record. */
function run(actions: readonly TriageAction[], start = fresh()): TriageRecord[] {
  let record = start;
  return actions.map((action, i) => {
    record = applyTriage(record, action, T0 + (i + 1) * MIN).record;
    return record;
  });
}

describe('triage lifecycle', () => {
  it('walks new → acknowledged → in_progress → resolved, keeping the first time of each step', () => {
    const [acked, started, resolved] = run([
      { action: 'acknowledge' },
      { action: 'start' },
      { action: 'resolve', resolution: 'true_positive' },
    ]);
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedAt: T0 + MIN });
    expect(started).toMatchObject({ state: 'in_progress', inProgressAt: T0 + 2 * MIN });
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolution: 'true_positive',
      acknowledgedAt: T0 + MIN,
      inProgressAt: T0 + 2 * MIN,
      resolvedAt: T0 + 3 * MIN,
      updatedAt: T0 + 3 * MIN,
    });
  });

  it('acknowledges an alert worked on or resolved without an acknowledgement first', () => {
    expect(run([{ action: 'start' }])[0]).toMatchObject({
      state: 'in_progress',
      acknowledgedAt: T0 + MIN,
      inProgressAt: T0 + MIN,
    });
    expect(run([{ action: 'resolve', resolution: 'benign' }])[0]).toMatchObject({
      state: 'resolved',
      acknowledgedAt: T0 + MIN,
      resolvedAt: T0 + MIN,
    });
  });

  it('keeps first times across a reopen and a second resolution; reclassifies in place', () => {
    const steps = run([
      { action: 'resolve', resolution: 'false_positive' },
      { action: 'reopen' },
      { action: 'resolve', resolution: 'true_positive' },
      { action: 'resolve', resolution: 'benign' },
    ]);
    expect(steps[1]).toMatchObject({
      state: 'in_progress',
      resolution: null,
      resolvedAt: T0 + MIN,
    });
    expect(steps[3]).toMatchObject({
      state: 'resolved',
      resolution: 'benign',
      acknowledgedAt: T0 + MIN,
      resolvedAt: T0 + MIN,
    });
  });

  it('changes nothing when the action is already in effect', () => {
    const acked = applyTriage(fresh(), { action: 'acknowledge' }, T0 + MIN).record;
    const again = applyTriage(acked, { action: 'acknowledge' }, T0 + 5 * MIN);
    expect(again).toEqual({ record: acked, changed: false });
    const resolved = applyTriage(acked, { action: 'resolve', resolution: 'benign' }, T0).record;
    expect(applyTriage(resolved, { action: 'resolve', resolution: 'benign' }, T0).changed).toBe(
      false,
    );
    expect(applyTriage(fresh(), { action: 'unassign' }, T0).changed).toBe(false);
    expect(applyTriage(fresh(), { action: 'classify', origin: 'live' }, T0).changed).toBe(false);
  });

  it('refuses what the state does not allow, naming the alert and its state', () => {
    const [resolved] = run([{ action: 'resolve', resolution: 'benign' }]);
    if (!resolved) throw new Error('no step');
    for (const action of [{ action: 'acknowledge' }, { action: 'start' }] as const)
      expect(() => applyTriage(resolved, action, T0)).toThrow(
        expect.objectContaining({
          code: 'SOAR_TRANSITION_INVALID',
          message: expect.stringContaining('resolved'),
        }),
      );
    expect(() => applyTriage(fresh(), { action: 'reopen' }, T0)).toThrow(
      expect.objectContaining({ code: 'SOAR_TRANSITION_INVALID' }),
    );
    expect(() => applyTriage(fresh(), { action: 'merge', into: 'alert-1' }, T0)).toThrow(
      expect.objectContaining({ code: 'SOAR_TRANSITION_INVALID' }),
    );
  });

  it('merges from any open or resolved state, and a merged alert refuses everything', () => {
    const [merged] = run([{ action: 'acknowledge' }, { action: 'merge', into: 'alert-9' }]).slice(
      1,
    );
    expect(merged).toMatchObject({
      state: 'merged',
      mergedInto: 'alert-9',
      mergedAt: T0 + 2 * MIN,
    });
    if (!merged) throw new Error('no step');
    for (const action of [
      { action: 'acknowledge' },
      { action: 'resolve', resolution: 'benign' },
      { action: 'assign', assignee: { kind: 'user', id: 'u1' } },
      { action: 'merge', into: 'alert-8' },
      { action: 'contain' },
    ] as const)
      expect(() => applyTriage(merged, action, T0)).toThrow(
        expect.objectContaining({ code: 'SOAR_TRANSITION_INVALID' }),
      );
  });

  it('assigns to a person or agent with a team without changing the state; contains once', () => {
    const [assigned, reassigned, contained, containedAgain] = run([
      { action: 'assign', assignee: { kind: 'agent', id: 'soc-agent-7', team: 'soc-l1' } },
      { action: 'assign', assignee: { kind: 'user', id: 'ada' } },
      { action: 'contain' },
      { action: 'contain' },
    ]);
    expect(assigned).toMatchObject({
      state: 'new',
      assignee: { kind: 'agent', id: 'soc-agent-7', team: 'soc-l1' },
      acknowledgedAt: null,
    });
    expect(reassigned?.assignee).toEqual({ kind: 'user', id: 'ada', team: null });
    expect(contained?.containedAt).toBe(T0 + 3 * MIN);
    expect(containedAgain?.containedAt).toBe(T0 + 3 * MIN);
  });
});
