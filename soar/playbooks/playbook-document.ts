import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseYamlDocument } from '../../platform/documents/index.ts';
import type { DocumentProblem, TextPosition } from '../../platform/documents/index.ts';
import { formatPath } from '../../platform/documents/index.ts';
import { SoarError } from '../errors.ts';
import type { ActionCatalog } from './actions/action.ts';
import { isControlAction } from './actions/action.ts';
import { CONTROL_INPUTS } from './actions/control-actions.ts';
import { ExpressionError, compileExpression, templatesIn } from './expressions.ts';
import { playbookSchema } from './playbook-schema.ts';
import { isSecretReference } from './run-context.ts';
import type { PlaybookDefinition } from './playbook-schema.ts';
import { graphProblems } from './step-graph.ts';

/** A playbook document's name (for messages: a file name or `request body`) and text. */
export interface PlaybookSource {
  readonly name: string;
  readonly text: string;
}

/**
 * Finds credentials in a text (the platform's secret scanner): the ids of the rules that fire,
 * never the text they fire on.
 */
export type CredentialFinder = (text: string) => readonly { readonly rule: string }[];

export interface PlaybookChecks {
  /**
   * Refuses literal credentials (a token pasted into a header, a webhook URL with its key):
   * playbooks take them from `/secrets` by reference. Without it, none are looked for.
   */
  readonly findCredentials?: CredentialFinder | undefined;
}

/**
 * Parses and validates a playbook (YAML or JSON): the schema, then the step graph, the actions and
 * their inputs, every expression and the cron, and (with `findCredentials`) that it holds no
 * literal credential. Throws `SOAR_PLAYBOOK_INVALID` whose message names the file, line, column
 * and field of the first problem and whose `issues` list every problem.
 */
export function parsePlaybook(
  source: PlaybookSource,
  catalog: ActionCatalog,
  checks: PlaybookChecks = {},
): PlaybookDefinition {
  const result = parseYamlDocument(source.text, playbookSchema);
  if (!result.ok) throw invalidPlaybook(source.name, result.problems);
  const problems = [
    ...semanticProblems(result.data, catalog),
    ...(checks.findCredentials === undefined
      ? []
      : credentialProblems(result.data, checks.findCredentials)),
  ].map(({ path, message }) => {
    const { line, column }: TextPosition = result.locate(path);
    return { line, column, field: formatPath(path), message };
  });
  if (problems.length > 0) throw invalidPlaybook(source.name, problems);
  return result.data;
}

function invalidPlaybook(file: string, problems: readonly DocumentProblem[]): SoarError {
  const where = (problem: DocumentProblem): string =>
    `${file}:${String(problem.line)}:${String(problem.column)}`;
  const [first] = problems;
  const head =
    first === undefined
      ? `${file}: invalid playbook`
      : `${where(first)}:${first.field === '' ? '' : ` ${first.field}:`} ${first.message}`;
  const more = problems.length > 1 ? ` (and ${String(problems.length - 1)} more)` : '';
  return new SoarError('SOAR_PLAYBOOK_INVALID', head + more, {
    details: { file },
    issues: problems.map((problem) => ({
      path: `${where(problem)} ${problem.field}`.trim(),
      message: problem.message,
    })),
  });
}

interface Problem {
  readonly path: PropertyKey[];
  readonly message: string;
}

