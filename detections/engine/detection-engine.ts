import type { EventFilter, MappingSet } from '../mappings/logsource-mapping.ts';
import type { SigmaRuleMeta } from '../sigma/compile-rule.ts';
import { evaluate } from '../sigma/detection-tree.ts';
import type { DetectionNode, MatchContext } from '../sigma/detection-tree.ts';
import { MISSING, readField, toFieldPath } from '../sigma/event-fields.ts';
import type { FieldPath } from '../sigma/event-fields.ts';
import type { LoadedRule } from '../sigma/load-rules.ts';
import { eventLeaves, visitLeaves } from './event-text.ts';
import { buildLiteralIndex } from './literal-index.ts';
import type { LiteralIndex } from './literal-index.ts';
import { createSourceDispatch } from './source-dispatch.ts';
import { countLiteralUse, requirementOf } from './requirements.ts';
import type { Requirement } from './requirements.ts';

/** A rule as the engine runs it: compiled, mapped to event fields, indexed. */
export interface ActiveRule {
  /** Stable reference: the rule's id, else `file:line`. */
  readonly ref: string;
  readonly meta: SigmaRuleMeta;
  readonly file: string;
  readonly line: number;
  /** Key of the log source the rule's events come from (`windows/process_creation`). */
  readonly logsource: string;
  /** Literals the prefilter requires (one of them), or null when the rule runs on every event of its log source. */
  readonly requirement: Requirement;
  /** Reads a Sigma field of an event the way this rule's log source maps it. */
  readField(doc: unknown, field: string): unknown;
}

export interface DetectionEngine {
  /** The rules of `doc`'s matches, in load order. */
  match(doc: unknown): ActiveRule[];
  readonly rules: readonly ActiveRule[];
  stats(): EngineStats;
}

export interface EngineStats {
  readonly rules: number;
  /** Rules indexed by literal (evaluated only when the event holds one). */
  readonly indexedRules: number;
  readonly literals: number;
  /** Clauses over all indexed rules (each an any-of of literals; a rule needs all of its). */
  readonly clauses: number;
  /** Distinct trigrams the literals are anchored on. */
  readonly anchors: number;
  /** Combinations of log sources seen so far, each with its own literal index. */
  readonly views: number;
  readonly events: number;
  /** Rule evaluations done, after the prefilter (versus rules × events without it). */
  readonly evaluations: number;
  readonly matches: number;
}

interface RuleEntry {
  readonly active: ActiveRule;
  readonly detection: DetectionNode;
  readonly sourceIndex: number;
  readonly pathsOf: (field: string) => readonly CachedPath[];
}

/** A field path shared by every rule that reads it, remembering its value for the current event. */
interface CachedPath {
  readonly path: FieldPath;
  stamp: number;
  value: unknown;
}

export interface DetectionEngineOptions {
  readonly rules: readonly LoadedRule[];
  readonly mappings: MappingSet;
}

