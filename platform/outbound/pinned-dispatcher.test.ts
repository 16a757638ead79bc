import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { pinnedLookup } from './pinned-dispatcher.ts';

interface Answer {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

const ask = (lookup: ReturnType<typeof pinnedLookup>, name: string, options: object) =>
  new Promise<Answer>((resolve) => {
    lookup(name, options, (err, address, family) => {
      resolve({ err, address, ...(family === undefined ? {} : { family }) });
    });
  });

describe('pinned lookup', () => {
  const lookup = pinnedLookup('hooks.example', ['203.0.113.5', '2001:db8::5']);

  it('answers only the vetted addresses, for the vetted name', async () => {
    expect(await ask(lookup, 'hooks.example', { all: true })).toEqual({
      err: null,
      address: [
        { address: '203.0.113.5', family: 4 },
        { address: '2001:db8::5', family: 6 },
      ],
    });
    expect(await ask(lookup, 'HOOKS.example.', {})).toEqual({
      err: null,
      address: '203.0.113.5',
      family: 4,
    });
    expect(await ask(lookup, 'hooks.example', { family: 6 })).toMatchObject({
      address: '2001:db8::5',
      family: 6,
    });
  });

  it('refuses any other name rather than asking DNS', async () => {
    const answer = await ask(lookup, 'internal.example', { all: true });
    expect(answer.err?.code).toBe('ENOTFOUND');
    const v6only = pinnedLookup('v6.example', ['2001:db8::6']);
    expect((await ask(v6only, 'v6.example', { family: 4 })).err?.code).toBe('ENOTFOUND');
  });
});
