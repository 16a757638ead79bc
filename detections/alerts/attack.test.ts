import { describe, expect, it } from 'vitest';
import { sigmaCorpus } from '../../test/support/sigma-corpus.ts';
import { attackOf, ENTERPRISE_TACTICS, toTactic, toTechnique } from './attack.ts';

describe('ATT&CK from Sigma tags', () => {
  it('maps technique and tactic tags, each once, tactics in matrix order', () => {
    expect(
      attackOf([
        'attack.t1059.001',
        'attack.stealth',
        'attack.execution',
        'attack.T1027',
        'attack.t1059.001',
        'attack.g0016',
        'attack.s0002',
        'cve.2021-44228',
        'detection.threat-hunting',
      ]),
    ).toEqual({
      tactics: [
        { id: 'TA0002', name: 'Execution' },
        { id: 'TA0005', name: 'Stealth' },
      ],
      techniques: ['T1059.001', 'T1027'],
    });
  });

  it('reads tactic names with dashes or underscores, and the retired defense-evasion', () => {
    expect(attackOf(['attack.credential-access']).tactics).toEqual([
      { id: 'TA0006', name: 'Credential Access' },
    ]);
    expect(attackOf(['attack.credential_access', 'attack.command_and_control']).tactics).toEqual([
      { id: 'TA0006', name: 'Credential Access' },
      { id: 'TA0011', name: 'Command and Control' },
    ]);
    // ATT&CK v19 split Defense Evasion: Stealth kept TA0005, Defense Impairment is TA0112.
    expect(attackOf(['attack.defense-evasion', 'attack.defense-impairment']).tactics).toEqual([
      { id: 'TA0005', name: 'Stealth' },
      { id: 'TA0112', name: 'Defense Impairment' },
    ]);
  });

  it('resolves tactics from ids, names and tags, and refuses anything else', () => {
    for (const text of [
      'TA0006',
      'ta0006',
      'credential-access',
      'Credential Access',
      'attack.credential_access',
    ])
      expect(toTactic(text), text).toEqual({ id: 'TA0006', name: 'Credential Access' });
    for (const text of ['TA9999', 'evasion', '', 'attack.t1003'])
      expect(toTactic(text), text).toBeUndefined();
    expect(ENTERPRISE_TACTICS).toHaveLength(15);
    expect(new Set(ENTERPRISE_TACTICS.map((t) => t.id)).size).toBe(15);
  });

  it('normalises technique ids and refuses other text', () => {
    expect(toTechnique('t1059')).toBe('T1059');
    expect(toTechnique('attack.t1059.001')).toBe('T1059.001');
    expect(toTechnique(' T1003.006 ')).toBe('T1003.006');
    for (const text of ['T105', 'T1059.1', 'T1059.0011', 'TA0002', "T1059' OR 1=1"])
      expect(toTechnique(text), text).toBeUndefined();
  });
});

// The SigmaHQ corpus (../shared/testdata/sigma): every attack.* tag of every rule that loads is
// a technique, a tactic, or one of the namespaces alerts leave out (groups, software, ...).
const corpus = sigmaCorpus();

describe.skipIf(corpus === undefined)('ATT&CK tags of the SigmaHQ corpus', () => {
  it('are all understood', () => {
    const load = corpus?.load ?? { rules: [], correlations: [], problems: [] };
    const tags = new Set(
      load.rules.flatMap((r) => r.rule.meta.tags).filter((t) => t.startsWith('attack.')),
    );
    const unknown = [...tags].filter(
      (tag) =>
        toTechnique(tag) === undefined &&
        toTactic(tag) === undefined &&
        !/^attack\.(g|s|ds|m|ca|dc)\d{4}$/.test(tag),
    );
    expect(unknown).toEqual([]);
    const tactics = new Set(
      load.rules.flatMap((r) => attackOf(r.rule.meta.tags).tactics.map((t) => t.id)),
    );
    // The corpus uses every Enterprise tactic.
    expect([...tactics].sort()).toEqual(ENTERPRISE_TACTICS.map((t) => t.id).sort());
  });
});
