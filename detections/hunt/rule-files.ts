import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DetectionError } from '../errors.ts';
import type { RuleSource } from '../sigma/load-rules.ts';

const RULE_FILE = /\.ya?ml$/i;

/**
 * Reads Sigma rule files: each path is a directory, searched recursively for `.yml` and `.yaml`
 * files (in sorted order, so reports are stable), or a rule file itself. Rule files are named as
 * the path given joined with their place under it (`rules/windows/x.yml`). A path that cannot be
 * read throws `DETECTION_RULE_NOT_FOUND` naming it; a directory without rule files is not an error.
 */
export async function readRuleSources(paths: readonly string[]): Promise<RuleSource[]> {
  const sources: RuleSource[] = [];
  for (const path of paths) {
    for (const file of await ruleFilesUnder(path)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw unreadable(file, err);
      }
      sources.push({ file, text });
    }
  }
  return sources;
}

async function ruleFilesUnder(path: string): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw unreadable(path, err);
  }
  if (!isDirectory) return [path];
  let entries: string[];
  try {
    entries = await readdir(path, { recursive: true, encoding: 'utf8' });
  } catch (err) {
    throw unreadable(path, err);
  }
  const files: string[] = [];
  for (const entry of entries.filter((e) => RULE_FILE.test(e)).sort()) {
    const file = join(path, entry);
    // A directory called `x.yml` is not a rule.
    if ((await stat(file).catch(() => undefined))?.isFile() === true) files.push(file);
  }
  return files;
}

function unreadable(path: string, err: unknown): InstanceType<typeof DetectionError> {
  return new DetectionError('DETECTION_RULE_NOT_FOUND', `${path}: cannot read it: ${reason(err)}`, {
    cause: err,
    details: { path },
  });
}

/** A short reason for a file system error, for people. */
export function reason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return err instanceof Error ? err.message : String(err);
}
