import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.ts';

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblems('tangerine-gravel-orbit', 'alice')).toEqual([]);
  });

  it('needs at least 12 characters, counted in code points', () => {
    expect(passwordProblems('short-pass1', 'alice')).toEqual([
      'must be at least 12 characters long',
    ]);
    // 12 code points, 24 UTF-16 units: long enough.
    expect(passwordProblems('😀'.repeat(12), 'alice')).toEqual([]);
    expect(passwordProblems('😀'.repeat(6), 'alice')).toHaveLength(1);
  });

  it('refuses the username, whatever its case', () => {
    expect(passwordProblems('Alice.Wonderland', 'alice.wonderland')).toEqual([
      'must not be the username',
    ]);
  });

  it('refuses the most common passwords, whatever their case', () => {
    expect(passwordProblems('Password1234', 'alice')).toEqual([
      'is one of the most common passwords',
    ]);
    expect(passwordProblems('QWERTYUIOP123', 'bob')).toHaveLength(1);
  });

  it('refuses very long inputs', () => {
    expect(passwordProblems('x'.repeat(1025), 'alice')).toEqual([
      'must be at most 1024 characters long',
    ]);
  });

  it('never repeats the password in its messages', () => {
    const problems = passwordProblems('password1234', 'password1234');
    expect(problems.join(' ')).not.toContain('password1234');
  });
});
