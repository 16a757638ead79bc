import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import { loadMappings } from './logsource-mapping.ts';
import type { Logsource } from './logsource-mapping.ts';

// Every distinct logsource of the SigmaHQ corpus must resolve; the ones the data files do not
// declare use the generic fallback and are listed in a summary.
const corpus = requireOrSkip('SigmaHQ corpus', sharedTestdata('sigma'));

/** Products and categories the shipped data claims to cover: none of theirs may fall back. */
const COVERED_PRODUCTS = new Set([
  'windows',
  'linux',
  'macos',
  'aws',
  'azure',
  'gcp',
  'okta',
  'm365',
  'kubernetes',
  'github',
  'bitbucket',
]);
const COVERED_CATEGORIES = new Set([
  'webserver',
  'proxy',
  'dns',
  'firewall',
  'antivirus',
  'database',
]);
/** Declared gaps: azure pim alerts have no event shape we could verify. */
const KNOWN_GAPS = new Set(['azure/*/pim']);

interface CorpusLogsource {
  readonly logsource: Logsource;
  rules: number;
  readonly fields: Set<string>;
}

function readCorpus(dir: string): Map<string, CorpusLogsource> {
  const found = new Map<string, CorpusLogsource>();
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.yml'),
  );
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (!('toJS' in doc)) continue;
      const rule: unknown = doc.toJS();
      if (!isRecord(rule) || !isRecord(rule.logsource)) continue;
      const logsource = toLogsource(rule.logsource);
      const id = JSON.stringify([logsource.product, logsource.category, logsource.service]);
      let entry = found.get(id);
      if (entry === undefined) {
        entry = { logsource, rules: 0, fields: new Set() };
        found.set(id, entry);
      }
      entry.rules++;
      for (const field of detectionFields(rule.detection)) entry.fields.add(field);
    }
  }
  return found;
}

function toLogsource(raw: Record<string, unknown>): Logsource {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined;
  const product = text(raw.product);
  const category = text(raw.category);
  const service = text(raw.service);
  return {
    ...(product === undefined ? {} : { product }),
    ...(category === undefined ? {} : { category }),
    ...(service === undefined ? {} : { service }),
  };
}

/** Field names of a detection's selections (`Image|endswith` → `Image`), keywords left out. */
function detectionFields(detection: unknown): string[] {
  if (!isRecord(detection)) return [];
  const fields: string[] = [];
  const add = (selection: unknown): void => {
    if (Array.isArray(selection)) selection.forEach(add);
    else if (isRecord(selection)) {
      for (const key of Object.keys(selection)) {
        const name = key.split('|')[0] ?? '';
        if (name !== '') fields.push(name);
      }
    }
  };
  for (const [name, selection] of Object.entries(detection)) {
    if (name !== 'condition' && name !== 'timeframe') add(selection);
  }
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe.skipIf(corpus === undefined)('SigmaHQ corpus logsources', () => {
  const mappings = loadMappings();
  const logsources =
    corpus === undefined ? new Map<string, CorpusLogsource>() : readCorpus(join(corpus, 'rules'));

  it('finds the corpus', () => {
    expect(logsources.size).toBeGreaterThan(100);
  });

  it('resolves every logsource, and every field its rules use', () => {
    const declared: string[] = [];
    const fallback: string[] = [];
    let declaredRules = 0;
    let fallbackRules = 0;
    for (const { logsource, rules, fields } of logsources.values()) {
      const resolved = mappings.resolve(logsource);
      expect(resolved.key).not.toBe('');
      for (const field of fields) expect(resolved.fieldPaths(field).length).toBeGreaterThan(0);
      const line = `${String(rules).padStart(5)}  ${JSON.stringify(logsource)} → ${resolved.key}`;
      if (resolved.fallback) {
        fallback.push(line);
        fallbackRules += rules;
      } else {
        declared.push(line);
        declaredRules += rules;
      }
    }
    console.log(
      [
        `SigmaHQ logsources: ${logsources.size} distinct; ${declared.length} declared (${declaredRules} rules), ${fallback.length} on the generic fallback (${fallbackRules} rules):`,
        ...fallback.sort((a, b) => b.localeCompare(a)),
      ].join('\n'),
    );
    expect(declared.length + fallback.length).toBe(logsources.size);
  });

  it('declares every logsource of the covered products and categories', () => {
    const missing = [...logsources.values()]
      .map(({ logsource }) => ({ logsource, resolved: mappings.resolve(logsource) }))
      .filter(
        ({ logsource, resolved }) =>
          resolved.fallback &&
          !KNOWN_GAPS.has(resolved.key) &&
          (COVERED_PRODUCTS.has(logsource.product ?? '') ||
            (logsource.product === undefined && COVERED_CATEGORIES.has(logsource.category ?? ''))),
      )
      .map(({ resolved }) => resolved.key);
    expect(missing).toEqual([]);
  });

  it('reads the Windows fields rules use from the raw event data or a mapped field', () => {
    for (const { logsource, fields } of logsources.values()) {
      if (logsource.product !== 'windows') continue;
      const resolved = mappings.resolve(logsource);
      for (const field of fields) {
        const [first] = resolved.fieldPaths(field);
        expect(first, `${resolved.key} ${field}`).toMatch(/^(winlog\.|event\.|log\.|message$)/);
      }
    }
  });
});
