import { describe, expect, it } from 'vitest';
import { PlatformError, SecOpsError, defineErrors, isSecOpsError } from './index.ts';

describe('defineErrors', () => {
  const DemoError = defineErrors('DemoError', { DEMO_MISSING: 'not_found', DEMO_BAD: 'invalid' });

  it('builds errors whose kind comes from the module table', () => {
    const cause = new Error('low level');
    const err = new DemoError('DEMO_MISSING', 'no such demo', { cause, details: { id: 'x' } });
    expect(err).toBeInstanceOf(SecOpsError);
    expect(err.code).toBe('DEMO_MISSING');
    expect(err.kind).toBe('not_found');
    expect(err.name).toBe('DemoError');
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ id: 'x' });
    expect(isSecOpsError(err)).toBe(true);
    expect(isSecOpsError(new Error('plain'))).toBe(false);
  });

  it('keeps field issues for validation errors', () => {
    const err = new PlatformError('CONFIG_INVALID', 'bad', {
      issues: [{ path: 'server.port', message: 'too big' }],
    });
    expect(err.kind).toBe('invalid');
    expect(err.issues).toEqual([{ path: 'server.port', message: 'too big' }]);
  });
});
