import type { JsonObject, JsonValue } from '../../parsers/parser.ts';
import { ARRAY_MARK, UNINDEXED_TEXT_FIELDS } from './layout.ts';

/** What one event contributes to the indexes, computed in one walk over the document. */
export interface IndexFields {
  /** Text for the full-text index: every scalar value but dates, space-separated. */
  readonly text: string;
  /** One entry per promoted field: its value, `ARRAY_MARK` + JSON for several, or null. */
  readonly promoted: (string | null)[];
}

/**
 * The paths that matter to indexing, as a tree of keys, so the walk never builds path strings:
 * a node says whether its path is a promoted field (its slot) or left out of the text.
 */
interface PathNode {
  readonly children: Map<string, PathNode>;
  slot: number;
  skipText: boolean;
}

const newNode = (): PathNode => ({ children: new Map(), slot: -1, skipText: false });

function buildTree(promotedFields: readonly string[]): PathNode {
  const root = newNode();
  const at = (path: string): PathNode => {
    let node = root;
    for (const key of path.split('.')) {
      let next = node.children.get(key);
      if (!next) {
        next = newNode();
        node.children.set(key, next);
      }
      node = next;
    }
    return node;
  };
  promotedFields.forEach((field, slot) => (at(field).slot = slot));
  for (const field of UNINDEXED_TEXT_FIELDS) at(field).skipText = true;
  return root;
}

const trees = new WeakMap<readonly string[], PathNode>();

export function indexFields(doc: JsonObject, promotedFields: readonly string[]): IndexFields {
  let tree = trees.get(promotedFields);
  if (!tree) {
    tree = buildTree(promotedFields);
    trees.set(promotedFields, tree);
  }
  const values: (string[] | undefined)[] = new Array<string[] | undefined>(promotedFields.length);
  const text: string[] = [];

  const leaf = (value: string | number | boolean, node: PathNode | undefined): void => {
    const s = typeof value === 'string' ? value : String(value);
    if (!node?.skipText) text.push(s);
    if (node !== undefined && node.slot >= 0) (values[node.slot] ??= []).push(s);
  };
  const walk = (value: JsonValue, node: PathNode | undefined): void => {
    if (value === null) return;
    if (typeof value !== 'object') {
      leaf(value, node);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) walk(item, node);
      return;
    }
    for (const key in value) {
      const child = value[key];
      if (child !== undefined) walk(child, node?.children.get(key));
    }
  };
  walk(doc, tree);

  const promoted: (string | null)[] = new Array<string | null>(promotedFields.length);
  for (let i = 0; i < promotedFields.length; i++) {
    const v = values[i];
    promoted[i] =
      v === undefined ? null : v.length === 1 ? (v[0] ?? null) : ARRAY_MARK + JSON.stringify(v);
  }
  return { text: text.join(' '), promoted };
}

/** Splits a promoted column value back into its values. */
export function promotedValues(column: string): string[] {
  if (!column.startsWith(ARRAY_MARK)) return [column];
  const parsed: unknown = JSON.parse(column.slice(ARRAY_MARK.length));
  return Array.isArray(parsed) ? parsed.map(String) : [column];
}
