// Tools whose short flags or positional arguments carry a password. A short flag such as `-p`
// means "port" or "parents" to most programs, so it is only read as a password after the
// program that defines it that way.
import type { CommandArg, ValueSpan } from './command-line-args.ts';
import { argText, argValue } from './command-line-args.ts';

export interface ToolSpec {
  /** Flags whose value is the password, matched case-sensitively unless they start with `/`. */
  readonly flags?: readonly string[];
  /** `next`: `-p X`; `attached`: `-pX`, `--user=X`; `either`: both. */
  readonly style?: 'next' | 'attached' | 'either';
  /** The password is the part after this character (`curl -u user:pass`, `smbclient -U user%pass`). */
  readonly split?: ':' | '%';
  /** Flags only count after this subcommand (`docker login -p X`, not `docker run -p 80:80`). */
  readonly subcommand?: string;
  /** Finds a password among the arguments after the program name. */
  readonly positional?: (text: string, rest: readonly CommandArg[]) => ValueSpan | undefined;
}

const mysql: ToolSpec = { flags: ['-p'], style: 'attached' };
const sqlServer: ToolSpec = { flags: ['-P'], style: 'either' };
const mongo: ToolSpec = { flags: ['-p'], style: 'either' };
const ldap: ToolSpec = { flags: ['-w'], style: 'next' };
const psexec: ToolSpec = { flags: ['-p'], style: 'next' };
const registryLogin: ToolSpec = { flags: ['-p'], style: 'next', subcommand: 'login' };
const samba: ToolSpec = { flags: ['-U', '--user'], style: 'either', split: '%' };
const impacket: ToolSpec = { positional: impacketTargetPassword };

export const TOOLS: ReadonlyMap<string, ToolSpec> = new Map<string, ToolSpec>([
  ...[
    'mysql',
    'mysqldump',
    'mysqladmin',
    'mysqlimport',
    'mysqlshow',
    'mysqlcheck',
    'mysqlpump',
  ].map((name) => [name, mysql] as const),
  ...['mariadb', 'mariadb-dump', 'mariadb-admin'].map((name) => [name, mysql] as const),
  ...['sqlcmd', 'osql', 'bcp'].map((name) => [name, sqlServer] as const),
  ...['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport'].map(
    (name) => [name, mongo] as const,
  ),
  ...['ldapsearch', 'ldapmodify', 'ldapadd', 'ldapdelete', 'ldapwhoami', 'ldappasswd'].map(
    (name) => [name, ldap] as const,
  ),
  ...['ldapcompare', 'ldapmodrdn', 'ldapexop'].map((name) => [name, ldap] as const),
  ...['psexec', 'psexec64', 'paexec'].map((name) => [name, psexec] as const),
  ...['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'az', 'oras'].map(
    (name) => [name, registryLogin] as const,
  ),
  ...['smbclient', 'rpcclient', 'winexe'].map((name) => [name, samba] as const),
  ...['secretsdump', 'wmiexec', 'smbexec', 'atexec', 'dcomexec', 'getuserspns', 'getnpusers'].map(
    (name) => [name, impacket] as const,
  ),
  ...['gettgt', 'getst', 'mssqlclient', 'lookupsid'].map((name) => [name, impacket] as const),
  ['sshpass', { flags: ['-p'], style: 'either' }],
  ['redis-cli', { flags: ['-a'], style: 'next' }],
  ['useradd', { flags: ['-p'], style: 'next' }],
  ['usermod', { flags: ['-p'], style: 'next' }],
  ['curl', { flags: ['-u', '-U', '--user', '--proxy-user'], style: 'either', split: ':' }],
  ['schtasks', { flags: ['/rp', '/p'], style: 'next' }],
  ['net', { positional: netPassword }],
  ['net1', { positional: netPassword }],
  ['convertto-securestring', { positional: secureStringLiteral }],
]);

