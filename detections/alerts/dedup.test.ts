import { describe, expect, it } from 'vitest';
import type { AlertWindow } from './dedup.ts';
import { DEFAULT_DEDUP_WINDOW_MS, groupRefsOf, planAlertUpserts, windowOf } from './dedup.ts';
import { candidate, fixture, MINUTE, SECOND, T0 } from './test-fixtures.ts';

describe('planAlertUpserts', () => {
  it('folds a rule’s matches on one host and user within the window into one new alert', () => {
    const f = fixture();
    const rule = f.rules.powershell;
    const batch = [0, 1, 2].map((i) =>
      candidate(f, { rule, eventId: `e${String(i)}`, at: T0 + i * MINUTE }),
    );
    const upserts = planAlertUpserts(batch, []);
    expect(upserts).toHaveLength(1);
    const [upsert] = upserts;
    if (upsert?.op !== 'open') return expect.fail('expected an open');
    expect(upsert.alert).toMatchObject({
      id: batch[0]?.alert.id,
      count: 3,
      eventCount: 3,
      eventIds: ['e0', 'e1', 'e2'],
      firstSeen: T0,
      lastSeen: T0 + 2 * MINUTE,
      createdAt: batch[0]?.alert.createdAt,
      updatedAt: batch[2]?.alert.updatedAt,
    });
    expect(upsert.windowEnd).toBe(T0 + DEFAULT_DEDUP_WINDOW_MS);
    expect(upsert.occurrences.map((o) => o.key)).toEqual(['e:e0', 'e:e1', 'e:e2']);
  });

  it('opens a new alert at the window’s end, not before', () => {
    const f = fixture();
    const rule = f.rules.powershell;
    const upserts = planAlertUpserts(
      [
        candidate(f, { rule, eventId: 'a', at: T0 }),
        candidate(f, { rule, eventId: 'b', at: T0 + 10 * MINUTE - 1 }),
        candidate(f, { rule, eventId: 'c', at: T0 + 10 * MINUTE }),
        candidate(f, { rule, eventId: 'd', at: T0 + 15 * MINUTE }),
      ],
      [],
    );
    expect(upserts.map((u) => [u.op, u.occurrences.map((o) => o.key)])).toEqual([
      ['open', ['e:a', 'e:b']],
      ['open', ['e:c', 'e:d']],
    ]);
  });

  it('keeps rules, groups and tenants apart', () => {
    const f = fixture();
    const { powershell, lsass } = f.rules;
    const upserts = planAlertUpserts(
      [
        candidate(f, { rule: powershell, eventId: '1', at: T0 }),
        candidate(f, { rule: lsass, eventId: '1', at: T0 }),
        candidate(f, { rule: powershell, eventId: '2', at: T0, host: 'wks-2' }),
        candidate(f, { rule: powershell, eventId: '3', at: T0, user: 'bob' }),
        candidate(f, { rule: powershell, eventId: '4', at: T0, tenantId: 'tenant-b' }),
        candidate(f, { rule: powershell, eventId: '5', at: T0 + SECOND }),
      ],
      [],
    );
    expect(upserts.map((u) => u.occurrences.map((o) => o.key))).toEqual([
      ['e:1', 'e:5'],
      ['e:1'],
      ['e:2'],
      ['e:3'],
      ['e:4'],
    ]);
  });

  it('adds to the group’s latest alert while its window lasts, late events included', () => {
    const f = fixture();
    const rule = f.rules.powershell;
    const first = candidate(f, { rule, eventId: 'x', at: T0 });
    const [ref] = groupRefsOf([first]);
    if (!ref) return expect.fail('no group');
    const windows: AlertWindow[] = [
      { ...ref, alertId: 'older', windowEnd: T0 - 20 * MINUTE },
      { ...ref, alertId: 'latest', windowEnd: T0 + 5 * MINUTE },
    ];
    const upserts = planAlertUpserts(
      [
        candidate(f, { rule, eventId: 'late', at: T0 - 30 * MINUTE }),
        first,
        candidate(f, { rule, eventId: 'y', at: T0 + 6 * MINUTE }),
      ],
      windows,
    );
    expect(upserts).toHaveLength(2);
    expect(upserts[0]).toMatchObject({
      op: 'add',
      alertId: 'latest',
      tenantId: 'tenant-a',
      ruleRef: rule.ref,
      groupKey: ref.groupKey,
      occurrences: [{ key: 'e:late' }, { key: 'e:x' }],
    });
    expect(upserts[1]).toMatchObject({
      op: 'open',
      windowEnd: T0 + 16 * MINUTE,
      occurrences: [{ key: 'e:y' }],
    });
  });

  it('counts an occurrence once per rule within a batch, and sorts by event time', () => {
    const f = fixture();
    const rule = f.rules.powershell;
    const upserts = planAlertUpserts(
      [
        candidate(f, { rule, eventId: 'b', at: T0 + 2 * SECOND }),
        candidate(f, { rule, eventId: 'a', at: T0 }),
        candidate(f, { rule, eventId: 'b', at: T0 + 2 * SECOND }),
      ],
      [],
    );
    expect(upserts).toHaveLength(1);
    expect(upserts[0]?.occurrences.map((o) => o.key)).toEqual(['e:a', 'e:b']);
    if (upserts[0]?.op === 'open') expect(upserts[0].alert.count).toBe(2);
  });

  it('uses a rule’s own window, and refuses a window that is not a positive integer', () => {
    const f = fixture();
    const rule = f.rules.powershell;
    const policy = { windowMs: MINUTE, windowByRule: { [rule.ref]: 2 * MINUTE } };
    expect(windowOf(policy, rule.ref)).toBe(2 * MINUTE);
    expect(windowOf(policy, f.rules.lsass.ref)).toBe(MINUTE);
    const upserts = planAlertUpserts(
      [
        candidate(f, { rule, eventId: 'a', at: T0 }),
        candidate(f, { rule, eventId: 'b', at: T0 + 90 * SECOND }),
        candidate(f, { rule: f.rules.lsass, eventId: 'a', at: T0 }),
        candidate(f, { rule: f.rules.lsass, eventId: 'b', at: T0 + 90 * SECOND }),
      ],
      [],
      policy,
    );
    expect(upserts.map((u) => u.occurrences.length)).toEqual([2, 1, 1]);
    expect(() => windowOf({ windowMs: 0 }, 'r')).toThrow(
      expect.objectContaining({ code: 'DETECTION_ALERT_INVALID_REQUEST' }),
    );
    expect(() => windowOf({ windowMs: 1.5 }, 'r')).toThrow(
      expect.objectContaining({ code: 'DETECTION_ALERT_INVALID_REQUEST' }),
    );
  });

  it('plans nothing for nothing', () => {
    expect(planAlertUpserts([], [])).toEqual([]);
  });
});
