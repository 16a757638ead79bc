import { describe, expect, it } from 'vitest';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { UNSUPPORTED_FEATURES } from '../sigma/unsupported-features.ts';
import { checkRuleSet } from './rule-check.ts';
import { compileRuleSet } from './rule-set.ts';

const mappings = loadMappings();

function rule(
  title: string,
  extra = '',
  logsource = '{ product: windows, category: process_creation }',
) {
  return `title: ${title}
author: Rule Set Test
${extra}logsource: ${logsource}
detection:
  selection:
    Image|endswith: '\\x.exe'
  condition: selection
`;
}

function correlation(title: string, body: string): string {
  return `title: ${title}
correlation:
${body}`;
}

describe('compileRuleSet', () => {
  it('loads the good rules and locates every bad one by file and line', () => {
    const set = compileRuleSet(
      [
        { file: 'a/good.yml', text: rule('Good', 'id: 00000000-0000-4000-8000-000000000001\n') },
        {
          file: 'a/bad-modifier.yml',
          text: rule('Bad').replace('Image|endswith', 'Image|sideways'),
        },
        {
          file: 'a/placeholder.yml',
          text: rule('Placeholder').replace(
            "Image|endswith: '\\x.exe'",
            "Image|expand: '%Admins%'",
          ),
        },
        { file: 'a/not-yaml.yml', text: 'title: [unclosed\n' },
      ],
      { mappings },
    );
    expect(set.rules.map((r) => r.rule.meta.title)).toEqual(['Good']);
    expect(set.engine.rules).toHaveLength(1);
    expect(set.problems).toEqual([
      expect.objectContaining({ file: 'a/bad-modifier.yml', line: 6, kind: 'invalid' }),
      expect.objectContaining({ file: 'a/not-yaml.yml', line: 2, kind: 'invalid' }),
      expect.objectContaining({
        file: 'a/placeholder.yml',
        line: 6,
        kind: 'unsupported',
        feature: 'placeholder',
      }),
    ]);
  });

  it('loads correlation rules and reports the bad ones, the engine’s refusals and dangling references', () => {
    const base = rule('Base', 'name: base_rule\n');
    const set = compileRuleSet(
      [
        { file: 'base.yml', text: base },
        {
          file: 'corr.yml',
          text: [
            correlation(
              'Good Count',
              '  type: event_count\n  rules: [base_rule]\n  group-by: [User]\n  timespan: 5m\n  condition: { gte: 3 }\n',
            ),
            correlation(
              'Bad Timespan',
              '  type: event_count\n  rules: [base_rule]\n  timespan: soon\n  condition: { gte: 3 }\n',
            ),
            correlation(
              'Minimum',
              '  type: value_min\n  rules: [base_rule]\n  timespan: 5m\n  condition: { field: X, gte: 3 }\n',
            ),
            correlation(
              'Dangling',
              '  type: event_count\n  rules: [no_such_rule]\n  timespan: 5m\n  condition: { gte: 1 }\n',
            ),
            `name: loop_a\n${correlation('Loop A', '  type: event_count\n  rules: [loop_b]\n  timespan: 5m\n  condition: { gte: 1 }\n')}`,
            `name: loop_b\n${correlation('Loop B', '  type: event_count\n  rules: [loop_a]\n  timespan: 5m\n  condition: { gte: 1 }\n')}`,
          ].join('---\n'),
        },
      ],
      { mappings },
    );
    expect(set.correlations.map((c) => c.rule.title)).toEqual(['Good Count', 'Dangling', 'Loop A']);
    expect(set.correlations[0]).toMatchObject({ file: 'corr.yml', line: 1 });
    expect(set.problems).toEqual([
      expect.objectContaining({
        file: 'corr.yml',
        line: 13,
        kind: 'invalid',
        title: 'Bad Timespan',
      }),
      expect.objectContaining({ file: 'corr.yml', kind: 'unsupported', feature: 'value_min' }),
      expect.objectContaining({
        file: 'corr.yml',
        kind: 'invalid',
        title: 'Loop B',
        message: expect.stringContaining('cycle') as unknown,
      }),
    ]);
    expect(set.warnings).toEqual([
      expect.objectContaining({
        file: 'corr.yml',
        message: expect.stringContaining("references 'no_such_rule'") as unknown,
      }),
      // Loop B did not load, so Loop A waits for nothing.
      expect.objectContaining({ message: expect.stringContaining("'loop_b'") as unknown }),
    ]);
  });

  it('warns about two rules sharing an id and lists the rules on the generic fallback', () => {
    const id = 'id: 00000000-0000-4000-8000-0000000000aa\n';
    const set = compileRuleSet(
      [
        { file: 'one.yml', text: rule('One', id) },
        { file: 'two.yml', text: rule('Two', id, '{ product: zeek, service: smb_files }') },
      ],
      { mappings },
    );
    expect(set.warnings).toEqual([
      expect.objectContaining({
        file: 'two.yml',
        message: expect.stringContaining('one.yml:1') as unknown,
      }),
    ]);
    expect(set.fallbacks).toEqual([
      {
        file: 'two.yml',
        line: 1,
        title: 'Two',
        logsource: expect.stringContaining('zeek') as unknown,
      },
    ]);
  });
});

