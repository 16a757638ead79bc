import type { PlaybookDefinition, StepDefinition } from '../playbook-schema.ts';
import { durationMs, playbookSchema } from '../playbook-schema.ts';
import { isSecretReference } from '../run-context.ts';
import { assemble } from './cacao-assemble.ts';
import {
  ACTION_COMMAND,
  EXTENSION_ID,
  NATIVE_DIGEST,
  PLAYBOOK_EXTENSION_NAMES,
  STEP_EXTENSION_NAMES,
  extensionDefinition,
  extensionName,
} from './cacao-extension.ts';
import { IDENTIFIER, digestOf, isRecord, sameJson, uuidV5 } from './cacao-ids.ts';
import { formatPath } from '../../../platform/documents/index.ts';
import { readCacao } from './cacao-read.ts';
import { HTTP_METHODS, isAbsoluteTarget, toCacaoText, toCacaoVariable } from './cacao-text.ts';

/** How to export a playbook as CACAO. */
export interface CacaoExportOptions {
  /** The document's `created` and `modified` time (ms since the epoch). */
  readonly now: number;
  /**
   * `created_by`: a STIX identity id (`identity--<uuid>`), or a name an identity id is derived
   * from; `ClayTom SecOps` by default.
   */
  readonly createdBy?: string;
  /**
   * How object UUIDs are made: `derived` (the default), UUIDv5 of the playbook id and the step
   * ids, so exporting a playbook twice gives the same document; or a generator of UUIDs (such as
   * `crypto.randomUUID`, for the UUIDv4 step ids the specification asks for).
   */
  readonly ids?: 'derived' | (() => string);
}

/** A CACAO 2.0 playbook document (JSON). */
export type CacaoDocument = Record<string, unknown>;

/**
 * URLs a CACAO http-api `address.url` accepts (agent-target/http-api.json): a dotted host name
 * with a letter TLD. Other hosts (IP addresses, `localhost`) go whole into the command.
 */
