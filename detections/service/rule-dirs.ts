import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRuleSources } from '../hunt/rule-files.ts';
import type { RuleSource } from '../sigma/load-rules.ts';

/** The starter pack shipped with the platform (`detections/packs/starter/rules`). */
export const STARTER_PACK_DIR = fileURLToPath(new URL('../packs/starter/rules', import.meta.url));

/** A directory of Sigma rules (searched recursively), or a single rule file. */
export interface RuleDir {
  readonly path: string;
  /**
   * Name its files are reported under, in place of `path` (`starter/k8s_pod_exec.yml` rather
   * than an absolute path on the server).
   */
  readonly label?: string;
}

/** The shipped starter pack, reported as `starter/…`. */
export const STARTER_PACK: RuleDir = { path: STARTER_PACK_DIR, label: 'starter' };

export function toRuleDir(dir: string | RuleDir): RuleDir {
  return typeof dir === 'string' ? { path: dir } : dir;
}

/** How a directory appears in reports: its label, else its path as configured. */
export function ruleDirName(dir: RuleDir): string {
  return dir.label ?? dir.path;
}

/**
 * Reads every rule file of the directories, in order, each named under its directory's label
 * when it has one. Throws `DETECTION_RULE_NOT_FOUND` naming a path that cannot be read.
 */
export async function readRuleDirs(dirs: readonly RuleDir[]): Promise<RuleSource[]> {
  const sources: RuleSource[] = [];
  for (const dir of dirs) {
    for (const source of await readRuleSources([dir.path])) {
      if (dir.label === undefined) {
        sources.push(source);
        continue;
      }
      const inside = relative(dir.path, source.file);
      sources.push({
        file: inside === '' ? dir.label : `${dir.label}/${inside}`,
        text: source.text,
      });
    }
  }
  return sources;
}
