import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import { createDetectionEngine } from '../engine/detection-engine.ts';
import { fixtureEvent } from '../mappings/test-fixtures.ts';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { createCorrelationEngine, parseCorrelationRule } from '../sigma/correlation/index.ts';
import { FAILED_LOGINS_THEN_SUCCESS } from '../sigma/correlation/spec-examples.ts';
import { readField, toFieldPath } from '../sigma/event-fields.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import { addOccurrences, emptied, MAX_ALERT_EVENT_IDS, severityOf, severityRank } from './alert.ts';
import type { Alert } from './alert.ts';
import { alertFromCorrelation, alertFromMatch, correlationOriginOf } from './alert-candidates.ts';
import { groupKeyOf } from './grouping.ts';
import { candidate, fixture, MINUTE, T0 } from './test-fixtures.ts';

describe('severity', () => {
  it('maps each Sigma level, informational to info, and no level to medium', () => {
    expect(
      ['informational', 'low', 'medium', 'high', 'critical'].map((level) => severityOf(level)),
    ).toEqual(['info', 'low', 'medium', 'high', 'critical']);
    expect(severityOf(undefined)).toBe('medium');
    expect(severityOf(null)).toBe('medium');
    expect(severityOf('urgent')).toBe('medium');
    expect(severityRank('info')).toBeLessThan(severityRank('low'));
    expect(severityRank('high')).toBeLessThan(severityRank('critical'));
  });
});

