import { describe, expect, it } from 'vitest';
import { parseTimespan } from './timespan.ts';

describe('parseTimespan', () => {
  it.each([
    ['10s', 10_000],
    ['5m', 300_000],
    ['90m', 5_400_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseTimespan(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '10', 'm', '1.5h', '-1m', '10 m', '10x', '5H', '1h30m'])(
    'refuses %j as invalid',
    (text) => {
      expect(parseTimespan(text)).toMatchObject({ ok: false, unsupported: false });
    },
  );

  it('refuses zero and non-strings', () => {
    expect(parseTimespan('0m')).toMatchObject({ ok: false, unsupported: false });
    expect(parseTimespan(60)).toMatchObject({ ok: false, unsupported: false });
    expect(parseTimespan(null)).toMatchObject({ ok: false, unsupported: false });
  });

  it('reports months and years as unsupported: they have no fixed length', () => {
    expect(parseTimespan('1M')).toMatchObject({ ok: false, unsupported: true });
    expect(parseTimespan('1y')).toMatchObject({ ok: false, unsupported: true });
  });
});
