import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_URL_LENGTH, outboundUrl } from './index.ts';
import { createUrlPolicy } from './url-policy.ts';

describe('outboundUrl() schema', () => {
  const body = z.object({ url: outboundUrl() });
  const problems = (url: unknown) => {
    const parsed = body.safeParse({ url });
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it.each([
    'https://hooks.slack.com/services/T000/B000/XXXX',
    'https://events.pagerduty.com/v2/enqueue',
    'http://example.com',
    'https://example.com:8443/path?query=1&b=2',
    'https://[2606:4700::1111]/',
    'https://xn--bcher-kva.example/',
  ])('accepts %s', (url) => {
    expect(problems(url)).toEqual([]);
  });

  it.each([
    ['ftp://example.com/file', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['https://@example.com/', 'credentials'],
    ['https://example.com/#frag', 'fragment'],
    ['https://example.com/#', 'fragment'],
    ['/relative/path', 'absolute URL'],
    ['example.com', 'absolute URL'],
    ['', 'absolute URL'],
    ['https://exa mple.com/', 'whitespace'],
    [' https://example.com/', 'whitespace'],
    ['https://example.com/\n', 'whitespace'],
    ['https://evil.example\\@good.example/', 'backslashes'],
    [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`, `${MAX_URL_LENGTH}`],
  ])('rejects %j naming the field', (url, problem) => {
    const found = problems(url);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^url: /u);
    expect(found[0]).toContain(problem);
  });

  it('rejects non-strings', () => {
    expect(problems(42)).toHaveLength(1);
  });

  it('documents itself in JSON Schema as a URI of bounded length', () => {
    expect(z.toJSONSchema(outboundUrl())).toMatchObject({
      type: 'string',
      format: 'uri',
      maxLength: MAX_URL_LENGTH,
    });
  });
});

describe('URL policy', () => {
  const url = (s: string) => new URL(s);

  it('allows https on 443 by default and refuses plain http and other ports', () => {
    const p = createUrlPolicy({ allowHttp: false, allowedPorts: [], allowedHosts: undefined });
    expect(p.refusal(url('https://example.com/'))).toBeUndefined();
    expect(p.refusal(url('https://example.com:443/'))).toBeUndefined();
    expect(p.refusal(url('https://example.com:80/'))).toBeUndefined();
    expect(p.refusal(url('http://example.com/'))).toContain('plain http');
    expect(p.refusal(url('https://example.com:8443/'))).toContain('port 8443');
    expect(p.refusal(url('https://example.com:22/'))).toContain('port 22');
  });

  it('adds the listed ports and plain http when allowed', () => {
    const p = createUrlPolicy({ allowHttp: true, allowedPorts: [8443], allowedHosts: undefined });
    expect(p.refusal(url('http://example.com/'))).toBeUndefined();
    expect(p.refusal(url('https://example.com:8443/'))).toBeUndefined();
    expect(p.refusal(url('http://example.com:6379/'))).toContain('port 6379');
  });

  it('matches the host allowlist exactly or by *.domain (subdomains only)', () => {
    const p = createUrlPolicy({
      allowHttp: false,
      allowedPorts: [],
      allowedHosts: ['hooks.slack.com', '*.PagerDuty.com.', '2606:4700::1111', '203.0.113.7'],
    });
    for (const ok of [
      'https://hooks.slack.com/x',
      'https://HOOKS.SLACK.COM./x',
      'https://events.pagerduty.com/',
      'https://a.b.pagerduty.com/',
      'https://[2606:4700::1111]/',
      'https://203.0.113.7/',
    ])
      expect(p.refusal(url(ok)), ok).toBeUndefined();
    for (const refused of [
      'https://slack.com/',
      'https://hooks.slack.com.evil.com/',
      'https://pagerduty.com/',
      'https://evilpagerduty.com/',
      'https://pagerduty.com.evil.com/',
      'https://[2606:4700::1]/',
    ])
      expect(p.refusal(url(refused)), refused).toContain('allowlist');
  });

  it.each([
    ['*'],
    ['*.'],
    ['a.*.com'],
    ['https://example.com'],
    ['*.10.0.0.1'],
    [''],
    ['ex ample.com'],
  ])('refuses the allowedHosts entry %j', (pattern) => {
    expect(() =>
      createUrlPolicy({ allowHttp: false, allowedPorts: [], allowedHosts: [pattern] }),
    ).toThrow(expect.objectContaining({ code: 'OUTBOUND_POLICY_INVALID' }));
  });

  it.each([0, 70_000, 1.5, -1])('refuses the port %d', (port) => {
    expect(() =>
      createUrlPolicy({ allowHttp: false, allowedPorts: [port], allowedHosts: undefined }),
    ).toThrow(expect.objectContaining({ code: 'OUTBOUND_POLICY_INVALID' }));
  });
});
