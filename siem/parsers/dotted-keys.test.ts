import { describe, expect, it } from 'vitest';
import { expandDottedKeys, needsExpansion } from './dotted-keys.ts';
import type { JsonObject } from './parser.ts';

describe('needsExpansion', () => {
  it('finds dotted names at any depth, also inside arrays', () => {
    expect(needsExpansion({ host: { name: 'a' }, tags: ['x.y'] })).toBe(false);
    expect(needsExpansion({ 'host.name': 'a' })).toBe(true);
    expect(needsExpansion({ a: { b: { 'c.d': 1 } } })).toBe(true);
    expect(needsExpansion({ a: [[{ 'b.c': 1 }]] })).toBe(true);
    expect(needsExpansion({ 'a..b': 1 })).toBe(true);
  });

  it('is false exactly when expansion would give an equal document', () => {
    const samples: JsonObject[] = [
      { '@timestamp': 'x', event: { kind: 'event' }, list: [{ a: 1 }, 2, null] },
      { a: { 'b.c': 1 } },
      { x: [{ 'y.z': 1 }] },
    ];
    for (const sample of samples) {
      const expanded = expandDottedKeys(sample);
      expect(expanded.ok).toBe(true);
      if (!needsExpansion(sample) && expanded.ok) expect(expanded.value).toStrictEqual(sample);
    }
  });
});
