import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

// RFC 8785 §3.2.2 (input) and §3.2.4 (canonical UTF-8 bytes, in hex).
const RFC_SAMPLE_INPUT =
  '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
  '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", ' +
  '"literals": [null, true, false] }';
const RFC_SAMPLE_UTF8_HEX =
  '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62' +
  '657273223a5b3333333333333333332e333333333333332c31652b33302c342e352c30' +
  '2e3030322c31652d32375d2c22737472696e67223a22e282ac245c75303030665c6e41' +
  '27425c225c5c5c5c5c222f227d';

// RFC 8785 §3.2.3: property sorting by UTF-16 code units.
const RFC_SORT_INPUT =
  '{ "\\u20ac": "Euro Sign", "\\r": "Carriage Return", ' +
  '"\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", ' +
  '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", ' +
  '"\\u00f6": "Latin Small Letter O With Diaeresis" }';
const RFC_SORT_ORDER = [
  'Carriage Return',
  'One',
  'Control',
  'Latin Small Letter O With Diaeresis',
  'Euro Sign',
  'Emoji: Grinning Face',
  'Hebrew Letter Dalet With Dagesh',
];

// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
const RFC_NUMBERS: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

// cyberphone/json-canonicalization testdata/input/*.json → testdata/output/*.json (the reference
// test data of RFC 8785's authors). Invisible characters are written as escapes here.
const CYBERPHONE: [string, string, string][] = [
  [
    'structures.json',
    '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
    '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
  ],
  [
    'values.json',
    '{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
    '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
  ],
  [
    'weird.json',
    '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
    '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  ],
  [
    'french.json',
    '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n',
    '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
  ],
  [
    'unicode.json',
    '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
    '{"Unnormalized Unicode":"\u1e0d\u0307"}',
  ],
];

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalJson (RFC 8785)', () => {
  it('reproduces the RFC 8785 §3.2.4 sample byte for byte', () => {
    const out = canonicalJson(JSON.parse(RFC_SAMPLE_INPUT));
    expect(Buffer.from(out, 'utf8').toString('hex')).toBe(RFC_SAMPLE_UTF8_HEX);
  });

  it('sorts properties by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const out = canonicalJson(JSON.parse(RFC_SORT_INPUT));
    const positions = RFC_SORT_ORDER.map((v) => out.indexOf(v));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out.startsWith('{"\\r":"Carriage Return","1":"One"')).toBe(true);
  });

  it.each(RFC_NUMBERS)(
    'serialises the number with bits %s as %s (RFC 8785 Appendix B)',
    (bits, text) => {
      expect(canonicalJson(fromBits(bits))).toBe(text);
      expect(canonicalJson([fromBits(bits)])).toBe(`[${text}]`);
    },
  );

  it.each(CYBERPHONE)('matches cyberphone testdata %s', (_name, input, output) => {
    expect(canonicalJson(JSON.parse(input))).toBe(output);
  });

  it('matches cyberphone testdata simpleString (outhex)', () => {
    const out = canonicalJson(JSON.parse('    "this is a test string 1235"'));
    expect(Buffer.from(out).toString('hex').toUpperCase()).toBe(
      '22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22'.replaceAll(
        ' ',
        '',
      ),
    );
  });

  it('escapes control characters with lower-case hex and leaves / and non-ASCII alone', () => {
    expect(canonicalJson('\u0000\u001f\b\t\n\f\r"\\/é')).toBe(
      '"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/é"',
    );
  });

  it('leaves out members whose value is undefined', () => {
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a lone surrogate', '\ud800'],
    ['a lone surrogate in a name', { '\udc00': 1 }],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['undefined', undefined],
    ['undefined in an array', [1, undefined]],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Buffer', Buffer.from('x')],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(
      expect.objectContaining({ code: 'AUDIT_CANONICAL_INVALID' }),
    );
  });

  it('refuses nesting deeper than 64 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(
      expect.objectContaining({ code: 'AUDIT_CANONICAL_INVALID' }),
    );
  });

  it('round-trips: parsing the canonical text and canonicalising again gives the same text', () => {
    const value = JSON.parse(RFC_SAMPLE_INPUT) as unknown;
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });
});
