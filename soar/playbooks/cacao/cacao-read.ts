import { EXTENSION_ID, EXTENSION_NAME } from './cacao-extension.ts';
import { FROM_START, edgesOf, findLoop, reachableFrom, reachedFrom } from './cacao-graph.ts';
import type { Edge } from './cacao-graph.ts';
import { isRecord, parseIdentifier } from './cacao-ids.ts';
import { Issues, kindOf, shown } from './cacao-issues.ts';
import type { Issue, Path } from './cacao-issues.ts';
import { labelOf, nativeAction } from './cacao-steps.ts';
import type { NativeAction } from './cacao-steps.ts';
import { fromCacaoVariable, msToDuration, ourVariableName } from './cacao-text.ts';

export type Condition = 'success' | 'failure' | 'always';

/** An action or playbook-action step as its CACAO properties say it. */
export interface NativeStep {
  readonly key: string;
  readonly uuid: string;
  readonly name: string | undefined;
  readonly action: NativeAction;
  /** The step's deadline (a manual step's CACAO timeout is its approval's timeout instead). */
  readonly timeout: string | undefined;
  readonly delay: string | undefined;
  /** The action steps it waits for, by CACAO id, in workflow order. */
  readonly needs: readonly string[];
  readonly when: Condition;
  readonly extension: Readonly<Record<string, unknown>> | undefined;
  readonly extensionPath: Path;
}

/** A CACAO playbook as its own properties say it (the x-claytom extension not yet applied). */
export interface CacaoReading {
  readonly uuid: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Our var name → where it is declared. */
  readonly varPaths: ReadonlyMap<string, Path>;
  readonly varWarnings: readonly string[];
  readonly steps: readonly NativeStep[];
  readonly extension: Readonly<Record<string, unknown>> | undefined;
  readonly extensionPath: Path;
}

export interface ReadResult {
  readonly reading: CacaoReading | undefined;
  readonly issues: readonly Issue[];
  readonly warnings: readonly string[];
}

const STEP_TYPES = new Set(['start', 'end', 'action', 'playbook-action', 'parallel']);
const CONDITIONS = new Set(['if-condition', 'while-condition', 'switch-condition']);
/** The agent-target types of the specification (agent-target/*.json). */
const AGENT_TYPES = new Set([
  'group',
  'http-api',
  'individual',
  'linux',
  'location',
  'net-address',
  'organization',
  'sector',
  'security-category',
  'ssh',
]);

/**
 * Reads a CACAO 2.0 playbook: the document, its definitions, variables and workflow graph, and
 * each reachable action step's command. Every problem found is returned, not only the first.
 */
