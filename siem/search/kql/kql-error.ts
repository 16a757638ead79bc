import { SiemError } from '../../errors.ts';

/** Where a query error sits: UTF-16 offset, 1-based line, 1-based column in code points. */
export interface KqlPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * Line and column of `offset` in `input`. Lines break at `\n`, `\r\n` and a lone `\r`; columns
 * count Unicode code points, so an emoji is one column.
 */
export function positionAt(input: string, offset: number): KqlPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, input.length);
  for (let i = 0; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && input.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = input.charCodeAt(i);
    // The high half of a surrogate pair counts as the character; skip its low half.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    column++;
  }
  return { offset, line, column };
}

/** A `SIEM_QUERY_SYNTAX` error at `offset`, listing what the parser expected there. */
export function kqlSyntaxError(
  input: string,
  offset: number,
  description: string,
  expected: readonly string[],
): SiemError {
  const position = positionAt(input, offset);
  return new SiemError(
    'SIEM_QUERY_SYNTAX',
    `syntax error at line ${position.line}, column ${position.column}: ${description}`,
    { details: { ...position, expected: [...expected] } },
  );
}

/** A `SIEM_QUERY_UNSUPPORTED` error: valid KQL this platform does not run, at `offset`. */
export function kqlUnsupportedError(input: string, offset: number, description: string): SiemError {
  const position = positionAt(input, offset);
  return new SiemError(
    'SIEM_QUERY_UNSUPPORTED',
    `unsupported query at line ${position.line}, column ${position.column}: ${description}`,
    { details: { ...position, expected: [] } },
  );
}
