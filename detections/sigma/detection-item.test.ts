import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCompileIssue } from './compile-issue.ts';
import { compileItem } from './detection-item.ts';
import type { ItemOptions } from './detection-item.ts';
import { evaluate } from './detection-tree.ts';
import { MISSING, readField, toFieldPath } from './event-fields.ts';

const options: ItemOptions = {
  placeholders: new Map([
    ['admins', ['ADMIN-PC', 'ops-*']],
    ['domain', ['corp']],
  ]),
};

/** Does `key: value` match the event? Fields are read as dotted paths. */
function matches(key: string, value: unknown, event: Record<string, unknown>): boolean {
  const node = compileItem(key, value, options, key.split('|')[0] === '');
  const leaves: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') leaves.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') leaves.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(event);
  return evaluate(node, {
    read: (field) => readField(event, toFieldPath(field)),
    leaves: () => leaves,
    lower: (text) => text.toLowerCase(),
  });
}

function issueOf(key: string, value: unknown): { kind: string; feature: string } {
  try {
    compileItem(key, value, options);
  } catch (err) {
    if (isCompileIssue(err)) return { kind: err.kind, feature: err.feature };
    throw err;
  }
  throw new Error('expected a compile issue');
}

describe('plain values', () => {
  it('compare case-insensitively and whole', () => {
    expect(matches('Image', 'C:\\Windows\\cmd.exe', { Image: 'c:\\windows\\CMD.EXE' })).toBe(true);
    expect(matches('Image', 'cmd.exe', { Image: 'c:\\windows\\cmd.exe' })).toBe(false);
  });
  it('take a list as any of', () => {
    expect(matches('User', ['alice', 'bob'], { User: 'BOB' })).toBe(true);
    expect(matches('User', ['alice', 'bob'], { User: 'carol' })).toBe(false);
  });
  it('match any element of a list field', () => {
    expect(matches('tags', 'x', { tags: ['a', 'X'] })).toBe(true);
  });
  it('compare numbers with numbers and numeric text', () => {
    expect(matches('EventID', 4688, { EventID: 4688 })).toBe(true);
    expect(matches('EventID', 4688, { EventID: '4688' })).toBe(true);
    expect(matches('EventID', 4688, { EventID: 46880 })).toBe(false);
    expect(matches('EventID', '4688', { EventID: 4688 })).toBe(true);
  });
  it('compare booleans', () => {
    expect(matches('enabled', false, { enabled: false })).toBe(true);
    expect(matches('enabled', false, { enabled: 'False' })).toBe(true);
    expect(matches('enabled', false, { enabled: true })).toBe(false);
  });
  it('never match a missing field, and null means absent or null', () => {
    expect(matches('Image', 'x', {})).toBe(false);
    expect(matches('Image', null, {})).toBe(true);
    expect(matches('Image', null, { Image: null })).toBe(true);
    expect(matches('Image', null, { Image: '' })).toBe(false);
    expect(matches('Image', '', { Image: '' })).toBe(true);
  });
});

describe('wildcards and escapes', () => {
  it('* matches any run and ? one character', () => {
    expect(matches('f', 'a*c', { f: 'abbbc' })).toBe(true);
    expect(matches('f', 'a?c', { f: 'abc' })).toBe(true);
    expect(matches('f', 'a?c', { f: 'abbc' })).toBe(false);
    expect(matches('f', '*a*b*', { f: 'xxAyyBzz' })).toBe(true);
    expect(matches('f', 'a*b', { f: 'ab' })).toBe(true);
    expect(matches('f', 'ab*ba', { f: 'aba' })).toBe(false);
  });
  it('wildcards work inside contains and endswith values', () => {
    expect(matches('f|contains', 'power*.exe', { f: 'c:\\x\\powershell.exe -c' })).toBe(true);
    expect(matches('f|endswith', '\\p?wsh.exe', { f: 'c:\\pwsh\\pXwsh.exe' })).toBe(true);
    expect(matches('f|endswith', '\\p?wsh.exe', { f: 'c:\\pwsh.exe' })).toBe(false);
  });
  it('escaped wildcards are literal and lone backslashes stay', () => {
    expect(matches('f', 'a\\*b', { f: 'a*b' })).toBe(true);
    expect(matches('f', 'a\\*b', { f: 'axxb' })).toBe(false);
    expect(matches('f', 'a\\?b', { f: 'axb' })).toBe(false);
    expect(matches('f', 'C:\\Windows\\', { f: 'c:\\windows\\' })).toBe(true);
    expect(matches('f', 'a\\\\*', { f: 'a\\anything' })).toBe(true);
  });
});

