import { describe, expect, it } from 'vitest';
import { ObjectPatch } from './object-patch.ts';
import type { JsonObject } from './parser.ts';

describe('ObjectPatch', () => {
  it('copies the object at the first change and never changes it', () => {
    const base: JsonObject = { a: 1, nested: { b: 2 } };
    const patch = new ObjectPatch(base).set('c', 3).set('a', 4);
    expect(patch.result()).toEqual({ a: 4, nested: { b: 2 }, c: 3 });
    expect(Object.keys(patch.result() ?? {})).toEqual(['a', 'nested', 'c']);
    expect(base).toEqual({ a: 1, nested: { b: 2 } });
    // Members it did not write are shared, not copied.
    expect(patch.result()?.nested).toBe(base.nested);
  });

  it('makes no copy for writes that change nothing', () => {
    const base: JsonObject = { a: 'x', list: ['y'] };
    const patch = new ObjectPatch(base)
      .set('a', 'x')
      .set('b', undefined)
      .set('c', [])
      .set('d', Number.NaN)
      .set('e', Number.POSITIVE_INFINITY);
    expect(patch.result()).toBeUndefined();
  });

  it('reads its own members only', () => {
    const patch = new ObjectPatch({ a: 1 });
    expect(patch.get('toString')).toBeUndefined();
    expect(patch.object('a')).toBeUndefined();
    // A value equal to an inherited one is still written as an own member.
    const inherited = Object.create({ kind: 'event' }) as JsonObject;
    expect(new ObjectPatch(inherited).set('kind', 'event').result()).toEqual({ kind: 'event' });
  });

  it('starts from an empty object when the base is not one', () => {
    expect(new ObjectPatch('text').set('a', 1).result()).toEqual({ a: 1 });
    expect(new ObjectPatch(['x']).set('a', 1).result()).toEqual({ a: 1 });
    expect(new ObjectPatch(undefined).set('a', undefined).result()).toBeUndefined();
  });

  it('nests patches and merges source-named fields', () => {
    const base: JsonObject = { process: { hash: { md5: 'a' }, pid: 1 } };
    const document = new ObjectPatch(base);
    const process = new ObjectPatch(document.get('process'))
      .merge('hash', { sha1: 'b', md5: 'a', sha256: undefined })
      .setPatch('pe', new ObjectPatch(undefined).set('imphash', undefined));
    document.setPatch('process', process);
    expect(document.result()).toEqual({ process: { hash: { md5: 'a', sha1: 'b' }, pid: 1 } });
    expect(base).toEqual({ process: { hash: { md5: 'a' }, pid: 1 } });
    expect(new ObjectPatch(base).merge('process', undefined).result()).toBeUndefined();
  });

  it('keeps a member named __proto__ as data', () => {
    const result = new ObjectPatch({}).set('__proto__', { x: 1 }).result();
    expect(Object.keys(result ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
