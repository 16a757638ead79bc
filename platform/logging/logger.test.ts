import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('masks secret-named keys at any depth', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info(
      {
        user: 'bob',
        password: 'hunter2',
        nested: { deeper: { client_secret: 'abc', api_key: 'k' } },
        list: [{ token: 't' }],
      },
      'login',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"abc"');
    expect(text).not.toContain('"t"');
    expect(lines[0]?.user).toBe('bob');
    expect(lines[0]?.password).toBe('[REDACTED]');
  });

  it('masks secrets inside strings, messages and errors when given a text redactor', () => {
    const { lines, destination } = capture();
    const redactText = (s: string) => s.replaceAll(/AKIA[A-Z0-9]{16}/g, '[REDACTED:aws]');
    const log = createLogger({ level: 'info', destination, redactText });
    const err = new Error('upload failed for key AKIAABCDEFGHIJKLMNOP');
    log.error(
      { err, cmd: 'aws s3 cp --key AKIAABCDEFGHIJKLMNOP' },
      'failed with AKIAABCDEFGHIJKLMNOP',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(text).toContain('[REDACTED:aws]');
  });

  it('masks request authorization and cookie headers', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info(
      { req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', accept: '*/*' } } },
      'request',
    );
    const headers = (lines[0]?.req as { headers: Record<string, string> }).headers;
    expect(headers.authorization).toBe('[REDACTED]');
    expect(headers.cookie).toBe('[REDACTED]');
    expect(headers.accept).toBe('*/*');
  });
});
