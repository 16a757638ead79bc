import type { Clock } from '../../platform/clock/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import { createMutex } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import type { ParserId } from '../../siem/index.ts';
import type { DetectionEngine } from '../engine/detection-engine.ts';
import { DetectionError } from '../errors.ts';
import type { LoadedCorrelation } from '../hunt/correlation-set.ts';
import { checkRuleSet } from '../hunt/rule-check.ts';
import type { RuleCheckReport } from '../hunt/rule-check.ts';
import { buildRuleSet } from '../hunt/rule-set.ts';
import type { MappingSet } from '../mappings/logsource-mapping.ts';
import { loadRuleSources } from '../sigma/load-rules.ts';
import type { RuleLoad, RuleSource } from '../sigma/load-rules.ts';
import { catalogOf, documentText, filterCatalog } from './rule-catalog.ts';
import type { RuleFilter, RuleInfo, RulePage } from './rule-catalog.ts';
import { readRuleDirs, ruleDirName, toRuleDir } from './rule-dirs.ts';
import type { RuleDir } from './rule-dirs.ts';
import { createRuleStateStore } from './rule-state-store.ts';
import { testRuleIsolated } from './rule-test-isolated.ts';
import type { RuleTestResult } from './rule-test.ts';

export interface DetectionServiceOptions {
  /** Rule directories (recursive `.yml`/`.yaml`) or files, in load order. */
  readonly ruleDirs: readonly (string | RuleDir)[];
  readonly mappings: MappingSet;
  /** Values of `expand` placeholders (`%name%`, name without the `%`). */
  readonly placeholders?: ReadonlyMap<string, readonly string[]>;
  /** Where the enabled/disabled switches live (migrated with `ruleStateMigrations`). */
  readonly relational: RelationalStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Rule tests run in a worker thread that loads the mappings from this directory (the shipped
   * one by default: keep it the directory `mappings` came from), stopped after `timeoutMs`.
   */
  readonly ruleTests?: { readonly mappingsDir?: string; readonly timeoutMs?: number };
}

/**
 * What to evaluate events with: one engine and its correlations, never changed once made. A
 * caller takes one snapshot per batch, so a batch runs entirely on the rules of one load.
 */
export interface DetectionSnapshot {
  /** 1 for the first load, one more for each swap (reload, enable, disable). */
  readonly generation: number;
  /** When it was made (epoch ms). */
  readonly loadedAt: number;
  readonly engine: DetectionEngine;
  /** The correlation rules to feed the engine's matches to (disabled ones left out). */
  readonly correlations: readonly LoadedCorrelation[];
}

/** What a load made of the rule directories (the one in effect, or a reload's). */
export interface ReloadReport extends RuleCheckReport {
  readonly generation: number;
  /** ISO 8601. */
  readonly loadedAt: string;
  /** How long reading and compiling took (reporting only). */
  readonly durationMs: number;
  /** The directories read, as reported (labels, else paths). */
  readonly ruleDirs: readonly string[];
  /** Rules and correlations left out because they are disabled. */
  readonly disabled: { readonly rules: number; readonly correlations: number };
}

/** A rule with its YAML document. */
export interface RuleDetail extends RuleInfo {
  /** The rule's YAML document as loaded (a multi-document file: just this document). */
  readonly yaml: string;
}

export interface SwitchResult {
  readonly rule: RuleInfo;
  /** False when the rule already was in that state (the switch is still recorded). */
  readonly changed: boolean;
  /** Generation of the engine in effect afterwards. */
  readonly generation: number;
}

