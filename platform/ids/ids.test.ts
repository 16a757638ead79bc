import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/index.ts';
import { createIdGenerator } from './index.ts';

describe('createIdGenerator', () => {
  it('makes RFC 9562 version 7 UUIDs carrying the clock time', () => {
    const clock = createManualClock(Date.UTC(2026, 10, 24, 12));
    const id = createIdGenerator(clock).uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(clock.now());
  });

  it('sorts ids by creation order, within and across milliseconds', () => {
    const clock = createManualClock();
    const ids = createIdGenerator(clock);
    const made: string[] = [];
    for (let i = 0; i < 2000; i++) {
      if (i % 500 === 0) clock.advance(1);
      made.push(ids.uuidv7());
    }
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('makes url-safe random tokens of the requested strength', () => {
    const ids = createIdGenerator();
    const token = ids.token(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ids.token(32)).not.toBe(token);
  });
});

describe('uuidv7 monotonicity under stress', () => {
  it('stays ordered past 4096 ids in one millisecond and when the clock steps back', () => {
    const clock = createManualClock();
    const ids = createIdGenerator(clock);
    const made: string[] = [];
    for (let i = 0; i < 10_000; i++) made.push(ids.uuidv7());
    clock.advance(-5_000);
    for (let i = 0; i < 10; i++) made.push(ids.uuidv7());
    expect([...made].sort()).toEqual(made);
  });
});