describe('checkRuleSet', () => {
  it('counts supported, unsupported by feature with its reason, invalid and fallbacks', () => {
    const placeholder = (title: string) =>
      rule(title).replace("Image|endswith: '\\x.exe'", "Image|expand: '%Admins%'");
    const report = checkRuleSet(
      compileRuleSet(
        [
          { file: '1.yml', text: rule('Good') },
          { file: '2.yml', text: rule('Zeek', '', '{ product: zeek, service: dns }') },
          { file: '3.yml', text: placeholder('P1') },
          { file: '4.yml', text: placeholder('P2') },
          {
            file: '5.yml',
            text: rule('Bad').replace('condition: selection', 'condition: nothing'),
          },
        ],
        { mappings },
      ),
    );
    expect(report).toMatchObject({
      files: 5,
      supported: 2,
      detectionRules: 2,
      correlationRules: 0,
      unsupported: 2,
      unsupportedByFeature: [
        {
          feature: 'placeholder',
          reason: UNSUPPORTED_FEATURES.placeholder,
          count: 2,
          rules: [{ file: '3.yml' }, { file: '4.yml' }],
        },
      ],
      invalid: [{ file: '5.yml', line: 7 }],
      fallback: { rules: 1, logsources: [{ rules: 1 }] },
    });
  });

  it('leaves disabled rules and correlations out of the engine, and warns about references to them', () => {
    const base = rule('Base', 'id: 00000000-0000-4000-8000-0000000000b1\nname: base_rule\n');
    const count = (title: string, extra: string) =>
      `${extra}${correlation(title, '  type: event_count\n  rules: [base_rule]\n  timespan: 5m\n  condition: { gte: 3 }\n')}`;
    const sources = [
      { file: 'base.yml', text: base },
      { file: 'other.yml', text: rule('Other') },
      {
        file: 'corr.yml',
        text: [
          count(
            'Count',
            'id: 00000000-0000-4000-8000-0000000000c1\nname: count_rule\nstatus: test\ntags: [attack.t1110]\n',
          ),
          count('Outer', 'name: outer\n').replace('[base_rule]', '[count_rule]'),
        ].join('---\n'),
      },
    ];
    const all = compileRuleSet(sources, { mappings });
    expect(all.correlations[0]).toMatchObject({ status: 'test', tags: ['attack.t1110'] });
    expect(all.disabledRules).toEqual([]);

    const set = compileRuleSet(sources, {
      mappings,
      disabled: new Set([
        '00000000-0000-4000-8000-0000000000b1',
        'other.yml:1',
        '00000000-0000-4000-8000-0000000000c1',
      ]),
    });
    expect(set.engine.rules).toEqual([]);
    expect(set.rules).toEqual([]);
    expect(set.disabledRules.map((r) => r.rule.meta.title)).toEqual(['Base', 'Other']);
    expect(set.disabledCorrelations.map((c) => c.rule.title)).toEqual(['Count']);
    expect(set.correlations.map((c) => c.rule.title)).toEqual(['Outer']);
    expect(set.problems).toEqual([]);
    expect(set.warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          "references 'count_rule', which did not load (disabled)",
        ) as unknown,
      }),
    ]);
  });
});