function semanticProblems(playbook: PlaybookDefinition, catalog: ActionCatalog): Problem[] {
  const problems: Problem[] = graphProblems(playbook.steps).map(({ index, field, message }) => ({
    path: ['steps', index, field],
    message,
  }));
  const expression = (path: PropertyKey[], source: string | undefined): void => {
    if (source === undefined) return;
    try {
      compileExpression(source);
    } catch (err) {
      const at =
        err instanceof ExpressionError && err.position !== undefined
          ? ` at ${String(err.position)}`
          : '';
      problems.push({ path, message: `expression${at}: ${(err as Error).message}` });
    }
  };
  expression(['trigger', 'alert', 'where'], playbook.trigger.alert?.where);
  const cron = playbook.trigger.schedule?.cron;
  if (cron !== undefined) {
    try {
      if (cron.trim().split(/\s+/).length !== 5) throw new Error('five fields are expected');
      CronExpressionParser.parse(cron, { tz: 'UTC' });
    } catch (err) {
      problems.push({
        path: ['trigger', 'schedule', 'cron'],
        message: `not a cron expression: ${(err as Error).message}`,
      });
    }
  }
  const upstream = ancestors(playbook.steps);
  playbook.steps.forEach((step, index) => {
    expression(['steps', index, 'if'], step.if);
    expression(['steps', index, 'for_each'], step.for_each);
    for (const template of templatesIn(step.with)) {
      const path = ['steps', index, 'with', ...template.path];
      expression(path, template.source);
      for (const [, ref] of template.source.matchAll(/\bapproval_links\.([a-z][a-z0-9_]*)/g)) {
        if (
          ref !== undefined &&
          !playbook.steps.some((s) => s.id === ref && s.action === 'approval')
        )
          problems.push({ path, message: `approval_links.${ref}: no approval step ${ref}` });
      }
      for (const [, ref] of template.source.matchAll(/\bsteps\.([a-z][a-z0-9_]*)/g)) {
        if (ref !== undefined && !(upstream.get(step.id)?.has(ref) ?? false))
          problems.push({
            path,
            message: `reads steps.${ref}, which is not among the steps it needs (directly or not)`,
          });
      }
    }
    const schema = isControlAction(step.action)
      ? CONTROL_INPUTS[step.action]
      : catalog.get(step.action)?.input;
    if (schema === undefined) {
      problems.push({ path: ['steps', index, 'action'], message: `unknown action ${step.action}` });
      return;
    }
    problems.push(...inputProblems(schema, step.with, ['steps', index, 'with']));
  });
  return problems;
}

/**
 * Unknown and missing input keys, and values of the wrong type where they are written out (a
 * value holding a template is checked when the step runs, once rendered).
 */
function inputProblems(
  schema: z.ZodType,
  given: Readonly<Record<string, unknown>>,
  path: PropertyKey[],
): Problem[] {
  const problems: Problem[] = [];
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    for (const key of Object.keys(given))
      if (!(key in shape))
        problems.push({
          path: [...path, key],
          message: `unknown input ${key} (inputs: ${Object.keys(shape).join(', ')})`,
        });
    for (const [key, field] of Object.entries(shape))
      if (!(key in given) && !field.safeParse(undefined).success)
        problems.push({ path, message: `missing input ${key}` });
  }
  const parsed = schema.safeParse(given);
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const [key] = issue.path;
    if (issue.code === 'unrecognized_keys' || typeof key !== 'string' || !(key in given)) continue;
    if (templatesIn(given[key]).length > 0 || holdsSecretReference(given[key])) continue;
    problems.push({ path: [...path, ...issue.path], message: issue.message });
  }
  return problems;
}

/**
 * Every written-out string of the playbook that a credential rule fires on, read with its key
 * (`authorization: Bearer …`, `password: …`) as the scanner's context rules expect. Secret
 * references and templates (filled at run time) are not literal.
 */
function credentialProblems(playbook: PlaybookDefinition, find: CredentialFinder): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (isSecretReference(value)) return;
    if (typeof value === 'string') {
      if (value.includes('${{')) return;
      const key = path.at(-1);
      const rules = new Set(
        find(typeof key === 'string' ? `${key}: ${value}` : value).map((f) => f.rule),
      );
      if (rules.size > 0)
        problems.push({
          path,
          message: `a literal credential (${[...rules].join(', ')}): store it under /secrets and write { secret: <path> } here`,
        });
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(playbook, []);
  return problems;
}

/** A value that is, or holds, a `{ secret: path }` reference (its value is known at run time only). */
function holdsSecretReference(value: unknown): boolean {
  if (isSecretReference(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecretReference);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some(holdsSecretReference);
  return false;
}

/** Every step's direct and indirect needs. */
function ancestors(steps: PlaybookDefinition['steps']): Map<string, Set<string>> {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const memo = new Map<string, Set<string>>();
  const of = (id: string, trail: Set<string>): Set<string> => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const found = new Set<string>();
    if (trail.has(id)) return found;
    trail.add(id);
    for (const need of byId.get(id)?.needs ?? []) {
      found.add(need);
      for (const further of of(need, trail)) found.add(further);
    }
    trail.delete(id);
    memo.set(id, found);
    return found;
  };
  for (const step of steps) of(step.id, new Set());
  return memo;
}