export interface DetectionService {
  /** The engine and correlations to evaluate with now. */
  current(): DetectionSnapshot;
  /** The report of the load in effect. */
  report(): ReloadReport;
  /**
   * Reads the rule directories again, compiles everything into a new engine and swaps it in.
   * Reloads (and switches) run one at a time, in call order. A directory that cannot be read
   * throws `DETECTION_RELOAD_FAILED` and the rules in effect stay.
   */
  reload(): Promise<ReloadReport>;
  list(filter?: RuleFilter, page?: { readonly limit: number; readonly offset: number }): RulePage;
  /** A rule or correlation by id (else `file:line`); undefined when there is none. */
  get(id: string): RuleDetail | undefined;
  /**
   * Switches a rule or correlation on or off for the whole platform: recorded in the relational
   * store (joining the caller's unit of work) and applied at once by swapping in an engine built
   * from the rules already compiled. Throws `DETECTION_RULE_NOT_FOUND` for an unknown id.
   */
  setEnabled(id: string, enabled: boolean, changedBy?: string): Promise<SwitchResult>;
  /**
   * Compiles a rule text and runs it over events; pure (nothing stored, nothing swapped). It runs
   * in a worker thread, stopped after a time limit (`DETECTION_INVALID_REQUEST`): the text comes
   * from a request, and its regular expressions must not hold the event loop.
   */
  testRule(
    text: string,
    events: readonly unknown[],
    options?: { readonly parser?: ParserId },
  ): Promise<RuleTestResult>;
}

/** One load, swapped in as a whole. */
interface Loaded {
  readonly snapshot: DetectionSnapshot;
  readonly load: RuleLoad;
  readonly sources: readonly RuleSource[];
  readonly catalog: readonly RuleInfo[];
  readonly report: ReloadReport;
}

/**
 * Creates the service and loads the rules (with the switches stored). Throws
 * `DETECTION_RELOAD_FAILED` when a rule directory cannot be read: there are no rules to keep yet.
 */
