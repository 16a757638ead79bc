import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { parseRecord } from '../../../siem/index.ts';
import type { EcsDocument, RawRecord } from '../../../siem/index.ts';
import { createDetectionEngine, loadMappings, loadRuleSources } from '../../index.ts';
import type { ActiveRule } from '../../index.ts';
import { matchesFilter } from '../../mappings/logsource-mapping.ts';
import {
  createCorrelationEngine,
  isStandaloneSuppressed,
  parseCorrelationRule,
} from '../../sigma/correlation/index.ts';
import type { CorrelationMatch, CorrelationRule, RuleRef } from '../../sigma/correlation/index.ts';

// The starter pack proven against what ingest stores: every test event is a raw shipper record
// run through our parsers, matched by the engine with the shipped mappings.

const RULES_DIR = new URL('./rules/', import.meta.url);
const TESTS_DIR = new URL('./tests/', import.meta.url);
/** Far from every test event's own time: an event stamped with it carried no time of its own. */
const RECEIVED_AT = Date.UTC(2030, 0, 1);
/** Rules whose logsource the mappings do not declare (they would run on the generic fallback). */
const KNOWN_FALLBACK_LOGSOURCES: string[] = [];

type JsonValue = Extract<RawRecord, { kind: 'json' }>['value'];
type JsonObject = Extract<JsonValue, Record<string, unknown>>;

const jsonObject = z.custom<JsonObject>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected a mapping',
);
const recordCase = z.strictObject({
  description: z.string().min(1),
  record: z.custom<JsonValue>((value) => value !== undefined, 'expected a record'),
});
const sequence = z.strictObject({
  description: z.string().min(1),
  /** A raw record; each event is a copy with the listed dotted paths set. */
  template: jsonObject,
  events: z.array(jsonObject).min(1),
});
const testFile = z.strictObject({
  positive: z.array(recordCase).min(1),
  negative: z.array(recordCase).min(1),
  correlations: z
    .record(
      z.string(),
      z.strictObject({ positive: z.array(sequence).min(1), negative: z.array(sequence).min(1) }),
    )
    .optional(),
});
type TestFile = z.infer<typeof testFile>;
type Sequence = z.infer<typeof sequence>;

const yamlFiles = (dir: URL): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort();

const ruleFiles = yamlFiles(RULES_DIR);
const sources = ruleFiles.map((file) => ({
  file,
  text: readFileSync(new URL(file, RULES_DIR), 'utf8'),
}));
const load = loadRuleSources(sources, { placeholders: new Map() });
const mappings = loadMappings();
const engine = createDetectionEngine({ rules: load.rules, mappings });
const parsedCorrelations = load.correlations.map((doc) => ({
  file: doc.file,
  line: doc.line,
  result: parseCorrelationRule(doc.document.value as Record<string, unknown>),
}));
const correlationRules: CorrelationRule[] = parsedCorrelations.flatMap(({ result }) =>
  result.ok ? [result.rule] : [],
);

function readTests(file: string): TestFile {
  return testFile.parse(parse(readFileSync(new URL(file, TESTS_DIR), 'utf8')));
}

/** The events ingest stores for a raw record; fails unless it is exactly one, with its own time. */
function ingest(value: JsonValue): EcsDocument {
  const result = parseRecord({ kind: 'json', value }, 'auto', { receivedAt: RECEIVED_AT });
  if (!result.ok) return expect.fail(`parse failed: ${result.error.message}`);
  expect(result.events).toHaveLength(1);
  const [event] = result.events;
  if (event === undefined) return expect.fail('no event');
  expect(event['@timestamp'], 'the record carries no time of its own').not.toBe(
    new Date(RECEIVED_AT).toISOString(),
  );
  return event;
}

function detectionRuleOf(file: string): ActiveRule {
  const rules = engine.rules.filter((rule) => rule.file === file);
  expect(rules, `${file} holds one detection rule`).toHaveLength(1);
  const [rule] = rules;
  if (rule === undefined) return expect.fail(`${file}: no detection rule`);
  return rule;
}

function baseRule(ref: RuleRef): ActiveRule {
  const rule = engine.rules.find(
    (candidate) =>
      (ref.id !== undefined && candidate.meta.id === ref.id) ||
      (ref.name !== undefined && candidate.meta.name === ref.name),
  );
  if (rule === undefined) throw new Error(`no base rule ${JSON.stringify(ref)}`);
  return rule;
}

