import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp, parseTimestampValue } from './timestamp.ts';

describe('timestamps in toISOString() form', () => {
  it('read the same instant as Date, keeping the text', () => {
    for (const ms of [
      0, 1, -1, 951_782_400_000, 1_709_251_199_999, 253_402_300_799_999, -62_135_596_800_000,
    ]) {
      const iso = new Date(ms).toISOString();
      expect(parseIsoTimestamp(iso)).toEqual({ ms, iso });
      expect(parseTimestampValue(iso, 'millis')).toEqual({ ms, iso });
    }
    expect(parseIsoTimestamp('2024-01-02T03:04:05Z')).toEqual({
      ms: Date.UTC(2024, 0, 2, 3, 4, 5),
      iso: '2024-01-02T03:04:05.000Z',
    });
  });

  it('agree with the general reading (lower-case t takes the general path)', () => {
    for (const text of [
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00Z',
      '1900-03-01T12:30:00.500Z',
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(parseIsoTimestamp(text)).toEqual(parseIsoTimestamp(text.replace('T', 't')));
    }
  });

  it('refuse impossible dates as the general reading does', () => {
    for (const text of [
      '2023-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-00-01T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T00:60:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '2024-01-01T00:00:0x.000Z',
    ]) {
      expect(parseIsoTimestamp(text)).toBeUndefined();
    }
    // A leap second folds into :59, as the general reading does it.
    expect(parseIsoTimestamp('2016-12-31T23:59:60.000Z')?.iso).toBe('2016-12-31T23:59:59.000Z');
  });
});
