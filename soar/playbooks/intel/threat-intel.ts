import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BlockList, isIP } from 'node:net';
import { SoarError } from '../../errors.ts';

/** What an indicator is: the STIX cyber-observable kinds we match on. */
export type IndicatorType =
  'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'email-addr' | 'file-hash' | 'user' | 'other';

/** One entry of a list or a threat-intel file. */
export interface Indicator {
  readonly value: string;
  readonly type: IndicatorType;
  /** The list (file name without extension) it came from. */
  readonly list: string;
  readonly tags: readonly string[];
  readonly description: string | null;
}

export interface IntelMatch extends Indicator {
  /** The value looked up (an address inside a listed network matches that network). */
  readonly matched: string;
}

/** Lookups in the configured enrichment lists and threat-intel files. */
export interface ThreatIntel {
  lookup(values: readonly string[], lists?: readonly string[]): IntelMatch[];
  /** The lists loaded, with their entry counts. */
  lists(): { readonly name: string; readonly file: string; readonly entries: number }[];
}

interface LoadedList {
  readonly name: string;
  readonly file: string;
  readonly exact: Map<string, Indicator>;
  readonly networks: { readonly list: BlockList; readonly indicator: Indicator }[];
}

const HASH = /^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{64}|[a-f0-9]{128})$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The type a bare value looks like (the lists carry no types of their own). */
export function guessType(value: string): IndicatorType {
  const address = value.split('/')[0] ?? '';
  if (isIP(address) === 4) return 'ipv4-addr';
  if (isIP(address) === 6) return 'ipv6-addr';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (/^[^@\s]+@[^@\s]+$/.test(value)) return 'email-addr';
  if (HASH.test(value)) return 'file-hash';
  if (DOMAIN.test(value)) return 'domain-name';
  return 'other';
}

/** Domains, hashes, e-mail addresses and URLs compare case-insensitively; the rest exactly. */
function keyOf(value: string, type: IndicatorType): string {
  return type === 'user' || type === 'other' ? value : value.toLowerCase();
}

function invalid(file: string, line: number, field: string, message: string): SoarError {
  return new SoarError('SOAR_INVALID_REQUEST', `${file}:${String(line)}: ${field}: ${message}`, {
    issues: [{ path: `${file}:${String(line)}`, message: `${field}: ${message}` }],
  });
}

/** Splits one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** `[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'evil.example']` → its values. */
const STIX_COMPARISON = /([a-z0-9-]+):([A-Za-z0-9_.'-]+(?:\.'[^']+')?)\s*=\s*'((?:[^'\\]|\\.)*)'/g;

function stixObservables(pattern: string): { type: IndicatorType; value: string }[] {
  const found: { type: IndicatorType; value: string }[] = [];
  for (const match of pattern.matchAll(STIX_COMPARISON)) {
    const [, object = '', path = '', raw = ''] = match;
    const value = raw.replace(/\\(.)/g, '$1');
    const type: IndicatorType =
      object === 'file'
        ? 'file-hash'
        : object === 'user-account'
          ? 'user'
          : ['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr'].includes(object)
            ? (object as IndicatorType)
            : 'other';
    if (object === 'file' && !path.startsWith('hashes')) continue;
    found.push({ type, value });
  }
  return found;
}