/** A copy of `template` with each dotted path of `fields` set; the path's parent must exist. */
function withFields(template: JsonObject, fields: JsonObject): JsonObject {
  const copy = structuredClone(template);
  for (const [path, value] of Object.entries(fields)) {
    const keys = path.split('.');
    const last = keys.pop();
    let target: JsonValue = copy;
    for (const key of keys) {
      const next: JsonValue | undefined = isObject(target) ? target[key] : undefined;
      if (!isObject(next)) throw new Error(`template has no object at ${key} of ${path}`);
      target = next;
    }
    if (last === undefined || !isObject(target)) throw new Error(`cannot set ${path}`);
    target[last] = value;
  }
  return copy;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs a sequence through the detection engine and feeds every base match, at its event's time,
 * to a correlation engine over the pack's correlations; then flushes past the last event.
 */
function correlate(seq: Sequence): CorrelationMatch[] {
  const correlations = createCorrelationEngine({
    rules: correlationRules,
    readField: (doc, field, base) => baseRule(base).readField(doc, field),
  });
  const found: CorrelationMatch[] = [];
  let latest = 0;
  seq.events.forEach((fields, index) => {
    const event = ingest(withFields(seq.template, fields));
    const stamp = event['@timestamp'];
    if (typeof stamp !== 'string') return expect.fail('an event without @timestamp');
    const timestamp = Date.parse(stamp);
    latest = Math.max(latest, timestamp);
    for (const rule of engine.match(event)) {
      const ref = { id: rule.meta.id, name: rule.meta.name };
      found.push(
        ...correlations.observe({ rule: ref, eventId: `event-${index}`, timestamp, doc: event }),
      );
    }
  });
  const longest = Math.max(...correlationRules.map((rule) => rule.timespanMs));
  found.push(...correlations.flush(latest + longest + 1));
  return found;
}

const TACTICS = new Set([
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

/** What the pack requires of every rule document beyond what loads: the metadata reviewers read. */
function metadataIssues(doc: Record<string, unknown>): string[] {
  const issues: string[] = [];
  const text = (key: string) => {
    const value = doc[key];
    return typeof value === 'string' && value.trim() !== '';
  };
  const list = (key: string) => {
    const value = doc[key];
    return (
      Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')
    );
  };
  for (const key of ['title', 'name', 'description']) if (!text(key)) issues.push(`no ${key}`);
  if (typeof doc.id !== 'string' || !UUID.test(doc.id)) issues.push('id is not a UUID v4');
  if (doc.status !== 'experimental') issues.push('status is not experimental');
  if (doc.author !== 'ClayTom SecOps') issues.push('author is not ClayTom SecOps');
  if (typeof doc.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(doc.date))
    issues.push('date is not YYYY-MM-DD');
  if (typeof doc.level !== 'string' || !LEVELS.has(doc.level)) issues.push('no valid level');
  for (const key of ['references', 'falsepositives', 'tags'])
    if (!list(key)) issues.push(`no ${key} list`);
  const tags = Array.isArray(doc.tags) ? doc.tags.map(String) : [];
  if (!tags.some((tag) => TACTICS.has(tag.replace(/^attack\./, '')) && tag.startsWith('attack.')))
    issues.push('no ATT&CK tactic tag');
  if (!tags.some((tag) => /^attack\.t\d{4}(\.\d{3})?$/.test(tag)))
    issues.push('no ATT&CK technique tag');
  if (!('correlation' in doc) && !('logsource' in doc)) issues.push('no logsource');
  return issues;
}

describe('starter pack', () => {
  it('loads every rule and correlation without a problem', () => {
    expect(load.problems).toEqual([]);
    expect(parsedCorrelations.filter(({ result }) => !result.ok)).toEqual([]);
    expect(load.rules.length).toBeGreaterThan(0);
  });

  it('gives every rule the metadata the pack requires, with unique ids and names', () => {
    const issues: string[] = [];
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const source of sources) {
      for (const doc of parseAllDocuments(source.text)) {
        const value = doc.toJS() as Record<string, unknown>;
        const label = `${source.file}: ${String(value.title)}`;
        for (const issue of metadataIssues(value)) issues.push(`${label}: ${issue}`);
        for (const [key, seen] of [
          ['id', ids],
          ['name', names],
        ] as const) {
          const ref = String(value[key]);
          if (seen.has(ref)) issues.push(`${label}: ${key} ${ref} is used twice`);
          seen.add(ref);
        }
      }
    }
    expect(issues).toEqual([]);
  });

  it('runs every detection rule on a declared log source, except the known gaps', () => {
    const fallback = engine.rules
      .filter((rule) => mappings.resolve(rule.meta.logsource).fallback)
      .map((rule) => `${rule.file}: ${rule.logsource}`);
    expect(fallback).toEqual(KNOWN_FALLBACK_LOGSOURCES);
  });

  it('keeps the base rules of correlations quiet on their own', () => {
    const quiet = engine.rules
      .filter((rule) => isStandaloneSuppressed(rule.meta, correlationRules))
      .map((rule) => rule.meta.name);
    expect(quiet).toEqual(['claytom_secret_read', 'win_failed_logon_network']);
  });

  it('has a test file for every rule file, and no test file without one', () => {
    expect(yamlFiles(TESTS_DIR)).toEqual(ruleFiles);
  });

  it('tests every correlation with sequences that fire and sequences that do not', () => {
    const tested = ruleFiles.flatMap((file) => Object.keys(readTests(file).correlations ?? {}));
    expect(tested.sort()).toEqual(correlationRules.map((rule) => rule.name).sort());
  });
});

describe.each(ruleFiles)('%s', (file) => {
  const tests = readTests(file);

  it.each(tests.positive)('matches: $description', ({ record }) => {
    const rule = detectionRuleOf(file);
    const matched = engine.match(ingest(record)).map((match) => match.ref);
    expect(matched).toContain(rule.ref);
  });

  it.each(tests.negative)('does not match: $description', ({ record }) => {
    const rule = detectionRuleOf(file);
    const event = ingest(record);
    // A near miss: an event of the rule's own log source.
    expect(matchesFilter(mappings.resolve(rule.meta.logsource).filter, event)).toBe(true);
    expect(engine.match(event).map((match) => match.ref)).not.toContain(rule.ref);
  });

  const sequences = Object.entries(tests.correlations ?? {}).flatMap(([name, cases]) => [
    ...cases.positive.map((seq) => ({ name, seq, fires: true, verdict: 'fires' })),
    ...cases.negative.map((seq) => ({ name, seq, fires: false, verdict: 'stays quiet' })),
  ]);
  if (sequences.length > 0) {
    it.each(sequences)('$name $verdict: $seq.description', ({ name, seq, fires }) => {
      expect(correlationRules.map((rule) => rule.name)).toContain(name);
      const matches = correlate(seq).filter((match) => match.rule.name === name);
      if (fires) expect(matches.length).toBeGreaterThan(0);
      else expect(matches).toEqual([]);
    });
  }
});
