import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';

/**
 * A rule file read as YAML documents (one file may hold several: a correlation rule and the
 * rules it references), each able to say on which line a path inside it sits.
 */
export interface RuleDocument {
  /** 0-based index of the document in its file. */
  readonly index: number;
  readonly value: unknown;
  /** 1-based line of the document's start. */
  readonly line: number;
  /** 1-based line of the node at `path`, or of the document when it cannot be found. */
  lineOf(path: readonly (string | number)[]): number;
}

export type ReadResult =
  | { readonly ok: true; readonly documents: readonly RuleDocument[] }
  | {
      readonly ok: false;
      readonly line: number;
      readonly column: number;
      readonly message: string;
    };

/** Keys that YAML would turn into prototype pollution or that cannot be a Sigma key. */
const MAX_ALIAS_COUNT = 100;

export function readRuleDocuments(text: string): ReadResult {
  const counter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  const all = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) {
    // An empty stream.
    return { ok: true, documents: [] };
  }
  const documents: RuleDocument[] = [];
  for (const [index, doc] of all.entries()) {
    const error = doc.errors[0];
    if (error) {
      const pos = counter.linePos(error.pos[0]);
      return { ok: false, line: pos.line, column: pos.col, message: firstLine(error.message) };
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const pos = counter.linePos(doc.range[0]);
      return { ok: false, line: pos.line, column: pos.col, message: (err as Error).message };
    }
    documents.push(toRuleDocument(doc, index, value, counter));
  }
  return { ok: true, documents };
}

function toRuleDocument(
  doc: Document.Parsed,
  index: number,
  value: unknown,
  counter: LineCounter,
): RuleDocument {
  const start = counter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
  return {
    index,
    value,
    line: start,
    lineOf: (path) => {
      for (let length = path.length; length > 0; length--) {
        const node: unknown = doc.getIn(path.slice(0, length), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return counter.linePos(range[0]).line;
      }
      return start;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
