// Splits a command line into arguments with their offsets in the original string, so a rule can
// mask one argument (or the inner part of it) and leave the rest of the line untouched.

export interface CommandArg {
  /** Offset of the first character of the raw argument, quotes included. */
  readonly start: number;
  /** Offset after its last character. */
  readonly end: number;
}

export interface ValueSpan {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** Splits `text[from, to)` on unquoted whitespace; `"..."` and `'...'` group. */
export function splitCommandLine(text: string, from = 0, to = text.length): CommandArg[] {
  const args: CommandArg[] = [];
  // A quote with no partner later on is an ordinary character, so one stray quote cannot glue
  // the rest of the line into a single argument. Once a quote has no partner, none after it has.
  const unpaired = { 34: false, 39: false };
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    if (i >= to) break;
    const start = i;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) break;
      if ((c === 34 || c === 39) && !unpaired[c]) {
        const close = text.indexOf(String.fromCharCode(c), i + 1);
        if (close >= 0 && close < to) i = close;
        else unpaired[c] = true;
      }
    }
    args.push({ start, end: i });
  }
  return args;
}

/**
 * The part of `arg` from `offset` on, without one layer of surrounding quotes (`"x y"`, `'x'`,
 * `\"x\"`).
 */
export function argValue(text: string, arg: CommandArg, offset = 0): ValueSpan {
  let start = arg.start + offset;
  let end = arg.end;
  while (text.charCodeAt(start) === 92 && start < end) start++;
  const open = text.charCodeAt(start);
  if ((open === 34 || open === 39) && end - start >= 2 && text.charCodeAt(end - 1) === open) {
    start++;
    end--;
    while (end > start && text.charCodeAt(end - 1) === 92) end--;
  } else {
    start = arg.start + offset;
  }
  return { start, end, value: text.slice(start, end) };
}

/** The argument as typed, without quotes: used for option names and tool names. */
export function argText(text: string, arg: CommandArg): string {
  return argValue(text, arg).value;
}

/**
 * Lower-case program name in an argument: its last run of name characters, without extension.
 * `C:\\Tools\\PsExec64.exe` → `psexec64`, `$(mysql;` → `mysql`, `impacket-secretsdump` →
 * `secretsdump`. Plain loops rather than `$`-anchored regexes, which go quadratic on long runs.
 */
export function programName(word: string): string {
  let end = word.length;
  while (end > 0 && ';|&)`\'"'.includes(word.charAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isNameChar(word.charCodeAt(start - 1))) start--;
  return word
    .slice(start, end)
    .toLowerCase()
    .replace(/\.(?:exe|py|cmd|bat|ps1)$/, '')
    .replace(/^impacket-/, '');
}

function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 || // _
    c === 46 || // .
    c === 126 || // ~
    c === 45 // -
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