describe('string modifiers', () => {
  it('contains, startswith, endswith', () => {
    expect(matches('f|contains', 'ELL', { f: 'powershell' })).toBe(true);
    expect(matches('f|startswith', 'POW', { f: 'powershell' })).toBe(true);
    expect(matches('f|startswith', 'shell', { f: 'powershell' })).toBe(false);
    expect(matches('f|endswith', 'SHELL', { f: 'powershell' })).toBe(true);
  });
  it('all turns a list into all of', () => {
    expect(matches('f|contains|all', ['-nop', '-enc'], { f: 'ps -NOP -Enc xyz' })).toBe(true);
    expect(matches('f|contains|all', ['-nop', '-enc'], { f: 'ps -nop' })).toBe(false);
  });
  it('cased compares case-sensitively', () => {
    expect(matches('f|cased', 'Abc', { f: 'Abc' })).toBe(true);
    expect(matches('f|cased', 'Abc', { f: 'abc' })).toBe(false);
    expect(matches('f|contains|cased', 'B', { f: 'abc' })).toBe(false);
  });
  it('windash accepts every dash form at the start of a switch only', () => {
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(matches('f|contains|windash', ' -enc ', { f: `ps ${dash}enc x` })).toBe(true);
    expect(matches('f|windash|contains', '-enc', { f: 'ps /ENC' })).toBe(true);
    // Not a switch: the dash inside a word stays a dash.
    expect(matches('f|contains|windash', 'a-b', { f: 'a/b' })).toBe(false);
  });
  it('base64 encodes the value', () => {
    expect(matches('f', 'secret', { f: 'c2VjcmV0' }).valueOf()).toBe(false);
    expect(matches('f|base64', 'secret', { f: 'c2VjcmV0' })).toBe(true);
    expect(matches('f|base64|contains', 'secret', { f: 'xx c2VjcmV0 yy' })).toBe(true);
  });
  it('base64offset finds the value at any offset of an encoded text', () => {
    for (const prefix of ['', 'a', 'ab', 'abc'])
      expect(
        matches('f|base64offset|contains', 'http://', {
          f: Buffer.from(`${prefix}http://evil`).toString('base64'),
        }),
      ).toBe(true);
    expect(
      matches('f|base64offset|contains', 'http://', {
        f: Buffer.from('https:/').toString('base64'),
      }),
    ).toBe(false);
  });
  it('utf16 variants then base64 match what PowerShell -EncodedCommand carries', () => {
    const encoded = Buffer.from('IEX (New-Object Net.WebClient)', 'utf16le').toString('base64');
    expect(matches('f|wide|base64offset|contains', 'Net.WebClient', { f: encoded })).toBe(true);
    expect(matches('f|utf16le|base64offset|contains', 'Net.WebClient', { f: encoded })).toBe(true);
    const be = Buffer.from('Net.WebClient', 'utf16le').swap16().toString('base64');
    expect(matches('f|utf16be|base64', 'Net.WebClient', { f: be })).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi', 'utf16le')]);
    expect(matches('f|utf16|base64', 'hi', { f: bom.toString('base64') })).toBe(true);
  });
  it('base64 of a wildcard value is reported unsupported', () => {
    expect(issueOf('f|base64', 'a*b')).toEqual({ kind: 'unsupported', feature: 'base64' });
  });
  it('expand replaces placeholders from configuration, and reports unset ones', () => {
    expect(matches('h|expand', '%admins%', { h: 'admin-pc' })).toBe(true);
    expect(matches('h|expand', '%admins%', { h: 'ops-7' })).toBe(true);
    expect(matches('h|expand', '%admins%', { h: 'dev-1' })).toBe(false);
    expect(matches('c|contains|expand', '\\%domain%\\', { c: 'x \\corp\\ y' })).toBe(true);
    expect(issueOf('h|expand', '%nobody%')).toEqual({
      kind: 'unsupported',
      feature: 'placeholder',
    });
  });
});

