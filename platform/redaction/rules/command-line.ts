import type { ReportSpan, SecretRule } from '../secret-rule.ts';
import { isSecretFieldName } from '../secret-field-name.ts';
import { isPlaceholderValue } from '../secret-value.ts';
import { COMMAND_OPTION, USERINFO_AT, WINDOWS_SECRET_SWITCH } from './anchors.ts';
import type { CommandArg, ValueSpan } from './command-line-args.ts';
import { argText, argValue, programName, splitCommandLine } from './command-line-args.ts';
import { TOOLS, isWindowsSecretSwitch, shortFlagValue } from './command-line-tools.ts';
import type { ToolSpec } from './command-line-tools.ts';

/** Single-word options that are passwords without saying so (keytool, OpenSSL, impacket). */
const PASSWORD_OPTIONS = new Set([
  'storepass',
  'keypass',
  'srcstorepass',
  'deststorepass',
  'srckeypass',
  'destkeypass',
  'passin',
  'passout',
  'hashes',
  'aeskey',
]);
const FILE_LIKE =
  /^(?:\/|~\/|\.{1,2}[/\\]|[A-Za-z]:[/\\]|\\\\|@)|\.(?:pem|key|p12|pfx|jks|crt|txt|json|ya?ml|env|gpg|asc)$/i;
const OPENSSL_INDIRECT = /^(?:env|file|fd):|^stdin$/i;
const LEADING_ESCAPE = /^(?:\\[ntr])+/;
const SHELL_SEPARATORS = new Set(['|', '||', '&&', ';', '&']);
/** Something a password can follow: a secret-named option, a known tool, a Windows switch. */
const COMMAND_GATE = new RegExp(
  [
    '(?:^|[\\s"\'`]|\\\\[ntr])[-/]{1,2}[A-Za-z0-9_.-]{0,30}(?i:pass|pwd|secret|token|key|auth|cred|hashes|ntlm|rc4|aes|ticket)',
    toolPattern((spec) => spec.subcommand === undefined, '(?:\\.exe|\\.py)?["\']?\\s'),
    toolPattern(
      (spec) => spec.subcommand !== undefined,
      '(?:\\.exe)?\\s+(?:\\S+\\s+){0,2}(?i:login)\\b',
    ),
  ].join('|'),
);

function toolPattern(select: (spec: ToolSpec) => boolean, suffix: string): string {
  const names = [...TOOLS].filter(([, spec]) => select(spec)).map(([name]) => name);
  return `(?<=^|[^A-Za-z0-9]|\\\\[ntr])(?i:${names.join('|')})${suffix}`;
}

/** Positional passwords sit within a few arguments of the program name; the bound keeps scans linear. */
const POSITIONAL_WINDOW = 24;
/** Nested command strings (`powershell -c "..."`, `sh -c '...'`) are split this deep. */
const MAX_NESTING = 2;

export const commandLinePasswordRule: SecretRule = {
  id: 'cli-password',
  description:
    'Password or token passed as a command-line argument: --password X, -storepass X, tool flags (mysql -pX, sshpass -p X, psexec -p X, curl -u user:X, ...), net user NAME X, /pass:X',
  specificity: 'generic',
  anchors: [
    COMMAND_OPTION,
    WINDOWS_SECRET_SWITCH,
    USERINFO_AT,
    '/(?:[rR][pP]|[pP])\\s',
    '-(?<=(?i:convertto)-)(?i:securestring)',
    '(?i:net)1?(?:\\.exe)?["\']?\\s{1,8}(?i:user|use)\\s',
  ],
  find(text, report) {
    if (COMMAND_GATE.test(text)) scanCommand(text, 0, text.length, report, 0);
  },
};

function scanCommand(
  text: string,
  from: number,
  to: number,
  report: ReportSpan,
  depth: number,
): void {
  const args = splitCommandLine(text, from, to);
  const emit = (span: ValueSpan | undefined): void => {
    if (span !== undefined && !isPlaceholderValue(span.value)) report(span.start, span.end);
  };
  let tool: { readonly spec: ToolSpec; armed: boolean } | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    // A literal `\n` glued to the front comes from an escaped log line, not from the command.
    const word = argText(text, arg).replace(LEADING_ESCAPE, '');
    const next = args[i + 1];
    if (depth < MAX_NESTING) scanNested(text, arg, report, depth);
    if (SHELL_SEPARATORS.has(word)) {
      tool = undefined;
      continue;
    }
    const program = toolName(word);
    const spec = program === undefined ? undefined : TOOLS.get(program);
    if (spec !== undefined) {
      tool = { spec, armed: spec.subcommand === undefined };
      if (spec.positional !== undefined) {
        emit(spec.positional(text, args.slice(i + 1, i + 1 + POSITIONAL_WINDOW)));
      }
      continue;
    }
    if (tool !== undefined && !tool.armed && word.toLowerCase() === tool.spec.subcommand) {
      tool.armed = true;
      continue;
    }
    if (tool?.armed === true) {
      const flagged = shortFlagValue(text, tool.spec, arg, word, next);
      if (flagged !== undefined) {
        emit(flagged);
        continue;
      }
    }
    if (word.startsWith('/')) {
      emit(isWindowsSecretSwitch(text, arg, word));
      continue;
    }
    if (word.startsWith('-') && next !== undefined) {
      emit(optionValue(text, word, next));
    }
  }
}

/**
 * The known tool an argument names, if any. `C:\\Windows\\net1.exe` is a path, but in
 * `...\\nnet` the `\\n` is an escaped newline from a log line, so both readings are tried.
 */
function toolName(word: string): string | undefined {
  const direct = programName(word);
  if (TOOLS.has(direct)) return direct;
  let escape = word.length - 2;
  while (
    escape >= 0 &&
    !(word.charAt(escape) === '\\' && 'ntr'.includes(word.charAt(escape + 1)))
  ) {
    escape--;
  }
  if (escape < 0) return undefined;
  const afterEscape = programName(word.slice(escape + 2));
  return TOOLS.has(afterEscape) ? afterEscape : undefined;
}

/** `--password X`, `-Password X`, `-storepass X`, `-passin pass:X` (the `=` form is an assignment). */
function optionValue(text: string, word: string, next: CommandArg): ValueSpan | undefined {
  if (word.includes('=')) return undefined;
  const name = word.replace(/^--?/, '');
  if (name.length < 2 || word.startsWith('---')) return undefined;
  if (!isSecretFieldName(name) && !PASSWORD_OPTIONS.has(name.toLowerCase())) return undefined;
  const value = argValue(text, next);
  if (value.value.startsWith('-') || OPENSSL_INDIRECT.test(value.value)) return undefined;
  if (value.value.toLowerCase().startsWith('pass:')) {
    return { start: value.start + 5, end: value.end, value: value.value.slice(5) };
  }
  return FILE_LIKE.test(value.value) ? undefined : value;
}

/** Scans each quoted section of `arg` that holds whitespace as a command of its own. */
function scanNested(text: string, arg: CommandArg, report: ReportSpan, depth: number): void {
  const unpaired = { 34: false, 39: false };
  for (let i = arg.start; i < arg.end; i++) {
    const c = text.charCodeAt(i);
    if ((c !== 34 && c !== 39) || unpaired[c]) continue;
    const close = text.indexOf(String.fromCharCode(c), i + 1);
    if (close < 0 || close >= arg.end) {
      unpaired[c] = true; // an ordinary character, and so is every later one of its kind
      continue;
    }
    if (/\s/.test(text.slice(i + 1, close))) scanCommand(text, i + 1, close, report, depth + 1);
    i = close;
  }
}