const ADDRESS_URL =
  /[(http(s)?):/(www.)?a-zA-Z0-9@:%._+~#=]{2,256}\.[a-z]{2,6}\b([-a-zA-Z0-9@:%_+.~#?&//=]*)/;
const SPLIT_URL = /^(https?:\/\/[^/?#\s$]+)(\/.*)$/;
const JSON_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Buckets {
  success: string[];
  failure: string[];
  always: string[];
}

/**
 * Exports a playbook as an OASIS CACAO 2.0 document that validates against the published schema.
 * Steps map to CACAO steps and commands where CACAO can say what they do (README.md); everything
 * else (the trigger, exact vars and inputs, conditions, loops, retries, other actions) travels in
 * the x-claytom extension, so `importCacao(exportCacao(p))` gives back `p`.
 */
export function exportCacao(
  playbook: PlaybookDefinition,
  options: CacaoExportOptions,
): CacaoDocument {
  const uuids = new Map<string, string>();
  const uuidOf = (name: string): string => {
    const known = uuids.get(name);
    if (known !== undefined) return known;
    const made =
      options.ids === undefined || options.ids === 'derived' ? uuidV5(name) : options.ids();
    uuids.set(name, made);
    return made;
  };
  const pid = playbook.id;
  const objectId = (type: string, name: string): string => `${type}--${uuidOf(name)}`;
  const createdBy =
    options.createdBy !== undefined && IDENTIFIER.test(options.createdBy)
      ? options.createdBy
      : objectId('identity', `identity:${options.createdBy ?? 'ClayTom SecOps'}`);
  const vars = new Set(Object.keys(playbook.vars));
  const text = (value: string): string => toCacaoText(value, vars);

  const keys = new Map<string, string>();
  for (const step of playbook.steps)
    keys.set(
      step.id,
      objectId(
        step.action === 'playbook.run' ? 'playbook-action' : 'action',
        `step:${pid}:${step.id}`,
      ),
    );
  const keyOf = (id: string): string => keys.get(id) ?? id;
  const startKey = objectId('start', `start:${pid}`);
  const endKey = objectId('end', `end:${pid}`);
  const agents: Record<string, unknown> = {};
  const targets: Record<string, unknown> = {};
  const parallels: Record<string, unknown> = {};

  const buckets = new Map<string, Buckets>();
  for (const step of playbook.steps)
    for (const need of step.needs) {
      const bucket = buckets.get(need) ?? { success: [], failure: [], always: [] };
      bucket[step.when].push(keyOf(step.id));
      buckets.set(need, bucket);
    }
  const next = (label: string, list: readonly string[]): string => {
    const [only] = list;
    if (only === undefined) return endKey;
    if (list.length === 1) return only;
    const key = objectId('parallel', `parallel:${pid}:${label}`);
    parallels[key] = {
      type: 'parallel',
      name: `Parallel branches (${label})`,
      next_steps: list,
      on_completion: endKey,
    };
    return key;
  };
  const pointers = (step: StepDefinition): Record<string, string> => {
    const { success, failure, always } = buckets.get(step.id) ?? {
      success: [],
      failure: [],
      always: [],
    };
    if (failure.length === 0 && always.length === 0)
      return { on_completion: next(`after ${step.id}`, success) };
    return {
      on_success: next(`after ${step.id} succeeds`, [...success, ...always]),
      on_failure: next(`after ${step.id} fails`, [...failure, ...always]),
    };
  };

  const orchestrator = (): string => {
    const key = objectId('security-category', `agent:${pid}:claytom`);
    agents[key] = {
      type: 'security-category',
      name: 'ClayTom SecOps',
      description: 'The ClayTom SecOps playbook runner, which carries out the automated steps.',
      category: ['orchestrator'],
    };
    return key;
  };
  const approvers = (list: readonly string[]): string => {
    const key = objectId('group', `agent:${pid}:approvers:${list.join(',')}`);
    agents[key] = {
      type: 'group',
      name:
        list.length === 0
          ? 'Approvers (anyone holding playbooks:approve)'
          : `Approvers: ${list.join(', ')}`,
    };
    return key;
  };
  const http = (
    method: string,
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string | undefined,
  ): Record<string, unknown> => {
    const split = SPLIT_URL.exec(url);
    const origin = split?.[1];
    const path = split?.[2];
    const place =
      origin !== undefined && path !== undefined && ADDRESS_URL.test(origin)
        ? { origin, path }
        : undefined;
    const command: Record<string, unknown> = {
      type: 'http-api',
      command: `${method} ${text(place?.path ?? url)} HTTP/1.1`,
    };
    if (Object.keys(headers).length > 0)
      command.headers = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, [text(value)]]),
      );
    if (body !== undefined) command.content = text(body);
    if (place === undefined) return { commands: [command], agent: orchestrator() };
    const key = objectId('http-api', `target:${pid}:${place.origin}`);
    targets[key] = {
      type: 'http-api',
      name: place.origin.replace(/^https?:\/\//, ''),
      address: { url: [place.origin] },
    };
    return { commands: [command], agent: orchestrator(), targets: [key] };
  };
  const ownAction = (step: StepDefinition): Record<string, unknown> => ({
    commands: [
      {
        type: ACTION_COMMAND,
        command: step.action,
        description: `Runs the ClayTom SecOps action ${step.action}; its inputs are in the x-claytom step extension.`,
      },
    ],
    agent: orchestrator(),
  });

  const body = (step: StepDefinition): Record<string, unknown> => {
    const input = step.with;
    const timeout = { timeout: durationMs(step.timeout) };
    if (step.action === 'playbook.run') {
      const names = isRecord(input.vars) ? Object.keys(input.vars) : [];
      return {
        type: 'playbook-action',
        playbook_id: objectId('playbook', `playbook:${String(input.playbook)}`),
        ...(names.length > 0 && names.every((name) => JSON_VAR_NAME.test(name))
          ? { in_args: names.map((name) => `__${name}__`) }
          : {}),
        ...timeout,
      };
    }
    if (step.action === 'approval') {
      const prompt =
        typeof input.prompt === 'string' && input.prompt !== '' ? input.prompt : 'Approve?';
      const deadline = durationOrUndefined(input.timeout);
      return {
        type: 'action',
        commands: [
          /[\r\n]/.test(prompt)
            ? { type: 'manual', command_b64: Buffer.from(text(prompt)).toString('base64') }
            : { type: 'manual', command: text(prompt) },
        ],
        agent: approvers(
          Array.isArray(input.approvers)
            ? input.approvers.filter((a) => typeof a === 'string')
            : [],
        ),
        ...(deadline === undefined ? {} : { timeout: deadline }),
      };
    }
    const request = httpOf(step);
    return {
      type: 'action',
      ...(request === undefined
        ? ownAction(step)
        : http(request.method, request.url, request.headers, request.body)),
      ...timeout,
    };
  };

  const workflow: Record<string, Record<string, unknown>> = {};
  workflow[startKey] = {
    type: 'start',
    name: 'Start',
    on_completion: next(
      'start',
      playbook.steps.filter((step) => step.needs.length === 0).map((step) => keyOf(step.id)),
    ),
  };
  for (const step of playbook.steps)
    workflow[keyOf(step.id)] = { name: step.name ?? step.id, ...body(step), ...pointers(step) };
  Object.assign(workflow, parallels);
  workflow[endKey] = { type: 'end', name: 'End' };

  const playbookVariables = Object.fromEntries(
    Object.entries(playbook.vars).map(([name, value]) => [`__${name}__`, toCacaoVariable(value)]),
  );
  const created = new Date(options.now).toISOString();
  const document: CacaoDocument = {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: objectId('playbook', `playbook:${pid}`),
    name: playbook.name,
    ...(playbook.description === undefined ? {} : { description: playbook.description }),
    created_by: createdBy,
    created,
    modified: created,
    workflow_start: startKey,
    workflow,
    ...(Object.keys(agents).length === 0 ? {} : { agent_definitions: agents }),
    ...(Object.keys(targets).length === 0 ? {} : { target_definitions: targets }),
    ...(Object.keys(playbookVariables).length === 0
      ? {}
      : { playbook_variables: playbookVariables }),
  };
  addExtensions(playbook, document, workflow, keys);
  return document;
}

/**
 * Reads the document back as an importer that knows nothing of x-claytom would, and writes into
 * the extension every field of ours that this reading does not give back exactly.
 */
function addExtensions(
  playbook: PlaybookDefinition,
  document: CacaoDocument,
  workflow: Record<string, Record<string, unknown>>,
  keys: ReadonlyMap<string, string>,
): void {
  const read = readCacao(document, undefined);
  if (read.reading === undefined)
    throw new Error(
      `the exported CACAO document does not read back: ${read.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`,
    );
  const reading = read.reading;
  const assembled = assemble(reading, false);
  const parsed = playbookSchema.safeParse(assembled.playbook);
  const derived = (parsed.success ? parsed.data : assembled.playbook) as Record<string, unknown>;
  const derivedSteps = (Array.isArray(derived.steps) ? derived.steps : []) as Record<
    string,
    unknown
  >[];
  const byKey = new Map(
    assembled.steps.map((origin, index) => [origin.key, derivedSteps[index] ?? {}]),
  );
  const ours = new Map([...keys].map(([id, key]) => [key, id]));
  const derivedKey = new Map(
    assembled.steps.map((origin, index) => [String(derivedSteps[index]?.id), origin.key]),
  );
  const nativeWith = new Map(reading.steps.map((step) => [step.key, step.action]));

  for (const step of playbook.steps) {
    const key = keys.get(step.id) ?? step.id;
    const from = byKey.get(key) ?? {};
    const extension: Record<string, unknown> = {};
    const original = step as Record<string, unknown>;
    if (from.id !== step.id) extension[extensionName(STEP_EXTENSION_NAMES, 'id')] = step.id;
    for (const field of new Set([...Object.keys(original), ...Object.keys(from)])) {
      if (field === 'id' || field === 'needs') continue;
      if (!sameJson(original[field], from[field]))
        extension[extensionName(STEP_EXTENSION_NAMES, field)] = original[field] ?? null;
    }
    const needs = (Array.isArray(from.needs) ? from.needs : []).map((id) =>
      ours.get(derivedKey.get(String(id)) ?? ''),
    );
    if (!sameJson(needs, step.needs)) extension.needs = step.needs;
    const native = nativeWith.get(key);
    if (native?.fromCommand === true && ('with' in extension || 'action' in extension))
      extension[NATIVE_DIGEST] = digestOf(native.with);
    const target = workflow[key];
    if (target !== undefined && Object.keys(extension).length > 0)
      target.step_extensions = { [EXTENSION_ID]: extension };
  }

  const top: Record<string, unknown> = {
    trigger: playbook.trigger,
    vars: playbook.vars,
    [NATIVE_DIGEST]: digestOf(reading.vars),
  };
  const original = playbook as Record<string, unknown>;
  for (const field of ['id', 'name', 'description', 'enabled'])
    if (!sameJson(original[field], derived[field]))
      top[extensionName(PLAYBOOK_EXTENSION_NAMES, field)] = original[field] ?? null;
  const createdBy = String(document.created_by);
  document.extension_definitions = { [EXTENSION_ID]: extensionDefinition(createdBy) };
  document.playbook_extensions = { [EXTENSION_ID]: top };
}

function durationOrUndefined(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return durationMs(value);
  } catch {
    return undefined;
  }
}