/** The password a tool flag carries in `arg` (or in `next`), or undefined. */
export function shortFlagValue(
  text: string,
  spec: ToolSpec,
  arg: CommandArg,
  word: string,
  next: CommandArg | undefined,
): ValueSpan | undefined {
  const raw = text.slice(arg.start, arg.end);
  for (const flag of spec.flags ?? []) {
    const windows = flag.startsWith('/');
    const same = windows ? word.toLowerCase() === flag : word === flag;
    let value: ValueSpan | undefined;
    if (same && spec.style !== 'attached' && next !== undefined) {
      value = argValue(text, next);
    } else if (!same && spec.style !== 'next' && !windows) {
      const prefix = flag.startsWith('--') ? `${flag}=` : flag;
      if (raw.startsWith(prefix) && raw.length > prefix.length) {
        value = argValue(text, arg, prefix.length);
      }
    }
    if (value !== undefined) return spec.split === undefined ? value : after(value, spec.split);
  }
  return undefined;
}

/** `/pass:X`, `/password:X` (cmdkey), `/ntlm:X`, `/rc4:X`, `/aes256:X` (mimikatz, Rubeus). */
export function isWindowsSecretSwitch(
  text: string,
  arg: CommandArg,
  word: string,
): ValueSpan | undefined {
  const match = /^\/(pass|password|passwd|pwd|ntlm|rc4|aes128|aes256|ticket|certpassword):/i.exec(
    word,
  );
  if (match === null || text.charCodeAt(arg.start) !== 47) return undefined;
  return argValue(text, arg, match[0].length);
}

function after(value: ValueSpan, separator: string): ValueSpan | undefined {
  const at = value.value.indexOf(separator);
  if (at < 0) return undefined; // no password given: the tool prompts for it
  return { start: value.start + at + 1, end: value.end, value: value.value.slice(at + 1) };
}

/** `net user NAME PASSWORD`, `net use [X:] \\host\share PASSWORD /user:NAME`. */
function netPassword(text: string, rest: readonly CommandArg[]): ValueSpan | undefined {
  const words = rest.map((arg) => ({ arg, word: argText(text, arg) }));
  const sub = words[0]?.word.toLowerCase();
  const positionals = words.slice(1).filter(({ word }) => !word.startsWith('/'));
  let candidate: CommandArg | undefined;
  if (sub === 'user') {
    candidate = positionals[1]?.arg;
  } else if (sub === 'use') {
    let at = 0;
    if (/^(?:[A-Za-z]:|\*)$/.test(positionals[at]?.word ?? '')) at++;
    if (!(positionals[at]?.word ?? '').startsWith('\\\\')) return undefined;
    candidate = positionals[at + 1]?.arg;
  }
  if (candidate === undefined) return undefined;
  const value = argValue(text, candidate);
  return value.value === '*' ? undefined : value;
}

/** `ConvertTo-SecureString 'P@ss' -AsPlainText -Force` or `-String 'P@ss'`. */
function secureStringLiteral(text: string, rest: readonly CommandArg[]): ValueSpan | undefined {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === undefined) break;
    const word = argText(text, arg);
    if (word === '|' || word === ';') break;
    if (word.toLowerCase() === '-string') {
      const next = rest[i + 1];
      return next === undefined ? undefined : argValue(text, next);
    }
    if (!word.startsWith('-')) return argValue(text, arg);
  }
  return undefined;
}

/** impacket targets: `[domain/]user:password@host`. */
function impacketTargetPassword(text: string, rest: readonly CommandArg[]): ValueSpan | undefined {
  for (const arg of rest) {
    const value = argValue(text, arg);
    if (value.value.startsWith('-')) continue;
    const at = value.value.lastIndexOf('@');
    const slash = value.value.indexOf('/');
    const colon = value.value.indexOf(':', slash + 1);
    if (colon > 0 && at > colon + 1) {
      return {
        start: value.start + colon + 1,
        end: value.start + at,
        value: value.value.slice(colon + 1, at),
      };
    }
  }
  return undefined;
}
