/** Helpers for the alert tests: real compiled rules, and candidates built from their matches. */
import { createManualClock } from '../../platform/clock/index.ts';
import type { ManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import { createDetectionEngine } from '../engine/detection-engine.ts';
import type { ActiveRule } from '../engine/detection-engine.ts';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { createCorrelationEngine, parseCorrelationRule } from '../sigma/correlation/index.ts';
import { readField, toFieldPath } from '../sigma/event-fields.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import type { AlertCandidate } from './alert.ts';
import { alertFromCorrelation, alertFromMatch, correlationOriginOf } from './alert-candidates.ts';

export const SECOND = 1_000;
export const MINUTE = 60_000;
/** 2026-03-10T09:00:00Z: event times in the tests start here. */
export const T0 = Date.UTC(2026, 2, 10, 9);

/** Three rules as they load: an execution rule (high), a credential-access one (low) and a bare one. */
export const RULES_YAML = `
title: Encoded PowerShell command
id: 0b7f6b1e-4a51-4c55-9f1e-6d1a3c0e2a01
author: Jane Doe (ClayTom)
level: high
tags:
  - attack.execution
  - attack.t1059.001
  - attack.defense-evasion
  - attack.t1027
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: ' -enc '
  condition: selection
---
title: LSASS access
id: 0b7f6b1e-4a51-4c55-9f1e-6d1a3c0e2a02
author: John Roe
level: low
tags:
  - attack.credential_access
  - attack.t1003.001
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: 'lsass'
  condition: selection
---
title: Whoami
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: 'whoami'
  condition: selection
`;

export interface Fixture {
  readonly clock: ManualClock;
  readonly ids: IdGenerator;
  /** By title word: `powershell`, `lsass`, `whoami`. */
  readonly rules: {
    readonly powershell: ActiveRule;
    readonly lsass: ActiveRule;
    readonly whoami: ActiveRule;
  };
}

export function fixture(): Fixture {
  const load = loadRuleSources([{ file: 'rules/test.yml', text: RULES_YAML }], {
    placeholders: new Map(),
  });
  if (load.problems.length > 0) throw new Error(JSON.stringify(load.problems));
  const engine = createDetectionEngine({ rules: load.rules, mappings: loadMappings() });
  const [powershell, lsass, whoami] = engine.rules;
  if (!powershell || !lsass || !whoami) throw new Error('the rules did not load');
  const clock = createManualClock(T0 + MINUTE);
  return { clock, ids: createIdGenerator(clock), rules: { powershell, lsass, whoami } };
}

/** An ECS event on `host` by `user`. */
export function event(
  host: string | undefined,
  user: string | undefined,
  sourceIp?: string,
): unknown {
  return {
    ...(host !== undefined ? { host: { name: host } } : {}),
    ...(user !== undefined ? { user: { name: user } } : {}),
    ...(sourceIp !== undefined ? { source: { ip: sourceIp } } : {}),
  };
}

export interface Firing {
  readonly rule: ActiveRule;
  readonly eventId: string;
  /** Event time. */
  readonly at: number;
  readonly host?: string;
  readonly user?: string;
  readonly tenantId?: string;
  /** `source.ip` of the event (an observable). */
  readonly sourceIp?: string;
}

/** A candidate for one match (processing time: the fixture's clock, which ticks a millisecond). */
export function candidate(f: Fixture, firing: Firing): AlertCandidate {
  f.clock.advance(1);
  return alertFromMatch(
    {
      tenantId: firing.tenantId ?? 'tenant-a',
      rule: firing.rule,
      eventId: firing.eventId,
      timestamp: firing.at,
      doc: event(firing.host ?? 'wks-1', firing.user ?? 'alice', firing.sourceIp),
    },
    { ids: f.ids, now: f.clock.now() },
  );
}

/** Two or more logins that failed on one host within five minutes (a real correlation match). */
export const FAILED_LOGINS_YAML = `
title: Repeated failed logins on a host
id: 0b7f6b1e-4a51-4c55-9f1e-6d1a3c0e2a10
author: Jane Doe (ClayTom)
level: critical
tags:
  - attack.credential-access
  - attack.t1110.001
correlation:
  type: event_count
  rules:
    - failed_login
  group-by:
    - host.name
  timespan: 5m
  condition:
    gte: 2
`;

/** A correlation candidate: two failed logins on `host` at `at` and a second later. */
export function correlationCandidate(
  f: Fixture,
  options: { readonly at: number; readonly host?: string; readonly tenantId?: string },
): AlertCandidate {
  const load = loadRuleSources([{ file: 'rules/logins.yml', text: FAILED_LOGINS_YAML }], {
    placeholders: new Map(),
  });
  const [document] = load.correlations;
  if (!document) throw new Error('the correlation did not load');
  const parsed = parseCorrelationRule(document.document.value as Record<string, unknown>);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const engine = createCorrelationEngine({
    rules: [parsed.rule],
    readField: (doc, field) => readField(doc, toFieldPath(field)),
  });
  const host = options.host ?? 'dc-1';
  const matches = [0, SECOND].flatMap((offset) =>
    engine.observe({
      rule: { name: 'failed_login' },
      eventId: `login-${host}-${String(options.at + offset)}`,
      timestamp: options.at + offset,
      doc: { host: { name: host } },
    }),
  );
  const [match] = matches;
  if (!match) throw new Error('the correlation did not match');
  f.clock.advance(1);
  return alertFromCorrelation(
    { tenantId: options.tenantId ?? 'tenant-a', match, origin: correlationOriginOf(document) },
    { ids: f.ids, now: f.clock.now() },
  );
}