export function readCacao(
  document: unknown,
  playbooks: ReadonlyMap<string, string> | undefined,
): ReadResult {
  const issues = new Issues();
  const warnings: string[] = [];
  const fail = (): ReadResult => ({ reading: undefined, issues: issues.list, warnings });
  if (!isRecord(document)) {
    issues.add([], `a CACAO playbook is a JSON object, found ${kindOf(document)}`);
    return fail();
  }
  if (document.type !== 'playbook')
    issues.add(['type'], `must be "playbook", found ${shown(document.type)}`);
  if (document.spec_version !== 'cacao-2.0')
    issues.add(
      ['spec_version'],
      `must be "cacao-2.0" (CACAO 2.0 is read), found ${shown(document.spec_version)}`,
    );
  if (!issues.none()) return fail();
  const id = parseIdentifier(document.id);
  if (id?.type !== 'playbook')
    issues.add(
      ['id'],
      `must be a CACAO playbook id (playbook--<uuid>), found ${shown(document.id)}`,
    );
  for (const field of ['name', 'description'] as const)
    if (document[field] !== undefined && typeof document[field] !== 'string')
      issues.add([field], `must be a string, found ${kindOf(document[field])}`);
  checkDefinitions(document, issues);
  const variables = readVariables(document, issues);
  const extensionIds = ourExtensionIds(document);
  const workflow = document.workflow;
  if (!isRecord(workflow)) {
    issues.add(
      ['workflow'],
      `must be an object of workflow steps keyed by step id, found ${kindOf(workflow)}`,
    );
    return fail();
  }
  const start = document.workflow_start;
  if (typeof start !== 'string' || !Object.hasOwn(workflow, start))
    issues.add(
      ['workflow_start'],
      typeof start === 'string'
        ? `step ${start} does not exist`
        : 'must be the id of the start step',
    );

  const steps = new Map<string, Record<string, unknown>>();
  const types = new Map<string, string>();
  for (const [key, step] of Object.entries(workflow)) {
    if (!isRecord(step)) {
      issues.add(['workflow', key], `must be a workflow step object, found ${kindOf(step)}`);
      continue;
    }
    const type = step.type;
    if (typeof type !== 'string') {
      issues.add(['workflow', key, 'type'], 'a workflow step needs a type');
      continue;
    }
    const named = parseIdentifier(key);
    if (named === undefined) issues.add(['workflow', key], 'a workflow step id is <type>--<uuid>');
    else if (named.type !== type)
      issues.add(
        ['workflow', key, 'type'],
        `the id names a ${named.type} step but the type is ${type}`,
      );
    if (CONDITIONS.has(type))
      issues.add(
        ['workflow', key, 'type'],
        `${type} steps are not supported: their conditions are STIX patterns, which ClayTom SecOps does not evaluate (${labelOf(key, step)})`,
      );
    else if (!STEP_TYPES.has(type))
      issues.add(['workflow', key, 'type'], `unknown step type ${type}`);
    steps.set(key, step);
    types.set(key, type);
  }

  const edges: Edge[] = [];
  for (const [key, step] of steps) {
    const type = types.get(key) ?? '';
    if (STEP_TYPES.has(type)) edges.push(...edgesOf(key, step, type, issues));
  }
  const sound = edges.filter((edge) => {
    const type = types.get(edge.to);
    if (!Object.hasOwn(workflow, edge.to)) issues.add(edge.path, `step ${edge.to} does not exist`);
    else if (type === 'start')
      issues.add(edge.path, `${edge.to} is a start step, which no step leads to`);
    else {
      if (types.get(edge.from) === 'parallel' && edge.kind !== 'branch' && type !== 'end')
        issues.add(
          edge.path,
          `only an end step can follow a parallel step (found ${edge.to}): lead each branch to the step that comes next instead`,
        );
      return true;
    }
    return false;
  });
  const loop = findLoop([...steps.keys()], sound);
  if (loop !== undefined)
    issues.add(loop.edge.path, `the workflow loops: ${loop.loop.join(' → ')}`);
  checkException(document.workflow_exception, workflow, types, issues, warnings);
  if (typeof start !== 'string' || !steps.has(start)) return fail();

  const reachable = reachableFrom(start, sound);
  if (types.get(start) !== 'start')
    warnings.push(
      `workflow_start ${start} is ${withArticle(types.get(start) ?? '')} step, not a start step; the workflow starts with it`,
    );
  const actionKeys: string[] = [];
  for (const [key, type] of types) {
    if (type !== 'action' && type !== 'playbook-action') continue;
    if (reachable.has(key)) actionKeys.push(key);
    else
      warnings.push(
        `${key} (${labelOf(key, steps.get(key) ?? {})}) is not reachable from workflow_start; left out`,
      );
  }
  if (actionKeys.length === 0 && issues.none())
    issues.add(['workflow'], 'the workflow has no action or playbook-action step to import');

  const context = { document, vars: variables.names, playbooks, issues };
  const natives = actionKeys.map((key) => {
    const step = steps.get(key) ?? {};
    const type = types.get(key) === 'playbook-action' ? 'playbook-action' : 'action';
    const millis = (field: 'timeout' | 'delay'): string | undefined => {
      const value = step[field];
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        issues.add(
          ['workflow', key, field],
          `must be a whole number of milliseconds, found ${shown(value)}`,
        );
        return undefined;
      }
      return field === 'delay' && value === 0 ? undefined : msToDuration(value);
    };
    const timeout = millis('timeout');
    const manual =
      type === 'action' && Array.isArray(step.commands) && isRecord(step.commands[0])
        ? step.commands[0].type === 'manual'
        : false;
    const action = nativeAction(key, step, type, manual ? timeout : undefined, context);
    return { key, step, action, timeout: manual ? undefined : timeout, delay: millis('delay') };
  });
  if (!issues.none()) return fail();

  const actionSet = new Set(actionKeys);
  const sources = reachedFrom(start, (key) => actionSet.has(key), sound);
  const native: NativeStep[] = [];
  for (const { key, step, action, timeout, delay } of natives) {
    if (action === undefined) continue;
    const from = sources.get(key) ?? new Map<string, Set<'success' | 'failure'>>();
    const conditions = new Map<string, Condition>();
    for (const [source, kinds] of from)
      if (source !== FROM_START)
        conditions.set(
          source,
          kinds.size > 1 ? 'always' : kinds.has('failure') ? 'failure' : 'success',
        );
    const distinct = new Set(conditions.values());
    if (distinct.size > 1)
      issues.add(
        ['workflow', key],
        `${labelOf(key, step)} follows ${[...conditions].map(([source, condition]) => `${source} on ${condition === 'always' ? 'any outcome' : condition}`).join(' and ')}: a step has one condition for all the steps it waits for`,
      );
    const extension = ourExtension(step.step_extensions, extensionIds);
    if (extension.invalid !== undefined)
      issues.add(['workflow', key, 'step_extensions', extension.invalid], 'must be an object');
    native.push({
      key,
      uuid: parseIdentifier(key)?.uuid ?? key,
      name: typeof step.name === 'string' && step.name !== '' ? step.name : undefined,
      action,
      timeout,
      delay,
      needs: actionKeys.filter((other) => from.has(other)),
      when: [...distinct][0] ?? 'success',
      extension: extension.value,
      extensionPath: ['workflow', key, 'step_extensions', extension.id ?? EXTENSION_ID],
    });
  }
  const extension = ourExtension(document.playbook_extensions, extensionIds);
  if (extension.invalid !== undefined)
    issues.add(['playbook_extensions', extension.invalid], 'must be an object');
  if (!issues.none()) return fail();
  return {
    reading: {
      uuid: id?.uuid ?? '',
      name: typeof document.name === 'string' ? document.name : '',
      description:
        typeof document.description === 'string' && document.description !== ''
          ? document.description
          : undefined,
      vars: variables.values,
      varPaths: variables.paths,
      varWarnings: variables.warnings,
      steps: native,
      extension: extension.value,
      extensionPath: ['playbook_extensions', extension.id ?? EXTENSION_ID],
    },
    issues: issues.list,
    warnings,
  };
}

