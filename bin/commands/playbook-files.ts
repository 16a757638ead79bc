import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

// Reading playbook files for `secops playbooks check` and `push`.

/** Where a command writes: the process's streams, or a test's. */
export interface OutputIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A playbook file read whole, named by its path as given (or under the directory given). */
export interface PlaybookFile {
  readonly path: string;
  readonly text: string;
}

/** A path that could not be read, and why. */
export interface UnreadablePath {
  readonly path: string;
  readonly reason: string;
}

const PLAYBOOK_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads each path: a file as it is, a directory as every `.yml`, `.yaml` and `.json` file under it
 * (recursively, sorted). A directory holding none is unreadable as a playbook source.
 */
export async function readPlaybookFiles(
  paths: readonly string[],
): Promise<{ files: PlaybookFile[]; unreadable: UnreadablePath[] }> {
  const files: PlaybookFile[] = [];
  const unreadable: UnreadablePath[] = [];
  const read = async (path: string): Promise<void> => {
    try {
      files.push({ path, text: await readFile(path, 'utf8') });
    } catch (err) {
      unreadable.push({ path, reason: ioReason(err) });
    }
  };
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (err) {
      unreadable.push({ path, reason: ioReason(err) });
      continue;
    }
    if (!isDirectory) {
      await read(path);
      continue;
    }
    let entries: string[];
    try {
      entries = await readdir(path, { recursive: true, encoding: 'utf8' });
    } catch (err) {
      unreadable.push({ path, reason: ioReason(err) });
      continue;
    }
    const found: string[] = [];
    for (const entry of entries.filter((e) => PLAYBOOK_FILE.test(e)).sort()) {
      const file = join(path, entry);
      // A directory called `x.yml` is not a playbook.
      if ((await stat(file).catch(() => undefined))?.isFile() === true) found.push(file);
    }
    if (found.length === 0) unreadable.push({ path, reason: 'no .yml, .yaml or .json files' });
    for (const file of found) await read(file);
  }
  return { files, unreadable };
}

function ioReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
