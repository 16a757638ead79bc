import { CompileIssue } from './compile-issue.ts';

/**
 * Sigma `re` values are PCRE/Python-flavoured. JavaScript rejects some of their syntax, so the
 * pattern is translated where the meaning is the same, and reported as unsupported where not.
 */
export function compileSigmaRegex(pattern: string, flags: string): RegExp {
  let source = pattern;
  let allFlags = flags;
  // A leading global flag group `(?i)`, `(?is)`, … becomes JavaScript flags.
  const leading = /^\(\?([imsx]+)\)/.exec(source);
  if (leading) {
    const inline = leading[1] ?? '';
    if (inline.includes('x'))
      throw CompileIssue.unsupported('re', 'verbose regular expressions ((?x)) are not supported');
    allFlags += inline;
    source = source.slice(leading[0].length);
  }
  if (/(^|[^\\])(\\\\)*\(\?[imsx]+\)/.test(source)) {
    throw CompileIssue.unsupported(
      're',
      'an inline flag group (?i) that is not at the start of the pattern has no JavaScript equivalent',
    );
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2$');
  const unique = [...new Set(allFlags)].join('');
  try {
    return new RegExp(source, unique);
  } catch (err) {
    throw CompileIssue.unsupported(
      're',
      `regular expression not valid in JavaScript: ${(err as Error).message}`,
    );
  }
}