function holdsSecret(value: unknown): boolean {
  if (isSecretReference(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  return isRecord(value) && Object.values(value).some(holdsSecret);
}

/**
 * The HTTP request a step makes when CACAO can say it as an http-api command: http.request,
 * and slack.post / webhook.send (unsigned) to a written-out URL. Undefined otherwise.
 */
function httpOf(
  step: StepDefinition,
):
  | { method: string; url: string; headers: Record<string, string>; body: string | undefined }
  | undefined {
  const input = step.with;
  const json = (value: unknown): string | undefined =>
    holdsSecret(value) ? undefined : JSON.stringify(value ?? null);
  const JSON_HEADERS = { 'Content-Type': 'application/json' };
  if (
    step.action === 'slack.post' &&
    typeof input.webhook === 'string' &&
    isAbsoluteTarget(input.webhook)
  )
    return {
      method: 'POST',
      url: input.webhook,
      headers: JSON_HEADERS,
      body: json({
        text: input.text,
        ...(input.blocks === undefined ? {} : { blocks: input.blocks }),
      }),
    };
  if (
    step.action === 'webhook.send' &&
    typeof input.url === 'string' &&
    isAbsoluteTarget(input.url) &&
    input.signing_key === undefined
  )
    return { method: 'POST', url: input.url, headers: JSON_HEADERS, body: json(input.payload) };
  if (step.action !== 'http.request' || typeof input.url !== 'string') return undefined;
  const method = typeof input.method === 'string' ? input.method.toUpperCase() : 'GET';
  // A templated method, or a URL that does not start as one, cannot be an HTTP start line.
  if (!(HTTP_METHODS as readonly string[]).includes(method) || !isAbsoluteTarget(input.url))
    return undefined;
  const headers: Record<string, string> = {};
  if (isRecord(input.headers))
    for (const [name, value] of Object.entries(input.headers))
      if (typeof value === 'string') headers[name] = value;
  let body: string | undefined;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) {
    body = json(input.body);
    if (
      body !== undefined &&
      !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
    )
      Object.assign(headers, JSON_HEADERS);
  }
  return {
    method,
    url: input.url,
    headers,
    body,
  };
}