describe('regular expressions', () => {
  it('are case-sensitive unless i, and search anywhere', () => {
    expect(matches('f|re', 'ab+c', { f: 'xxabbbcxx' })).toBe(true);
    expect(matches('f|re', 'ABC', { f: 'abc' })).toBe(false);
    expect(matches('f|re|i', 'ABC', { f: 'abc' })).toBe(true);
  });
  it('m and s flags', () => {
    expect(matches('f|re|m', '^b$', { f: 'a\nb\nc' })).toBe(true);
    expect(matches('f|re', '^b$', { f: 'a\nb\nc' })).toBe(false);
    expect(matches('f|re|s', 'a.b', { f: 'a\nb' })).toBe(true);
    expect(matches('f|re', 'a.b', { f: 'a\nb' })).toBe(false);
  });
  it('translates a leading inline (?i) and Python named groups', () => {
    expect(matches('f|re', '(?i)^powershell', { f: 'PowerShell.exe' })).toBe(true);
    expect(matches('f|re', '(?P<x>a)(?P=x)', { f: 'aa' })).toBe(true);
    expect(matches('f|re', 'end\\Z', { f: 'the end' })).toBe(true);
  });
  it('reports what JavaScript cannot express', () => {
    expect(issueOf('f|re', 'a(?i)b')).toEqual({ kind: 'unsupported', feature: 're' });
    expect(issueOf('f|re', 'a++')).toEqual({ kind: 'unsupported', feature: 're' });
  });
});

describe('other match modifiers', () => {
  it('cidr for IPv4 and IPv6, including IPv4-mapped addresses', () => {
    expect(matches('ip|cidr', '10.0.0.0/8', { ip: '10.20.30.40' })).toBe(true);
    expect(matches('ip|cidr', '10.0.0.0/8', { ip: '11.0.0.1' })).toBe(false);
    expect(matches('ip|cidr', '192.168.1.0/25', { ip: '192.168.1.200' })).toBe(false);
    expect(matches('ip|cidr', '10.0.0.0/8', { ip: '::ffff:10.1.2.3' })).toBe(true);
    expect(matches('ip|cidr', 'fe80::/10', { ip: 'FE80::1%eth0' })).toBe(true);
    expect(matches('ip|cidr', '2001:db8::/32', { ip: '2001:db9::1' })).toBe(false);
    expect(matches('ip|cidr', '::1/128', { ip: '::1' })).toBe(true);
    expect(matches('ip|cidr', ['10.0.0.0/8', '172.16.0.0/12'], { ip: '172.20.1.1' })).toBe(true);
    expect(matches('ip|cidr', '10.0.0.0/8', { ip: 'not-an-ip' })).toBe(false);
    expect(issueOf('ip|cidr', '10.0.0.0/40')).toEqual({ kind: 'invalid', feature: 'invalid' });
  });
  it('gt, gte, lt, lte compare numbers', () => {
    expect(matches('n|gt', 5, { n: 6 })).toBe(true);
    expect(matches('n|gt', 5, { n: 5 })).toBe(false);
    expect(matches('n|gte', 5, { n: '5' })).toBe(true);
    expect(matches('n|lt', 5, { n: 4.5 })).toBe(true);
    expect(matches('n|lte', 5, { n: 'x' })).toBe(false);
  });
  it('exists tests presence', () => {
    expect(matches('a|exists', true, { a: '' })).toBe(true);
    expect(matches('a|exists', true, {})).toBe(false);
    expect(matches('a|exists', false, {})).toBe(true);
    expect(issueOf('a|exists', 'yes')).toEqual({ kind: 'invalid', feature: 'invalid' });
  });
  it('fieldref compares with another field, also with startswith/endswith/contains', () => {
    expect(matches('Image|fieldref', 'ParentImage', { Image: 'A', ParentImage: 'a' })).toBe(true);
    expect(matches('Image|fieldref', 'ParentImage', { Image: 'A', ParentImage: 'b' })).toBe(false);
    expect(matches('Image|fieldref', 'ParentImage', { Image: 'A' })).toBe(false);
    expect(matches('f|fieldref|endswith', 'g', { f: 'xxABC', g: 'bc' })).toBe(true);
    expect(matches('f|fieldref|contains', 'g', { f: 'xxABCyy', g: 'bc' })).toBe(true);
  });
  it('neq negates each value', () => {
    expect(matches('f|neq', 'a', { f: 'b' })).toBe(true);
    expect(matches('f|neq', 'a', { f: 'A' })).toBe(false);
    expect(matches('f|neq|all', ['a', 'b'], { f: 'c' })).toBe(true);
    expect(matches('f|neq|all', ['a', 'b'], { f: 'b' })).toBe(false);
  });
  it('date parts read the UTC time of a date value', () => {
    const event = { t: '2026-11-24T03:15:00Z' };
    expect(matches('t|hour', 3, event)).toBe(true);
    expect(matches('t|minute', 15, event)).toBe(true);
    expect(matches('t|day', 24, event)).toBe(true);
    expect(matches('t|month', 11, event)).toBe(true);
    expect(matches('t|year', 2026, event)).toBe(true);
    expect(matches('t|week', 48, event)).toBe(true);
    expect(matches('t|hour', 4, event)).toBe(false);
  });
  it('rejects unknown modifiers', () => {
    expect(issueOf('f|startwith', 'x')).toEqual({ kind: 'invalid', feature: 'invalid' });
  });
});

