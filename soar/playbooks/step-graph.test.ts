import { describe, expect, it } from 'vitest';
import { graphProblems, readiness } from './step-graph.ts';

describe('step graph', () => {
  it('accepts a DAG with parallel branches', () => {
    expect(
      graphProblems([
        { id: 'a', needs: [] },
        { id: 'b', needs: ['a'] },
        { id: 'c', needs: ['a'] },
        { id: 'd', needs: ['b', 'c'] },
      ]),
    ).toEqual([]);
  });

  it('names the cycle', () => {
    const [problem] = graphProblems([
      { id: 'a', needs: ['c'] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['b'] },
    ]);
    expect(problem?.message).toMatch(/cycle: a → c → b → a|cycle: a → b → c → a/);
  });

  it('decides when a pending step runs or is skipped', () => {
    expect(readiness('success', ['completed', 'running'])).toBe('wait');
    expect(readiness('success', ['completed', 'completed'])).toBe('run');
    expect(readiness('success', [])).toBe('run');
    expect(readiness('success', ['completed', 'skipped'])).toBe('skip');
    expect(readiness('success', ['failed'])).toBe('skip');
    expect(readiness('failure', ['completed', 'failed'])).toBe('run');
    expect(readiness('failure', ['completed'])).toBe('skip');
    expect(readiness('always', ['failed', 'skipped'])).toBe('run');
  });
});
