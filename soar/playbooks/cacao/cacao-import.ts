import { formatPath } from '../../../platform/documents/index.ts';
import { SoarError } from '../../errors.ts';
import type { ActionCatalog } from '../actions/action.ts';
import { parsePlaybook } from '../playbook-document.ts';
import type { CredentialFinder } from '../playbook-document.ts';
import type { PlaybookDefinition } from '../playbook-schema.ts';
import { assemble } from './cacao-assemble.ts';
import type { Assembled, FieldOrigin } from './cacao-assemble.ts';
import type { Issue } from './cacao-issues.ts';
import { readCacao } from './cacao-read.ts';

/** How to import a CACAO playbook. */
export interface CacaoImportOptions {
  /** The actions steps may run (the same catalogue `parsePlaybook` checks against). */
  readonly catalog: ActionCatalog;
  /** Names the document in messages (a file name, `request body`); `CACAO document` by default. */
  readonly source?: string;
  /** CACAO playbook ids (`playbook--…`) → our playbook ids, for playbook-action steps. */
  readonly playbooks?: ReadonlyMap<string, string>;
  /** Refuses literal credentials in what is imported (see `parsePlaybook`). */
  readonly findCredentials?: CredentialFinder | undefined;
}

/** An imported playbook and what was left out or read loosely on the way. */
export interface CacaoImport {
  readonly playbook: PlaybookDefinition;
  readonly warnings: readonly string[];
}

/** The name our own document is parsed under; issue paths start with it (`cacao:1:5 steps[0]…`). */
const INTERNAL = 'cacao';

/**
 * Imports an OASIS CACAO 2.0 playbook (JSON, already parsed) as one of ours: the workflow graph
 * becomes `needs`, http-api commands `http.request`, manual commands `approval`, playbook-action
 * steps `playbook.run` (see README.md for the whole mapping). The result then passes the same
 * checks as `parsePlaybook` (schema, step graph, actions and their inputs, expressions). Throws
 * `SOAR_PLAYBOOK_INVALID` whose issues name the JSON path in the CACAO document of each problem.
 */
export function importCacao(document: unknown, options: CacaoImportOptions): CacaoImport {
  const source = options.source ?? 'CACAO document';
  const read = readCacao(document, options.playbooks);
  if (read.reading === undefined || read.issues.length > 0) throw invalidCacao(source, read.issues);
  const assembled = assemble(read.reading, true);
  let playbook: PlaybookDefinition;
  try {
    playbook = parsePlaybook(
      { name: INTERNAL, text: JSON.stringify(assembled.playbook) },
      options.catalog,
      { findCredentials: options.findCredentials },
    );
  } catch (err) {
    if (err instanceof SoarError && err.code === 'SOAR_PLAYBOOK_INVALID')
      throw invalidCacao(
        source,
        err.issues.map((issue) => locateIssue(issue, assembled)),
        err,
      );
    throw err;
  }
  return { playbook, warnings: [...read.warnings, ...assembled.warnings] };
}

function invalidCacao(source: string, issues: readonly Issue[], cause?: unknown): SoarError {
  const located = issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const [first] = located;
  const head =
    first === undefined
      ? `${source}: not an importable CACAO playbook`
      : `${source}: ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
  const more = located.length > 1 ? ` (and ${String(located.length - 1)} more)` : '';
  return new SoarError('SOAR_PLAYBOOK_INVALID', head + more, {
    details: { source },
    issues: located,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A problem `parsePlaybook` found in our form, placed where it came from in the CACAO document. */
function locateIssue(issue: { path: string; message: string }, assembled: Assembled): Issue {
  const field = parseFieldPath(/^\S+:\d+:\d+ ?(.*)$/s.exec(issue.path)?.[1] ?? '');
  const [root, index] = field;
  const step = root === 'steps' && typeof index === 'number' ? assembled.steps[index] : undefined;
  return step === undefined
    ? place(assembled.top, field, issue.message, undefined)
    : place(step.fields, field.slice(2), issue.message, step.action);
}

function place(
  origins: readonly FieldOrigin[],
  field: readonly PropertyKey[],
  message: string,
  action: string | undefined,
): Issue {
  let best: FieldOrigin | undefined;
  for (const origin of origins)
    if (
      origin.field.length <= field.length &&
      origin.field.every((segment, i) => segment === field[i]) &&
      origin.field.length >= (best?.field.length ?? -1)
    )
      best = origin;
  if (best === undefined) return { path: [], message: `${formatPath(field)}: ${message}` };
  if (best.exact) return { path: [...best.path, ...field.slice(best.field.length)], message };
  if (field.length === 0) return { path: best.path, message };
  const what =
    field[0] === 'with' && action !== undefined
      ? `${action} input${field.length > 1 ? ` ${formatPath(field.slice(1))}` : 's'}`
      : formatPath(field);
  return { path: best.path, message: `${what}: ${message}` };
}

/** The segments of a path as `formatPath` writes it: `steps[2].with["x.y"]`. */
function parseFieldPath(text: string): PropertyKey[] {
  const token = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  const path: PropertyKey[] = [];
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else if (match[3] !== undefined) path.push(JSON.parse(match[3]) as string);
    if (token.lastIndex >= text.length) break;
  }
  return path;
}