describe('keywords', () => {
  it('search every value of the event', () => {
    expect(matches('', ['mimikatz'], { a: { b: 'run MimiKatz now' } })).toBe(true);
    expect(matches('', ['mimikatz'], { a: 'other' })).toBe(false);
    expect(matches('|all', ['a1', 'b2'], { x: 'a1', y: 'b2' })).toBe(true);
    expect(matches('|all', ['a1', 'b2'], { x: 'a1' })).toBe(false);
  });
});

describe('field paths', () => {
  it('read nested, flat dotted and mixed keys', () => {
    expect(readField({ a: { b: 1 } }, toFieldPath('a.b'))).toBe(1);
    expect(readField({ 'a.b': 2 }, toFieldPath('a.b'))).toBe(2);
    expect(readField({ a: { 'b.c': 3 } }, toFieldPath('a.b.c'))).toBe(3);
    expect(readField({ a: [{ b: 1 }, { b: 2 }] }, toFieldPath('a.b'))).toEqual([1, 2]);
    expect(readField({ a: 'x' }, toFieldPath('a.b'))).toBe(MISSING);
  });
});

describe('long value lists', () => {
  it('match as the values one by one would (merged index)', () => {
    const modifier = fc.constantFrom('', '|contains', '|startswith', '|endswith');
    const text = fc.string({
      unit: fc.constantFrom('a', 'B', 'c', '\\', 'É', '\u{1F600}'),
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        modifier,
        fc.array(text, { minLength: 4, maxLength: 12 }),
        text,
        (m, values, value) => {
          const merged = matches(`f${m}`, values, { f: value });
          const oneByOne = values.some((v) => matches(`f${m}`, [v], { f: value }));
          expect(merged).toBe(oneByOne);
        },
      ),
    );
  });

  it('keep wildcard and cased values exact beside merged ones', () => {
    const list = ['a1', 'b2', 'c3', 'd4', 'x*y', 'Q?'];
    expect(matches('f|contains', list, { f: '--x--y--' })).toBe(true);
    expect(matches('f|contains', list, { f: 'zzqZ' })).toBe(true);
    expect(matches('f|contains', list, { f: 'zzzz' })).toBe(false);
    expect(matches('f|contains|cased', ['A1', 'B2', 'C3', 'D4'], { f: 'a1' })).toBe(false);
  });
});
