import type { SecretRule } from './secret-rule.ts';

/**
 * Decides which rules can match a string, from the anchors the rules declare. Nearly every
 * string is rejected by one scan per anchor group; on a hit, the same scan goes on to find
 * which anchors matched, and so which rules to run.
 */
export interface Prefilter {
  /** Sets `selected[i] = 1` for every rule `i` one of whose anchors matches; true if any did. */
  select(text: string, selected: Uint8Array): boolean;
}

// V8 skips quickly over characters that cannot start any alternative of a regex. Anchors that
// begin with a rare character (an upper-case letter, `_`, `-`, `.`, `@`, `/`) keep that fast
// skip only if no alternative of the same regex begins with a common one (a lower-case letter, a
// case-insensitive group, `\s`), so the two kinds get a regex each.
const RARE_LEAD = /^(?:[A-Z_\-.@:/=<>#%&~]|\\[.\-/@])/;

interface Group {
  /** Every anchor of the group in one global regex: finds each position where some matches. */
  readonly locate: RegExp;
  /** Each anchor alone, sticky: which of them match at a located position. */
  readonly sticky: readonly RegExp[];
  /** The character each anchor must start with, when its source says so: skips hopeless tries. */
  readonly leads: readonly (string | undefined)[];
  /** Rule indices owning each anchor. */
  readonly owners: readonly (readonly number[])[];
}

export function createPrefilter(rules: readonly SecretRule[]): Prefilter {
  const owners = new Map<string, number[]>();
  rules.forEach((rule, order) => {
    for (const anchor of rule.anchors) owners.set(anchor, [...(owners.get(anchor) ?? []), order]);
  });
  const sources = [...owners.keys()];
  const groups = [
    sources.filter((s) => RARE_LEAD.test(s)),
    sources.filter((s) => !RARE_LEAD.test(s)),
  ]
    .filter((group) => group.length > 0)
    .map((group): Group => {
      const union = group.map((s) => `(?:${s})`).join('|');
      return {
        locate: new RegExp(union, 'g'),
        sticky: group.map((s) => new RegExp(s, 'y')),
        leads: group.map(leadChar),
        owners: group.map((s) => owners.get(s) ?? []),
      };
    });

  return {
    select(text, selected) {
      let any = false;
      for (const group of groups) if (locateAnchors(group, text, selected)) any = true;
      return any;
    },
  };
}

/**
 * Visits every position where some anchor matches (capture groups would tell which, but they
 * make every attempt slower) and tries each anchor there on its own. Positions are visited once
 * each, so the walk stays linear in the text.
 */
function locateAnchors(group: Group, text: string, selected: Uint8Array): boolean {
  const { locate, sticky, leads, owners } = group;
  locate.lastIndex = 0;
  let found = false;
  for (let m = locate.exec(text); m !== null; m = locate.exec(text)) {
    found = true;
    const at = text.charAt(m.index);
    for (let k = 0; k < sticky.length; k++) {
      const alone = sticky[k];
      const lead = leads[k];
      if (alone === undefined || (lead !== undefined && lead !== at)) continue;
      alone.lastIndex = m.index;
      if (alone.test(text)) mark(owners[k], selected);
    }
    locate.lastIndex = m.index + 1;
  }
  return found;
}

function mark(rules: readonly number[] | undefined, selected: Uint8Array): void {
  for (const rule of rules ?? []) selected[rule] = 1;
}

/**
 * The literal first character of a regex source (`A(?:KIA...`, `\\.eyJ`), if it has a fixed one.
 * A top-level `|` means another branch may start differently, so there is none.
 */
function leadChar(source: string): string | undefined {
  if (hasTopLevelAlternation(source)) return undefined;
  const escaped = /^\\([.\-/@])/.exec(source);
  if (escaped !== null) return escaped[1];
  const plain = /^([A-Za-z0-9_@:/=<>#%&~-])(?![?*{])/.exec(source);
  return plain?.[1];
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
