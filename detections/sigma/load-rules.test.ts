import { describe, expect, it } from 'vitest';
import { evaluate } from './detection-tree.ts';
import { readField, toFieldPath } from './event-fields.ts';
import { loadRuleSources } from './load-rules.ts';
import type { RuleLoad } from './load-rules.ts';

const options = { placeholders: new Map<string, string[]>() };

function load(text: string, file = 'rules/test.yml'): RuleLoad {
  return loadRuleSources([{ file, text }], options);
}

function rule(detection: string): string {
  return `title: Test rule
id: 5f1c3a52-2a3b-4c8e-9a0e-0d6f1b2c3d4e
author: ClayTom
level: high
tags: [attack.execution, attack.t1059.001]
logsource:
  product: windows
  category: process_creation
detection:
${detection}
`;
}

function matcher(detection: string): (event: Record<string, unknown>) => boolean {
  const loaded = load(rule(detection));
  expect(loaded.problems).toEqual([]);
  const compiled = loaded.rules[0]?.rule;
  if (!compiled) throw new Error('no rule');
  return (event) =>
    evaluate(compiled.detection, {
      read: (field) => readField(event, toFieldPath(field)),
      leaves: () => Object.values(event).map(String),
      lower: (text) => text.toLowerCase(),
    });
}

describe('conditions', () => {
  const selections = `  sel_a:
    A: 1
  sel_b:
    B: 1
  filter_x:
    X: 1
  _hidden:
    H: 1`;

  it.each([
    ['sel_a and sel_b', { A: 1, B: 1 }, true],
    ['sel_a and sel_b', { A: 1 }, false],
    ['sel_a or sel_b', { B: 1 }, true],
    ['sel_a and not filter_x', { A: 1, X: 1 }, false],
    ['sel_a and not filter_x', { A: 1 }, true],
    ['not sel_a and sel_b', { B: 1 }, true],
    ['sel_a or sel_b and filter_x', { A: 1 }, true],
    ['(sel_a or sel_b) and filter_x', { A: 1 }, false],
    ['1 of sel_*', { B: 1 }, true],
    ['all of sel_*', { B: 1 }, false],
    ['all of sel_*', { A: 1, B: 1 }, true],
    ['1 of them', { X: 1 }, true],
    ['1 of them', { H: 1 }, false],
    ['all of them', { A: 1, B: 1, X: 1 }, true],
    ['_hidden', { H: 1 }, true],
    ['sel_a AND NOT 1 OF filter_*', { A: 1 }, true],
    ['not not sel_a', { A: 1 }, true],
  ])('%s on %j → %s', (condition, event, expected) => {
    expect(matcher(`${selections}\n  condition: ${condition}`)(event)).toBe(expected);
  });

  it('a list of maps is any of them; a map is all of its items', () => {
    const match = matcher(`  sel:
    - A: 1
      B: 1
    - C: 1
  condition: sel`);
    expect(match({ A: 1 })).toBe(false);
    expect(match({ A: 1, B: 1 })).toBe(true);
    expect(match({ C: 1 })).toBe(true);
  });

  it.each([
    ['sel and', 'expected a detection name'],
    ['sel or (sel', "expected ')'"],
    ['missing', "'missing', which detection does not define"],
    ['1 of nothing*', 'matches no detection'],
    ['sel sel', 'unexpected input'],
  ])('rejects %s', (condition, message) => {
    const loaded = load(rule(`  sel:\n    A: 1\n  condition: ${condition}`));
    expect(loaded.problems[0]).toMatchObject({ kind: 'invalid', line: 12 });
    expect(loaded.problems[0]?.message).toContain(message);
  });
});

describe('rule files', () => {
  it('keep the metadata alerts need', () => {
    const loaded = load(rule('  sel:\n    A: 1\n  condition: sel'));
    expect(loaded.rules[0]).toMatchObject({
      file: 'rules/test.yml',
      line: 1,
      rule: {
        meta: {
          title: 'Test rule',
          author: 'ClayTom',
          level: 'high',
          tags: ['attack.execution', 'attack.t1059.001'],
          logsource: { product: 'windows', category: 'process_creation' },
        },
        fieldNames: ['A'],
      },
    });
  });

  it('name the file and line of a YAML error and still load the other files', () => {
    const loaded = loadRuleSources(
      [
        { file: 'bad.yml', text: 'title: x\ndetection:\n  sel: [a,\n' },
        { file: 'good.yml', text: rule('  sel:\n    A: 1\n  condition: sel') },
      ],
      options,
    );
    expect(loaded.rules).toHaveLength(1);
    expect(loaded.problems).toEqual([
      expect.objectContaining({ file: 'bad.yml', kind: 'invalid', line: 4 }),
    ]);
    expect(loaded.problems[0]?.message).toMatch(/^YAML: /);
  });

  it('name the line of a bad value and what is wrong with it', () => {
    const loaded = load(
      rule('  sel:\n    Image|endswith: x\n    CommandLine|bogus: y\n  condition: sel'),
    );
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        kind: 'invalid',
        line: 12,
        title: 'Test rule',
        message: "unknown value modifier 'bogus' in 'CommandLine|bogus'",
      }),
    ]);
  });

  it('name missing and wrong metadata fields', () => {
    const loaded = load('logsource: {product: x}\ndetection: {sel: {a: 1}, condition: sel}\n');
    expect(loaded.problems[0]?.message).toContain('title');
    const level = load(
      rule('  sel:\n    A: 1\n  condition: sel').replace('level: high', 'level: severe'),
    );
    expect(level.problems[0]).toMatchObject({ kind: 'invalid', line: 4 });
    expect(level.problems[0]?.message).toContain('level');
  });

  it('report unsupported features by name instead of loading them', () => {
    const v1 = load(rule('  sel:\n    A: 1\n  timeframe: 5m\n  condition: sel | count() > 5'));
    expect(v1.problems[0]).toMatchObject({ kind: 'unsupported', feature: 'timeframe' });
    const collection = load('action: global\ntitle: x\n');
    expect(collection.problems[0]).toMatchObject({ kind: 'unsupported', feature: 'action' });
    const aggregation = load(rule('  sel:\n    A: 1\n  condition: sel | count() > 5'));
    expect(aggregation.problems[0]).toMatchObject({ kind: 'unsupported', feature: 'aggregation' });
  });

  it('split multi-document files and set correlation documents aside', () => {
    const loaded = load(
      `${rule('  sel:\n    A: 1\n  condition: sel')}---\ntitle: Many\ncorrelation:\n  type: event_count\n  rules: [x]\n  timespan: 5m\n  condition: {gte: 5}\n`,
    );
    expect(loaded.rules).toHaveLength(1);
    expect(loaded.correlations).toHaveLength(1);
    expect(loaded.correlations[0]?.line).toBe(14);
  });
});
