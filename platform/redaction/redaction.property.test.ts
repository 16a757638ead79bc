import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScanner } from './index.ts';
import { FAKE_SECRET_KINDS, makeFakeSecret } from './fake-secrets.ts';

const scanner = createSecretScanner();
const kind = fc.constantFrom(...FAKE_SECRET_KINDS);
const seed = fc.integer();
const ascii = fc.string({ maxLength: 60 });
const unicode = fc.string({ unit: 'grapheme', maxLength: 30 });

describe('redaction properties', () => {
  it('never lets a generated secret of any kind through, whatever text surrounds it', () => {
    fc.assert(
      fc.property(
        kind,
        seed,
        fc.oneof(ascii, unicode),
        fc.oneof(ascii, unicode),
        (k, s, before, after) => {
          const fake = makeFakeSecret(k, s);
          const result = scanner.redact(`${before} ${fake.text} ${after}`);
          expect(result.text).not.toContain(fake.secret);
          expect(result.rules.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never lets a secret through when the line is embedded in JSON', () => {
    fc.assert(
      fc.property(kind, seed, ascii, (k, s, noise) => {
        const fake = makeFakeSecret(k, s);
        const line = JSON.stringify({ ts: '2025-11-24T13:19:02Z', msg: `${noise} ${fake.text}` });
        expect(scanner.redact(line).text).not.toContain(fake.secret);
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent and only ever replaces text with masks', () => {
    fc.assert(
      fc.property(kind, seed, ascii, ascii, (k, s, before, after) => {
        const fake = makeFakeSecret(k, s);
        const input = `${before} ${fake.text} ${after}`;
        const once = scanner.redact(input);
        expect(scanner.redact(once.text).text).toBe(once.text);
        // Removing the masks from the output leaves a subsequence of the input's characters.
        let at = 0;
        for (const part of once.text.split(/\[REDACTED:[a-z0-9-]+\]/)) {
          const found = input.indexOf(part, at);
          expect(found).toBeGreaterThanOrEqual(0);
          at = found + part.length;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reports findings that lie inside the text, sorted and disjoint', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(kind, seed), { maxLength: 4 }), ascii, (secrets, glue) => {
        const text = secrets.map(([k, s]) => makeFakeSecret(k, s).text).join(` ${glue} `);
        let last = 0;
        for (const finding of scanner.scan(text)) {
          expect(finding.start).toBeGreaterThanOrEqual(last);
          expect(finding.end).toBeGreaterThan(finding.start);
          expect(finding.end).toBeLessThanOrEqual(text.length);
          last = finding.end;
        }
      }),
      { numRuns: 500 },
    );
  });
});