function entriesOf(file: string, text: string, list: string): Indicator[] {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    let bundle: unknown;
    try {
      bundle = JSON.parse(text);
    } catch (err) {
      throw invalid(file, 1, 'document', `not JSON: ${(err as Error).message}`);
    }
    const objects = (bundle as { type?: unknown; objects?: unknown }).objects;
    if ((bundle as { type?: unknown }).type !== 'bundle' || !Array.isArray(objects))
      throw invalid(
        file,
        1,
        'type',
        'expected a STIX 2.1 bundle ({"type": "bundle", "objects": [...]})',
      );
    const out: Indicator[] = [];
    for (const object of objects as Record<string, unknown>[]) {
      if (object.type !== 'indicator' || object.pattern_type !== 'stix') continue;
      if (typeof object.pattern !== 'string') continue;
      const labels = Array.isArray(object.labels) ? object.labels.map(String) : [];
      const types = Array.isArray(object.indicator_types) ? object.indicator_types.map(String) : [];
      const description =
        typeof object.description === 'string'
          ? object.description
          : typeof object.name === 'string'
            ? object.name
            : null;
      for (const observable of stixObservables(object.pattern))
        out.push({ ...observable, list, tags: [...types, ...labels], description });
    }
    return out;
  }
  const lines = text.split(/\r?\n/);
  if (ext === '.csv') {
    const header = csvFields(lines[0] ?? '').map((h) => h.toLowerCase());
    const valueColumn = header.findIndex((h) => h === 'value' || h === 'indicator');
    if (valueColumn < 0)
      throw invalid(file, 1, 'header', 'needs a "value" (or "indicator") column');
    const column = (name: string) => header.indexOf(name);
    const out: Indicator[] = [];
    lines.slice(1).forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const fields = csvFields(line);
      const value = fields[valueColumn] ?? '';
      if (value === '') throw invalid(file, i + 2, header[valueColumn] ?? 'value', 'is empty');
      const typed = fields[column('type')];
      out.push({
        value,
        type: typed === undefined || typed === '' ? guessType(value) : (typed as IndicatorType),
        list,
        tags: (fields[column('tags')] ?? '')
          .split(/[;|]/)
          .map((t) => t.trim())
          .filter(Boolean),
        description:
          (fields[column('description')] ?? '') === ''
            ? null
            : (fields[column('description')] ?? null),
      });
    });
    return out;
  }
  // A plain list: one value per line; `#` starts a comment.
  const out: Indicator[] = [];
  lines.forEach((line) => {
    const value = (line.split('#')[0] ?? '').trim();
    if (value === '') return;
    out.push({ value, type: guessType(value), list, tags: [], description: null });
  });
  return out;
}

function loadList(file: string): LoadedList {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(file, 0, 'file', `cannot read: ${(err as Error).message}`);
  }
  const name = basename(file, extname(file));
  const exact = new Map<string, Indicator>();
  const networks: LoadedList['networks'] = [];
  for (const indicator of entriesOf(file, text, name)) {
    const [address = '', prefix] = indicator.value.split('/');
    const family = isIP(address);
    if (family !== 0 && prefix !== undefined) {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))
        throw invalid(file, 0, indicator.value, 'not a valid network prefix');
      const list = new BlockList();
      list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
      networks.push({ list, indicator });
    } else exact.set(keyOf(indicator.value, indicator.type), indicator);
  }
  return { name, file, exact, networks };
}

/**
 * Loads enrichment lists and threat-intel files: `.txt` (one value per line: addresses,
 * networks in CIDR form, domains, hashes, users), `.csv` (a `value` column and optional `type`,
 * `tags`, `description`) and `.json` STIX 2.1 bundles (indicators whose STIX pattern compares
 * observables for equality). Each file is one list named after it. A file that cannot be read
 * or parsed throws, naming the file and line.
 */
export function loadThreatIntel(files: readonly string[]): ThreatIntel {
  const lists = files.map(loadList);
  return {
    lookup(values, only) {
      const wanted = only === undefined ? lists : lists.filter((l) => only.includes(l.name));
      const matches: IntelMatch[] = [];
      for (const raw of values) {
        const value = raw.trim();
        if (value === '') continue;
        const type = guessType(value);
        const family = isIP(value);
        for (const list of wanted) {
          const hit = list.exact.get(keyOf(value, type)) ?? list.exact.get(value);
          if (hit !== undefined) matches.push({ ...hit, matched: value });
          if (family === 0) continue;
          for (const network of list.networks)
            if (network.list.check(value, family === 4 ? 'ipv4' : 'ipv6'))
              matches.push({ ...network.indicator, matched: value });
        }
      }
      return matches;
    },
    lists() {
      return lists.map((l) => ({
        name: l.name,
        file: l.file,
        entries: l.exact.size + l.networks.length,
      }));
    },
  };
}