describe('alertFromMatch', () => {
  it('makes a new alert of one match, with the rule, its ATT&CK tags and the group', () => {
    const f = fixture();
    const { alert, occurrence } = candidate(f, {
      rule: f.rules.powershell,
      eventId: 'ev-1',
      at: T0,
      host: 'WKS-1',
      user: 'alice',
    });
    expect(alert).toMatchObject({
      tenantId: 'tenant-a',
      kind: 'match',
      state: 'new',
      ruleRef: '0b7f6b1e-4a51-4c55-9f1e-6d1a3c0e2a01',
      ruleTitle: 'Encoded PowerShell command',
      ruleAuthor: 'Jane Doe (ClayTom)',
      ruleFile: 'rules/test.yml',
      ruleLine: 2,
      level: 'high',
      severity: 'high',
      tactics: [
        { id: 'TA0002', name: 'Execution' },
        { id: 'TA0005', name: 'Stealth' },
      ],
      techniques: ['T1059.001', 'T1027'],
      groupBy: { 'host.name': 'WKS-1', 'user.name': 'alice' },
      host: 'WKS-1',
      eventIds: ['ev-1'],
      eventCount: 1,
      count: 1,
      firstSeen: T0,
      lastSeen: T0,
      createdAt: f.clock.now(),
      updatedAt: f.clock.now(),
    });
    expect(alert.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(alert.groupKey).toBe(groupKeyOf({ 'host.name': 'WKS-1', 'user.name': 'alice' }));
    expect(occurrence).toEqual({
      key: 'e:ev-1',
      eventIds: ['ev-1'],
      firstSeen: T0,
      lastSeen: T0,
      observables: [],
    });
  });

  it('groups by null where the event lacks a field, and by per-logsource fields when told', () => {
    const f = fixture();
    const rule = f.rules.whoami;
    const bare = alertFromMatch(
      { tenantId: 't', rule, eventId: 'e', timestamp: T0, doc: { user: { name: 'bob' } } },
      { ids: f.ids, now: T0 },
    ).alert;
    expect(bare).toMatchObject({
      groupBy: { 'host.name': null, 'user.name': 'bob' },
      host: null,
      ruleAuthor: null,
      level: null,
      severity: 'medium',
      tactics: [],
      techniques: [],
    });
    expect(bare.ruleRef).toMatch(/^rules\/test\.yml:\d+$/);
    const own = alertFromMatch(
      {
        tenantId: 't',
        rule,
        eventId: 'e',
        timestamp: T0,
        doc: { host: { hostname: 'srv' }, process: { parent: { name: 'cmd.exe' } } },
      },
      {
        ids: f.ids,
        now: T0,
        grouping: {
          fields: ['host.name'],
          byLogsource: { [rule.logsource]: ['process.parent.name'] },
        },
      },
    ).alert;
    expect(own.groupBy).toEqual({ 'process.parent.name': 'cmd.exe' });
    expect(own.host).toBe('srv');
  });
});

// A SigmaHQ rule matching a Sysmon event as winlogbeat ships it: the alert credits the authors.
const corpus = requireOrSkip('SigmaHQ rule corpus', sharedTestdata('sigma/rules'));

describe.skipIf(corpus === undefined)('an alert from a SigmaHQ rule on a real event', () => {
  it('names the rule, its authors and the host and user of the event', () => {
    const file =
      'rules/windows/process_creation/proc_creation_win_powershell_base64_encoded_cmd.yml';
    const load = loadRuleSources([{ file, text: readFileSync(join(corpus ?? '', file), 'utf8') }], {
      placeholders: new Map(),
    });
    const engine = createDetectionEngine({ rules: load.rules, mappings: loadMappings() });
    const doc = fixtureEvent('winlogbeat-sysmon-1.json');
    const [rule] = engine.match(doc);
    expect(rule).toBeDefined();
    if (!rule) return;
    const f = fixture();
    const { alert } = alertFromMatch(
      {
        tenantId: 'default',
        rule,
        eventId: 'sysmon-1',
        timestamp: Date.parse('2024-03-05T10:00:14.324Z'),
        doc,
      },
      { ids: f.ids, now: f.clock.now() },
    );
    expect(alert).toMatchObject({
      ruleRef: 'ca2092a1-c273-4878-9b4b-0d60115bf5ea',
      ruleAuthor: expect.stringContaining('Florian Roth (Nextron Systems)') as unknown,
      ruleFile: file,
      severity: 'high',
      tactics: [{ id: 'TA0002', name: 'Execution' }],
      techniques: ['T1059.001'],
      groupBy: { 'host.name': 'wks-042', 'user.name': 'jsmith' },
      host: 'wks-042',
    });
  });
});

describe('alertFromCorrelation', () => {
  it('makes an alert of a correlation match, with the author and tags of its document', () => {
    const text = FAILED_LOGINS_THEN_SUCCESS.replace(
      'level: high',
      'level: critical\ntags:\n    - attack.credential-access\n    - attack.t1110',
    );
    const load = loadRuleSources([{ file: 'rules/logins.yml', text }], { placeholders: new Map() });
    const documents = load.correlations;
    const parsed = documents.map((d) =>
      parseCorrelationRule(d.document.value as Record<string, unknown>),
    );
    const rules = parsed.flatMap((p) => (p.ok ? [p.rule] : []));
    expect(rules).toHaveLength(2);
    const engine = createCorrelationEngine({
      rules,
      readField: (doc, field) => readField(doc, toFieldPath(field)),
    });
    const matches = [
      ...Array.from({ length: 10 }, (_, i) =>
        engine.observe({
          rule: { name: 'failed_login' },
          eventId: `fail-${String(i)}`,
          timestamp: T0 + i * 1000,
          doc: { User: 'carol' },
        }),
      ),
      engine.observe({
        rule: { name: 'successful_login' },
        eventId: 'ok',
        timestamp: T0 + MINUTE,
        doc: { User: 'carol' },
      }),
    ].flat();
    const outer = matches.find((m) => m.rule.id === 'b180ead8-d58f-40b2-ae54-c8940995b9b6');
    expect(outer).toBeDefined();
    if (!outer) return;
    const document = documents.find((d) => d.line === 2) ?? documents[0];
    if (!document) return;
    const f = fixture();
    const { alert, occurrence } = alertFromCorrelation(
      { tenantId: 'tenant-a', match: outer, origin: correlationOriginOf(document) },
      { ids: f.ids, now: f.clock.now(), grouping: { fields: [], hostFields: ['User'] } },
    );
    expect(alert).toMatchObject({
      kind: 'correlation',
      ruleRef: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
      ruleTitle: 'Correlation - Multiple Failed Logins Followed by Successful Login',
      ruleAuthor: 'Florian Roth (Nextron Systems)',
      ruleFile: 'rules/logins.yml',
      level: 'critical',
      severity: 'critical',
      tactics: [{ id: 'TA0006', name: 'Credential Access' }],
      techniques: ['T1110'],
      groupBy: { User: 'carol' },
      host: 'carol',
      count: 1,
      firstSeen: T0,
      lastSeen: T0 + MINUTE,
    });
    expect(alert.eventIds).toEqual(outer.eventIds);
    expect(occurrence.key).toMatch(/^c:[0-9a-f]{64}$/);
    // The same match again has the same key: a replay is recognised.
    expect(
      alertFromCorrelation(
        { tenantId: 'tenant-a', match: outer, origin: correlationOriginOf(document) },
        { ids: f.ids, now: f.clock.now() },
      ).occurrence.key,
    ).toBe(occurrence.key);
  });
});

describe('addOccurrences', () => {
  const base = (): Alert => {
    const f = fixture();
    return candidate(f, { rule: f.rules.powershell, eventId: 'e0', at: T0 }).alert;
  };

  it('counts, widens the seen times and keeps new event ids up to the cap', () => {
    const alert = base();
    const next = addOccurrences(
      alert,
      [
        { key: 'e:e1', eventIds: ['e1'], firstSeen: T0 - 5, lastSeen: T0 - 5 },
        { key: 'c:x', eventIds: ['e0', 'e2', 'e3'], firstSeen: T0 + 1, lastSeen: T0 + 9 },
      ],
      alert.updatedAt + 7,
      3,
    );
    expect(next).toMatchObject({
      count: 3,
      eventCount: 5,
      eventIds: ['e0', 'e1', 'e2'],
      firstSeen: T0 - 5,
      lastSeen: T0 + 9,
      updatedAt: alert.updatedAt + 7,
    });
    expect(addOccurrences(alert, [], 0)).toBe(alert);
  });

  it('starts the seen times afresh on an emptied alert, and caps at 100 by default', () => {
    const occurrences = Array.from({ length: 150 }, (_, i) => ({
      key: `e:${String(i)}`,
      eventIds: [String(i)],
      firstSeen: T0 + MINUTE + i,
      lastSeen: T0 + MINUTE + i,
    }));
    const next = addOccurrences(emptied(base()), occurrences, 0);
    expect(next.count).toBe(150);
    expect(next.eventCount).toBe(150);
    expect(next.eventIds).toHaveLength(MAX_ALERT_EVENT_IDS);
    expect(next.eventIds[0]).toBe('0');
    expect(next.firstSeen).toBe(T0 + MINUTE);
    expect(next.lastSeen).toBe(T0 + MINUTE + 149);
  });
});