export async function createDetectionService(
  options: DetectionServiceOptions,
): Promise<DetectionService> {
  const dirs = options.ruleDirs.map(toRuleDir);
  const dirNames = dirs.map(ruleDirName);
  const { mappings, clock, logger } = options;
  const placeholders = options.placeholders ?? new Map<string, readonly string[]>();
  const stateStore = createRuleStateStore(options.relational);
  const serially = createMutex();
  let generation = 0;

  // The switches wanted: stored ones, plus changes made here since (`seq` orders them, so a
  // reload reading the store while a switch commits does not undo the switch).
  const switches = new Map<string, { enabled: boolean; seq: number }>();
  let seq = 0;
  const disabledRefs = (): ReadonlySet<string> =>
    new Set([...switches].filter(([, s]) => !s.enabled).map(([ref]) => ref));

  const readSwitches = async (): Promise<void> => {
    const readAt = seq;
    const stored = await stateStore.list();
    const storedRefs = new Set(stored.map((s) => s.ref));
    for (const [ref, local] of switches)
      if (local.seq <= readAt && !storedRefs.has(ref)) switches.delete(ref);
    for (const state of stored) {
      const local = switches.get(state.ref);
      if (local !== undefined && local.seq > readAt) continue;
      switches.set(state.ref, { enabled: state.enabled, seq: local?.seq ?? 0 });
    }
  };

  const install = (
    load: RuleLoad,
    sources: readonly RuleSource[],
    started: number,
    why: string,
  ): Loaded => {
    const set = buildRuleSet(load, sources.length, { mappings, disabled: disabledRefs() });
    const loadedAt = clock.now();
    generation += 1;
    const report: ReloadReport = {
      generation,
      loadedAt: new Date(loadedAt).toISOString(),
      durationMs: Math.round(performance.now() - started),
      ruleDirs: dirNames,
      ...checkRuleSet(set),
      disabled: { rules: set.disabledRules.length, correlations: set.disabledCorrelations.length },
    };
    const next: Loaded = {
      snapshot: Object.freeze({
        generation,
        loadedAt,
        engine: set.engine,
        correlations: set.correlations,
      }),
      load,
      sources,
      catalog: catalogOf(set),
      report,
    };
    logger.info(
      {
        generation,
        why,
        rules: report.detectionRules,
        correlations: report.correlationRules,
        disabled: report.disabled,
        unsupported: report.unsupported,
        invalid: report.invalid.length,
        durationMs: report.durationMs,
      },
      'detection rules loaded',
    );
    if (report.invalid.length > 0)
      logger.warn(
        {
          invalid: report.invalid
            .slice(0, 20)
            .map((p) => `${p.file}:${String(p.line)}: ${p.message}`),
        },
        'detection rules that are invalid were not loaded',
      );
    return next;
  };

  const loadFromDisk = async (why: string): Promise<Loaded> => {
    const started = performance.now();
    let sources: RuleSource[];
    try {
      sources = await readRuleDirs(dirs);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // At start there is nothing to keep: the caller reports the error and stops.
      if (generation === 0)
        throw new DetectionError(
          'DETECTION_RELOAD_FAILED',
          `cannot load the detection rules: ${reason}`,
          {
            cause: err,
          },
        );
      logger.error({ err, why }, 'detection rules not reloaded');
      throw new DetectionError(
        'DETECTION_RELOAD_FAILED',
        `rules not reloaded (generation ${String(generation)} stays in effect): ${reason}`,
        { cause: err, details: { generation } },
      );
    }
    return install(loadRuleSources(sources, { placeholders }), sources, started, why);
  };

  await readSwitches();
  let loaded = await loadFromDisk('start');

  const find = (id: string): RuleInfo | undefined => loaded.catalog.find((r) => r.id === id);

  return {
    current: () => loaded.snapshot,
    report: () => loaded.report,

    async reload() {
      // Read outside the queue: a queued task never waits for the database, so a switch that
      // holds a transaction while it waits for the queue cannot deadlock with it.
      await readSwitches();
      return serially(async () => {
        loaded = await loadFromDisk('reload');
        return loaded.report;
      });
    },

    list: (filter = {}, page = { limit: Number.MAX_SAFE_INTEGER, offset: 0 }) =>
      filterCatalog(loaded.catalog, filter, page),

    get(id) {
      const rule = find(id);
      if (rule === undefined) return undefined;
      const source = loaded.sources.find((s) => s.file === rule.file);
      return { ...rule, yaml: source === undefined ? '' : documentText(source.text, rule.line) };
    },

    async setEnabled(id, enabled, changedBy) {
      const before = find(id);
      if (before === undefined)
        throw new DetectionError('DETECTION_RULE_NOT_FOUND', `no rule or correlation ${id}`, {
          details: { id },
        });
      await stateStore.set({
        ref: id,
        enabled,
        changedBy: changedBy ?? null,
        changedAt: clock.now(),
      });
      seq += 1;
      const previous = switches.get(id);
      const mine = { enabled, seq };
      switches.set(id, mine);
      // Compared with the engine in effect (what callers see), not with the stored switch.
      const changed = before.enabled !== enabled;
      const swap = (why: string) =>
        serially(() => {
          loaded = install(loaded.load, loaded.sources, performance.now(), why);
          return Promise.resolve();
        });
      if (changed) await swap(enabled ? 'enable' : 'disable');
      // The switch is part of the caller's unit of work (with its audit record): if that rolls
      // back, so does the engine, unless a later switch of the same rule came since.
      options.relational.onRollback(() => {
        if (switches.get(id) !== mine) return;
        if (previous) switches.set(id, previous);
        else switches.delete(id);
        if (changed)
          swap('rollback').catch((err: unknown) => {
            logger.error({ err, id }, 'undoing a rolled-back rule switch failed');
          });
      });
      const rule = find(id);
      if (rule === undefined)
        throw new DetectionError('DETECTION_RULE_NOT_FOUND', `no rule or correlation ${id}`, {
          details: { id },
        });
      return { rule, changed, generation: loaded.snapshot.generation };
    },

    testRule: (text, events, testOptions = {}) =>
      testRuleIsolated(
        {
          text,
          events,
          mappingsDir: options.ruleTests?.mappingsDir,
          placeholders: [...placeholders],
          receivedAt: clock.now(),
          ...(testOptions.parser !== undefined ? { parser: testOptions.parser } : {}),
        },
        options.ruleTests?.timeoutMs,
      ),
  };
}
