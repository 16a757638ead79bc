import { describe, expect, it } from 'vitest';
import { detectionStream } from '../../bench/fixtures/detection-stream.ts';
import { sigmaCorpus } from '../../test/support/sigma-corpus.ts';
import { loadMappings, matchesFilter } from '../mappings/logsource-mapping.ts';
import { evaluate } from '../sigma/detection-tree.ts';
import { MISSING, readField, toFieldPath } from '../sigma/event-fields.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import type { LoadedRule } from '../sigma/load-rules.ts';
import { eventLeaves } from './event-text.ts';
import { createDetectionEngine } from './detection-engine.ts';

const mappings = loadMappings();

/** Every rule evaluated on every event, no prefilter: what the engine must agree with. */
function bruteForce(rules: readonly LoadedRule[], doc: unknown): string[] {
  const leaves = eventLeaves(doc);
  return rules.flatMap((loaded) => {
    const resolved = mappings.resolve(loaded.rule.meta.logsource);
    if (!matchesFilter(resolved.filter, doc)) return [];
    const read = (field: string): unknown => {
      for (const path of resolved.fieldPaths(field)) {
        const value = readField(doc, toFieldPath(path));
        if (value !== MISSING) return value;
      }
      return MISSING;
    };
    const hit = evaluate(loaded.rule.detection, {
      read,
      leaves: () => leaves,
      lower: (text) => text.toLowerCase(),
    });
    return hit ? [loaded.rule.meta.id ?? `${loaded.file}:${String(loaded.line)}`] : [];
  });
}

function rule(
  title: string,
  detection: string,
  logsource = 'product: windows\n  category: process_creation',
): string {
  return `title: ${title}\nid: ${title}\nlogsource:\n  ${logsource}\ndetection:\n${detection}\n`;
}

describe('the detection engine', () => {
  const sysmon1 = (commandLine: string, image = 'C:\\Windows\\System32\\cmd.exe'): unknown => ({
    winlog: {
      channel: 'Microsoft-Windows-Sysmon/Operational',
      event_id: '1',
      event_data: { Image: image, CommandLine: commandLine },
    },
    event: { code: '1', provider: 'Microsoft-Windows-Sysmon' },
  });

  it('matches rules by literal and by log source, and only those', () => {
    const load = loadRuleSources(
      [
        {
          file: 'a.yml',
          text: rule('enc', "  sel:\n    CommandLine|contains|windash: ' -enc '\n  condition: sel"),
        },
        {
          file: 'b.yml',
          text: rule(
            'neg',
            "  sel:\n    Image|endswith: '\\cmd.exe'\n  filter:\n    CommandLine|contains: 'whoami'\n  condition: sel and not filter",
          ),
        },
        {
          file: 'c.yml',
          text: rule(
            'other-source',
            "  sel:\n    CommandLine|contains: ' -enc '\n  condition: sel",
            'product: linux\n  category: process_creation',
          ),
        },
        {
          file: 'd.yml',
          text: rule('not-cmd', "  cmd:\n    Image|endswith: '\\cmd.exe'\n  condition: not cmd"),
        },
      ],
      { placeholders: new Map() },
    );
    expect(load.problems).toEqual([]);
    const engine = createDetectionEngine({ rules: load.rules, mappings });
    const refs = (doc: unknown): string[] => engine.match(doc).map((r) => r.ref);
    expect(refs(sysmon1('powershell /ENC abc'))).toEqual(['enc', 'neg']);
    expect(refs(sysmon1('cmd /c whoami'))).toEqual([]);
    expect(refs(sysmon1('x', 'C:\\Windows\\notepad.exe'))).toEqual(['not-cmd']);
    // A rule without literals (only a negation) still runs on every event of its log source.
    expect(engine.stats().indexedRules).toBe(3);
  });
});

const corpus = sigmaCorpus();

describe.skipIf(corpus === undefined)('the prefilter over the SigmaHQ corpus', () => {
  it('never loses a match: the engine agrees with evaluating every rule on every event', () => {
    const load = corpus?.load ?? { rules: [], correlations: [], problems: [] };
    const engine = createDetectionEngine({ rules: load.rules, mappings });
    let matches = 0;
    for (const doc of detectionStream(1200, 3)) {
      const expected = bruteForce(load.rules, doc);
      matches += expected.length;
      expect(engine.match(doc).map((r) => r.ref)).toEqual(expected);
    }
    // The stream holds attacks the corpus catches: the comparison is not vacuous.
    expect(matches).toBeGreaterThan(50);
    const stats = engine.stats();
    expect(stats.evaluations).toBeLessThan(stats.events * stats.rules * 0.02);
  });
});