export function createDetectionEngine(options: DetectionEngineOptions): DetectionEngine {
  const sources: EventFilter[] = [];
  const sourceIndex = new Map<string, number>();
  const interned = new Map<string, CachedPath>();
  const intern = (path: string): CachedPath => {
    let cached = interned.get(path);
    if (!cached) {
      cached = { path: toFieldPath(path), stamp: 0, value: undefined };
      interned.set(path, cached);
    }
    return cached;
  };
  let serial = 0;
  // Reads through the per-event cache: many rules read the same few fields of an event.
  const readCached = (doc: unknown, paths: readonly CachedPath[]): unknown => {
    for (const cached of paths) {
      if (cached.stamp !== serial) {
        cached.stamp = serial;
        cached.value = readField(doc, cached.path);
      }
      if (cached.value !== MISSING) return cached.value;
    }
    return MISSING;
  };
  const literalUse = countLiteralUse(options.rules.map((loaded) => loaded.rule.detection));
  const entries: RuleEntry[] = options.rules.map((loaded) => {
    const resolved = options.mappings.resolve(loaded.rule.meta.logsource);
    let index = sourceIndex.get(resolved.key);
    if (index === undefined) {
      index = sources.length;
      sources.push(resolved.filter);
      sourceIndex.set(resolved.key, index);
    }
    const paths = new Map<string, readonly CachedPath[]>();
    const pathsOf = (field: string): readonly CachedPath[] => {
      let found = paths.get(field);
      if (!found) {
        found = resolved.fieldPaths(field).map(intern);
        paths.set(field, found);
      }
      return found;
    };
    for (const field of loaded.rule.fieldNames) pathsOf(field);
    const active: ActiveRule = {
      ref: loaded.rule.meta.id ?? `${loaded.file}:${String(loaded.line)}`,
      meta: loaded.rule.meta,
      file: loaded.file,
      line: loaded.line,
      logsource: resolved.key,
      requirement: requirementOf(loaded.rule.detection, literalUse),
      readField: (doc, field) => readFirst(doc, pathsOf(field)),
    };
    return { active, detection: loaded.rule.detection, sourceIndex: index, pathsOf };
  });

  // Literal → id; id → the clauses (of rules) it satisfies. A rule is a candidate once every
  // one of its clauses has a literal in the event.
  const literalIds = new Map<string, number>();
  const clausesByLiteral: number[][] = [];
  const clauseRule: number[] = [];
  const clauseCount = new Uint8Array(entries.length);
  const unindexed: number[] = [];
  entries.forEach((entry, ruleIndex) => {
    const requirement = entry.active.requirement;
    if (requirement === null) {
      unindexed.push(ruleIndex);
      return;
    }
    clauseCount[ruleIndex] = requirement.length;
    for (const clause of requirement) {
      const clauseId = clauseRule.length;
      clauseRule.push(ruleIndex);
      for (const literal of clause) {
        let id = literalIds.get(literal);
        if (id === undefined) {
          id = clausesByLiteral.length;
          literalIds.set(literal, id);
          clausesByLiteral.push([]);
        }
        clausesByLiteral[id]?.push(clauseId);
      }
    }
  });
  const literalTexts = [...literalIds.keys()];
  const dispatch = createSourceDispatch(sources);
  const rulesOfSource: number[][] = sources.map(() => []);
  entries.forEach((entry, ruleIndex) => rulesOfSource[entry.sourceIndex]?.push(ruleIndex));

  /**
   * The prefilter for one combination of log sources (events of a kind share one): a literal
   * index over the literals of those sources' rules only, so an event is never scanned for the
   * literals of rules that cannot apply to it.
   */
  interface SourceView {
    readonly index: LiteralIndex;
    /** Literal id in `index` → literal id in the engine. */
    readonly literals: Int32Array;
    readonly unindexed: readonly number[];
  }
  const views = new Map<string, SourceView>();
  const buildView = (matched: readonly number[]): SourceView => {
    const ids = new Set<number>();
    const viewUnindexed: number[] = [];
    for (const source of matched) {
      for (const ruleIndex of rulesOfSource[source] ?? []) {
        const requirement = entries[ruleIndex]?.active.requirement;
        if (requirement === null || requirement === undefined) {
          viewUnindexed.push(ruleIndex);
          continue;
        }
        for (const clause of requirement)
          for (const literal of clause) {
            const id = literalIds.get(literal);
            if (id !== undefined) ids.add(id);
          }
      }
    }
    const literals = Int32Array.from([...ids].sort((a, b) => a - b));
    return {
      index: buildLiteralIndex([...literals].map((id) => literalTexts[id] ?? '')),
      literals,
      unindexed: viewUnindexed.sort((a, b) => a - b),
    };
  };
  /** Views kept at most; past that, new combinations are built for the event and dropped. */
  const MAX_VIEWS = 256;

  // Per-event scratch state, stamped with the event's serial number instead of cleared.
  const clauseStamp = new Uint32Array(clauseRule.length);
  const literalStamp = new Uint32Array(clausesByLiteral.length);
  const ruleStamp = new Uint32Array(entries.length);
  const clausesMet = new Uint8Array(entries.length);
  const sourceStamp = new Uint32Array(sources.length);
  let events = 0;
  let evaluations = 0;
  let matches = 0;

  // Lowercased values of the current event: rules mostly test the same few values.
  const lowered = new Map<string, string>();
  const lower = (text: string): string => {
    let folded = lowered.get(text);
    if (folded === undefined) {
      folded = text.toLowerCase();
      lowered.set(text, folded);
    }
    return folded;
  };
  let candidates: number[] = [];
  const onLiteral = (id: number): void => {
    // A literal found again in the same event satisfies nothing new.
    if (literalStamp[id] === serial) return;
    literalStamp[id] = serial;
    for (const clauseId of clausesByLiteral[id] ?? []) {
      if (clauseStamp[clauseId] === serial) continue;
      clauseStamp[clauseId] = serial;
      const ruleIndex = clauseRule[clauseId] ?? 0;
      const met = ruleStamp[ruleIndex] === serial ? (clausesMet[ruleIndex] ?? 0) + 1 : 1;
      ruleStamp[ruleIndex] = serial;
      clausesMet[ruleIndex] = met;
      // A literal shared with rules of other log sources completes their clauses too.
      if (
        met === clauseCount[ruleIndex] &&
        sourceStamp[entries[ruleIndex]?.sourceIndex ?? 0] === serial
      )
        candidates.push(ruleIndex);
    }
  };
  let viewLiterals: Int32Array = new Int32Array(0);
  const onViewLiteral = (id: number): void => {
    onLiteral(viewLiterals[id] ?? 0);
  };
  let viewIndex: LiteralIndex | undefined;
  const scanLeaf = (leaf: string): void => {
    viewIndex?.scan(leaf, onViewLiteral);
  };

  const match = (doc: unknown): ActiveRule[] => {
    serial = serial === 0xffffffff ? 1 : serial + 1;
    events++;
    const matched = dispatch.sourcesOf(doc);
    if (matched.length === 0) return [];
    for (const source of matched) sourceStamp[source] = serial;
    const key = matched.join(',');
    let view = views.get(key);
    if (!view) {
      view = buildView(matched);
      if (views.size < MAX_VIEWS) views.set(key, view);
    }
    candidates = [...view.unindexed];
    viewLiterals = view.literals;
    viewIndex = view.index;
    lowered.clear();
    visitLeaves(doc, scanLeaf);
    let leaves: readonly string[] | undefined;
    if (candidates.length === 0) return [];
    candidates.sort((a, b) => a - b);
    const found: ActiveRule[] = [];
    for (const ruleIndex of candidates) {
      const entry = entries[ruleIndex];
      if (!entry) continue;
      evaluations++;
      const context: MatchContext = {
        read: (field) => readCached(doc, entry.pathsOf(field)),
        leaves: () => (leaves ??= eventLeaves(doc)),
        lower,
      };
      if (evaluate(entry.detection, context)) {
        matches++;
        found.push(entry.active);
      }
    }
    return found;
  };

  // Reported only: the trigram anchors an index over every literal would have (computed once).
  let anchors: number | undefined;
  return {
    match,
    rules: entries.map((e) => e.active),
    stats: () => ({
      rules: entries.length,
      indexedRules: entries.length - unindexed.length,
      literals: literalIds.size,
      clauses: clauseRule.length,
      anchors: (anchors ??= buildLiteralIndex(literalTexts).anchors),
      views: views.size,
      events,
      evaluations,
      matches,
    }),
  };
}

/** Uncached read (outside `match`, the per-event cache belongs to no event). */
function readFirst(doc: unknown, paths: readonly CachedPath[]): unknown {
  for (const { path } of paths) {
    const value = readField(doc, path);
    if (value !== MISSING) return value;
  }
  return MISSING;
}