/** An agent or target whose id names a specification type must be of that type. */
function checkDefinitions(document: Readonly<Record<string, unknown>>, issues: Issues): void {
  for (const [dictionary, what] of [
    ['agent_definitions', 'agent'],
    ['target_definitions', 'target'],
  ] as const) {
    const definitions = document[dictionary];
    if (definitions === undefined) continue;
    if (!isRecord(definitions)) {
      issues.add([dictionary], `must be an object keyed by id, found ${kindOf(definitions)}`);
      continue;
    }
    for (const [key, definition] of Object.entries(definitions)) {
      if (!isRecord(definition)) {
        issues.add([dictionary, key], `must be an ${what} object, found ${kindOf(definition)}`);
        continue;
      }
      const named = /^([a-z][a-z0-9-]*[a-z0-9])--/.exec(key)?.[1];
      if (named !== undefined && AGENT_TYPES.has(named) && definition.type !== named)
        issues.add(
          [dictionary, key, 'type'],
          `an ${named}--… ${what} must have type "${named}", found ${shown(definition.type)}`,
        );
    }
  }
}

function readVariables(
  document: Readonly<Record<string, unknown>>,
  issues: Issues,
): {
  values: Record<string, unknown>;
  names: Map<string, string>;
  paths: Map<string, Path>;
  warnings: string[];
} {
  const result = {
    values: {} as Record<string, unknown>,
    names: new Map<string, string>(),
    paths: new Map<string, Path>(),
    warnings: [] as string[],
  };
  const declared = document.playbook_variables;
  if (declared === undefined) return result;
  if (!isRecord(declared)) {
    issues.add(
      ['playbook_variables'],
      `must be an object keyed by variable name, found ${kindOf(declared)}`,
    );
    return result;
  }
  for (const [name, variable] of Object.entries(declared)) {
    const path = ['playbook_variables', name];
    const ours = ourVariableName(name);
    if (ours === undefined) {
      issues.add(path, 'a variable name is __name__ (letters, digits, _ and -)');
      continue;
    }
    if (!isRecord(variable)) {
      issues.add(path, `must be a variable object, found ${kindOf(variable)}`);
      continue;
    }
    const clash = [...result.names].find(([, other]) => other === ours)?.[0];
    if (clash !== undefined) {
      issues.add(path, `reads as vars.${ours}, like ${clash}`);
      continue;
    }
    const { value, warning } = fromCacaoVariable(variable);
    if (warning !== undefined) result.warnings.push(`playbook_variables.${name}: ${warning}`);
    result.values[ours] = value;
    result.names.set(name, ours);
    result.paths.set(ours, path);
  }
  return result;
}

/** The ids under which this document declares the x-claytom extension. */
function ourExtensionIds(document: Readonly<Record<string, unknown>>): Set<string> {
  const ids = new Set([EXTENSION_ID]);
  const definitions = document.extension_definitions;
  if (isRecord(definitions))
    for (const [key, definition] of Object.entries(definitions))
      if (isRecord(definition) && definition.name === EXTENSION_NAME) ids.add(key);
  return ids;
}

function ourExtension(
  extensions: unknown,
  ids: ReadonlySet<string>,
): { value?: Record<string, unknown>; id?: string; invalid?: string } {
  if (!isRecord(extensions)) return {};
  for (const id of ids) {
    const value = extensions[id];
    if (value === undefined) continue;
    return isRecord(value) ? { value, id } : { invalid: id };
  }
  return {};
}

/** workflow_exception may name an end step (or, with a warning, nothing in the workflow). */
function checkException(
  exception: unknown,
  workflow: Readonly<Record<string, unknown>>,
  types: ReadonlyMap<string, string>,
  issues: Issues,
  warnings: string[],
): void {
  if (exception === undefined) return;
  if (typeof exception !== 'string')
    issues.add(['workflow_exception'], 'must be the id of a workflow step');
  else if (!Object.hasOwn(workflow, exception))
    warnings.push(`workflow_exception ${exception} is not in the workflow; ignored`);
  else if (types.get(exception) !== 'end')
    issues.add(
      ['workflow_exception'],
      `exception handlers are not supported (${exception} is ${withArticle(types.get(exception) ?? '')} step): handle failures with on_failure and point workflow_exception at an end step`,
    );
}

const withArticle = (word: string): string => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
