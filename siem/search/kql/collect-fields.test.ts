import { describe, expect, it } from 'vitest';
import { collectFields, parseKql } from './index.ts';

describe('collectFields', () => {
  it('lists each field once, in order of first appearance, patterns as patterns', () => {
    const query =
      'b:1 and (a > 2 or not b:(x or y)) and free text and winlog.*:bob and c:* and "a":z';
    expect(collectFields(parseKql(query))).toEqual([
      { kind: 'name', name: 'b' },
      { kind: 'name', name: 'a' },
      { kind: 'wildcard', parts: [{ kind: 'text', text: 'winlog.' }, { kind: 'any' }] },
      { kind: 'name', name: 'c' },
    ]);
  });

  it('finds none in free text and match-all queries', () => {
    expect(collectFields(parseKql('mimikatz or "lsass.exe" or *:x'))).toEqual([]);
    expect(collectFields(parseKql(''))).toEqual([]);
  });
});
