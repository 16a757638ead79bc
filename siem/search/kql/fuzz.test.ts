import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../../platform/errors/index.ts';
import type { KqlField, KqlNode, KqlPatternPart } from './index.ts';
import { collectFields, formatKql, parseKql, positionAt, toElasticsearchQuery } from './index.ts';

/** Fragments that reach every rule of the grammar, glued at random. */
const fragment = fc.constantFrom(
  'a',
  'host.name',
  'web-01',
  '4624',
  '-1.5',
  'now-1d',
  '😀',
  'é',
  '主机',
  '\ud800',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\u00a0',
  ':',
  '(',
  ')',
  '{',
  '}',
  '<',
  '>',
  '<=',
  '>=',
  '"',
  '\\',
  '*',
  '?',
  'and',
  'or',
  'not',
  'AND',
  'Or',
  'NOT',
  '\\and',
  '\\not',
  '\\n',
  '\\u0041',
  '\\u12',
  '\\:',
  '\\"',
  '\\\\',
  ' and ',
  ' or ',
  'not ',
  'f:',
  'f:(',
  '"x y"',
  'x > ',
  '*:',
  'a.*',
  '\\*',
);
const kqlish = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
const anyString = fc.string({ unit: 'binary', maxLength: 60 });

/** Parses, or returns the error; fails the test on anything but a positioned SiemError. */
function parseOrError(input: string, spans = false): KqlNode | null {
  try {
    return parseKql(input, { spans });
  } catch (error) {
    expect(isSecOpsError(error)).toBe(true);
    if (!isSecOpsError(error)) return null;
    expect(['SIEM_QUERY_SYNTAX', 'SIEM_QUERY_UNSUPPORTED']).toContain(error.code);
    const { offset, line, column, expected } = error.details as {
      offset: number;
      line: number;
      column: number;
      expected: unknown;
    };
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(input.length);
    expect(positionAt(input, offset)).toEqual({ offset, line, column });
    expect(Array.isArray(expected)).toBe(true);
    expect(error.message).toContain(`at line ${line}, column ${column}: `);
    return null;
  }
}

function patternProblems(parts: readonly KqlPatternPart[]): string[] {
  const problems: string[] = [];
  if (!parts.some((p) => p.kind === 'any')) problems.push('pattern without *');
  if (!parts.some((p) => p.kind === 'text')) problems.push('pattern without text');
  parts.forEach((p, i) => {
    if (p.kind === 'text' && p.text === '') problems.push('empty pattern text');
    if (i > 0 && parts[i - 1]?.kind === p.kind) problems.push('adjacent pattern parts of one kind');
  });
  return problems;
}

function fieldProblems(field: KqlField): string[] {
  if (field.kind === 'wildcard') return patternProblems(field.parts);
  return field.name === '' ? ['empty field name'] : [];
}

/** Violations of the invariants ast.ts documents (plain checks: trees can be huge). */
function invariantProblems(root: KqlNode, input: string): string[] {
  const problems: string[] = [];
  const stack: KqlNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { span } = node;
    if (
      span !== undefined &&
      !(span.start >= 0 && span.start <= span.end && span.end <= input.length)
    ) {
      problems.push(`span out of the input: ${JSON.stringify(span)}`);
    }
    switch (node.type) {
      case 'and':
      case 'or':
        if (node.children.length < 2) problems.push(`${node.type} with fewer than two children`);
        for (const child of node.children) {
          if (child.type === node.type) problems.push(`${node.type} not flattened`);
          stack.push(child);
        }
        break;
      case 'not':
        stack.push(node.child);
        break;
      case 'match':
        if (node.field !== null) problems.push(...fieldProblems(node.field));
        if (node.value.kind === 'wildcard') problems.push(...patternProblems(node.value.parts));
        if (node.value.kind === 'term' && node.value.text === '') problems.push('empty term');
        break;
      case 'exists':
        problems.push(...fieldProblems(node.field));
        break;
      case 'range':
        problems.push(...fieldProblems(node.field));
        if (
          typeof node.value === 'number' &&
          (!Number.isFinite(node.value) || Object.is(node.value, -0))
        ) {
          problems.push(`bad number ${node.value}`);
        }
        break;
      case 'match_all':
        break;
    }
  }
  return problems;
}

function checkAccepted(input: string): void {
  const node = parseOrError(input);
  if (node === null) return;
  expect(invariantProblems(node, input)).toEqual([]);
  expect(formatKql(parseKql(formatKql(node)))).toBe(formatKql(node));
  expect(parseKql(formatKql(node))).toEqual(node);
  collectFields(node);
  try {
    toElasticsearchQuery(node);
  } catch (error) {
    expect(error).toMatchObject({ code: 'SIEM_QUERY_UNSUPPORTED' });
  }
  const withSpans = parseOrError(input, true);
  if (withSpans !== null) expect(invariantProblems(withSpans, input)).toEqual([]);
}

describe('parseKql fuzzing', () => {
  it('turns KQL-like noise into a valid tree or a positioned SiemError', () => {
    fc.assert(fc.property(kqlish, checkAccepted), { numRuns: 5000 });
  });

  it('turns arbitrary strings into a valid tree or a positioned SiemError', () => {
    fc.assert(fc.property(anyString, checkAccepted), { numRuns: 3000 });
  });

  it('survives pathological inputs without hanging or overflowing', () => {
    const n = 20_000;
    const inputs = [
      '('.repeat(n),
      ')'.repeat(n),
      '\\'.repeat(n),
      '"'.repeat(n),
      `"${'\\"'.repeat(n)}`,
      '*'.repeat(n),
      ':'.repeat(n),
      'not '.repeat(n),
      'a '.repeat(n),
      'a and '.repeat(n),
      `${'a or '.repeat(n)}a`,
      `f:(${'a or '.repeat(n)}a)`,
      `${'(a and '.repeat(n)}a`,
      '\\u0041'.repeat(n),
      '😀'.repeat(n),
      '\n'.repeat(n) + '(',
    ];
    for (const input of inputs) checkAccepted(input);
  });
});
