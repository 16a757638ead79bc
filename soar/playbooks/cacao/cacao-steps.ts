import { ACTION_COMMAND } from './cacao-extension.ts';
import { isRecord, parseIdentifier } from './cacao-ids.ts';
import type { Issues, Path } from './cacao-issues.ts';
import { shown } from './cacao-issues.ts';
import { fromCacaoText, isAbsoluteTarget, ourVariableName, parseStartLine } from './cacao-text.ts';
import type { VariableScope } from './cacao-text.ts';

/** What reading one step needs from the rest of the document. */
export interface StepContext {
  readonly document: Readonly<Record<string, unknown>>;
  /** Playbook variables: CACAO name → our var name. */
  readonly vars: ReadonlyMap<string, string>;
  /** CACAO playbook ids → our playbook ids, for playbook-action steps. */
  readonly playbooks: ReadonlyMap<string, string> | undefined;
  readonly issues: Issues;
}

/** The action of a step as its CACAO properties say it (before the x-claytom extension). */
export interface NativeAction {
  readonly action: string;
  readonly with: Record<string, unknown>;
  /**
   * True when the inputs were read from a CACAO command or playbook reference; false for an
   * `x-claytom-action` command, whose inputs only the x-claytom extension gives.
   */
  readonly fromCommand: boolean;
  /** Where the inputs come from, for problems found in them later. */
  readonly withPath: Path;
  readonly warnings: readonly string[];
}

const SHELLS = new Set(['ssh', 'bash', 'powershell']);
const OTHER_KNOWN = new Set([
  'openc2-http',
  'openc2',
  'caldera-cmd',
  'elastic',
  'jupyter',
  'kestrel',
  'sigma',
  'yara',
]);

/** Why a command type cannot be imported, or undefined when it can. */
function commandTypeProblem(type: unknown, label: string): string | undefined {
  if (typeof type !== 'string') return `a command needs a type (${label})`;
  if (type === 'http-api' || type === 'manual' || type === ACTION_COMMAND) return undefined;
  if (SHELLS.has(type))
    return `${type} commands are not supported: ClayTom SecOps does not run shell or remote commands (${label})`;
  if (OTHER_KNOWN.has(type)) return `${type} commands are not supported (${label})`;
  return `unknown command type ${type} (${label}); supported: http-api, manual`;
}

/** A step's label for messages: its name, else its id. */
export function labelOf(key: string, step: Readonly<Record<string, unknown>>): string {
  return typeof step.name === 'string' && step.name !== ''
    ? `step ${JSON.stringify(step.name)}`
    : `step ${key}`;
}

/**
 * What variable references in a step mean: its constant step variables (those with a value),
 * then the playbook variables.
 */
function stepScope(
  step: Readonly<Record<string, unknown>>,
  vars: ReadonlyMap<string, string>,
): VariableScope {
  const constants = new Map<string, string>();
  const declared = isRecord(step.step_variables) ? step.step_variables : {};
  for (const [name, variable] of Object.entries(declared)) {
    if (!isRecord(variable)) continue;
    const { value } = variable;
    if (typeof value === 'string') constants.set(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean')
      constants.set(name, String(value));
  }
  return { playbook: vars, step: constants };
}

/**
 * The action and inputs of an `action` or `playbook-action` step, from its command (http-api →
 * http.request, manual → approval, x-claytom-action → the extension's action) or its playbook
 * reference (→ playbook.run). Problems go to `context.issues`; undefined when there are some.
 */
export function nativeAction(
  key: string,
  step: Readonly<Record<string, unknown>>,
  type: 'action' | 'playbook-action',
  timeout: string | undefined,
  context: StepContext,
): NativeAction | undefined {
  const at = (...rest: PropertyKey[]): Path => ['workflow', key, ...rest];
  const label = labelOf(key, step);
  const warnings: string[] = [];
  if (step.out_args !== undefined)
    warnings.push(
      `${label}: out_args are ignored (later steps read a step's result as steps.<id>.output)`,
    );
  const scope = stepScope(step, context.vars);
  const text = (value: string): string => {
    const converted = fromCacaoText(value, scope);
    if (converted.undeclared.length > 0)
      warnings.push(
        `${label}: ${converted.undeclared.join(', ')} ${converted.undeclared.length === 1 ? 'is' : 'are'} not declared with a value; left as written`,
      );
    return converted.text;
  };
  if (type === 'playbook-action') return playbookAction(key, step, label, scope, context, warnings);
  checkReferences(key, step, context);
  const commands = step.commands;
  if (!Array.isArray(commands) || commands.length === 0) {
    context.issues.add(at('commands'), `an action step needs a command (${label})`);
    return undefined;
  }
  let usable = true;
  commands.forEach((command: unknown, index) => {
    const problem = isRecord(command)
      ? commandTypeProblem(command.type, label)
      : `must be a command object (${label})`;
    if (problem === undefined) return;
    context.issues.add(
      isRecord(command) ? at('commands', index, 'type') : at('commands', index),
      problem,
    );
    usable = false;
  });
  if (commands.length > 1) {
    context.issues.add(
      at('commands'),
      `one command per action step is supported, found ${String(commands.length)}: split them into steps (${label})`,
    );
    usable = false;
  }
  const [command] = commands as unknown[];
  if (!usable || !isRecord(command)) return undefined;
  const where = at('commands', 0);
  if (command.type === ACTION_COMMAND) {
    if (typeof command.command !== 'string' || command.command === '') {
      context.issues.add(
        [...where, 'command'],
        `an ${ACTION_COMMAND} command names the action in command (${label})`,
      );
      return undefined;
    }
    return { action: command.command, with: {}, fromCommand: false, withPath: where, warnings };
  }
  if (command.type === 'manual') {
    const prompt = manualText(command);
    if (prompt === undefined) {
      context.issues.add(where, `a manual command needs command or command_b64 (${label})`);
      return undefined;
    }
    return {
      action: 'approval',
      with: { prompt: text(prompt), ...(timeout === undefined ? {} : { timeout }) },
      fromCommand: true,
      withPath: where,
      warnings,
    };
  }
  const request = httpRequest(key, step, command, label, context);
  if (request === undefined) return undefined;
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, text(value)]),
  );
  return {
    action: 'http.request',
    with: {
      url: text(request.url),
      ...(request.method === 'GET' ? {} : { method: request.method }),
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      ...(request.body === undefined ? {} : { body: text(request.body) }),
    },
    fromCommand: true,
    withPath: where,
    warnings,
  };
}

function manualText(command: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof command.command === 'string') return command.command;
  if (typeof command.command_b64 === 'string')
    return Buffer.from(command.command_b64, 'base64').toString('utf8');
  return undefined;
}

function playbookAction(
  key: string,
  step: Readonly<Record<string, unknown>>,
  label: string,
  scope: VariableScope,
  context: StepContext,
  warnings: string[],
): NativeAction | undefined {
  const at = (...rest: PropertyKey[]): Path => ['workflow', key, ...rest];
  const reference = parseIdentifier(step.playbook_id);
  if (reference?.type !== 'playbook' || typeof step.playbook_id !== 'string') {
    context.issues.add(
      at('playbook_id'),
      `must be the id of a CACAO playbook (playbook--<uuid>), found ${shown(step.playbook_id)}`,
    );
    return undefined;
  }
  let playbook = context.playbooks?.get(step.playbook_id);
  if (playbook === undefined) {
    playbook = `cacao-${reference.uuid.replaceAll('-', '').slice(0, 8)}`;
    warnings.push(
      `${label} runs CACAO playbook ${step.playbook_id}, taken to be playbook ${playbook} (map CACAO ids to playbook ids with the playbooks option)`,
    );
  }
  if (step.playbook_version !== undefined)
    warnings.push(`${label}: playbook_version is ignored (the newest version runs)`);
  const vars: Record<string, string> = {};
  const inArgs: unknown[] = Array.isArray(step.in_args) ? step.in_args : [];
  inArgs.forEach((name, index) => {
    const ours = typeof name === 'string' ? ourVariableName(name) : undefined;
    if (typeof name !== 'string' || ours === undefined) {
      context.issues.add(
        at('in_args', index),
        `must be a variable name such as __name__, found ${shown(name)}`,
      );
      return;
    }
    vars[ours] = scope.step.get(name) ?? `\${{ vars.${scope.playbook.get(name) ?? ours} }}`;
  });
  return {
    action: 'playbook.run',
    with: { playbook, ...(Object.keys(vars).length === 0 ? {} : { vars }) },
    fromCommand: true,
    withPath: at('playbook_id'),
    warnings,
  };
}

/** The agent and targets a step names must be defined (and be identifiers). */
function checkReferences(
  key: string,
  step: Readonly<Record<string, unknown>>,
  context: StepContext,
): void {
  const check = (id: unknown, dictionary: string, path: Path, what: string): void => {
    if (parseIdentifier(id) === undefined)
      context.issues.add(path, `not a CACAO identifier (type--uuid): ${shown(id)}`);
    const defined = context.document[dictionary];
    if (typeof id === 'string' && !(isRecord(defined) && isRecord(defined[id])))
      context.issues.add(path, `${what} ${id} is not defined in ${dictionary}`);
  };
  if (step.agent !== undefined)
    check(step.agent, 'agent_definitions', ['workflow', key, 'agent'], 'agent');
  if (Array.isArray(step.targets))
    step.targets.forEach((id: unknown, index) => {
      check(id, 'target_definitions', ['workflow', key, 'targets', index], 'target');
    });
}

interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function httpRequest(
  key: string,
  step: Readonly<Record<string, unknown>>,
  command: Readonly<Record<string, unknown>>,
  label: string,
  context: StepContext,
): HttpRequest | undefined {
  const at = (...rest: PropertyKey[]): Path => ['workflow', key, 'commands', 0, ...rest];
  const before = context.issues.list.length;
  const line = command.command;
  if (typeof line !== 'string') {
    context.issues.add(
      at('command'),
      `an http-api command needs its start line, e.g. "GET /path HTTP/1.1" (${label})`,
    );
    return undefined;
  }
  const start = parseStartLine(line);
  if ('error' in start) {
    context.issues.add(at('command'), `${start.error} (${label})`);
    return undefined;
  }
  let url = start.target;
  if (!isAbsoluteTarget(url)) {
    const base = httpBase(step, context.document);
    if (base === undefined)
      context.issues.add(
        at('command'),
        `the request target ${start.target} is relative and the step has no http-api target or agent with an address (${label})`,
      );
    else url = `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  }
  const headers: Record<string, string> = {};
  if (command.headers !== undefined && !isRecord(command.headers))
    context.issues.add(at('headers'), 'must be an object of header name → list of values');
  for (const [name, value] of Object.entries(isRecord(command.headers) ? command.headers : {})) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.every((item) => typeof item === 'string')) headers[name] = values.join(', ');
    else context.issues.add(at('headers', name), 'must be a list of strings');
  }
  let body: string | undefined;
  if (command.content !== undefined && command.content_b64 !== undefined)
    context.issues.add(at('content_b64'), 'give content or content_b64, not both');
  else if (typeof command.content === 'string') body = command.content;
  else if (typeof command.content_b64 === 'string') {
    const bytes = Buffer.from(command.content_b64, 'base64');
    const decoded = bytes.toString('utf8');
    if (Buffer.from(decoded, 'utf8').equals(bytes)) body = decoded;
    else
      context.issues.add(
        at('content_b64'),
        'binary content is not supported (it is not UTF-8 text)',
      );
  } else if (command.content !== undefined || command.content_b64 !== undefined)
    context.issues.add(
      at(command.content === undefined ? 'content_b64' : 'content'),
      'must be a string',
    );
  if (context.issues.list.length > before) return undefined;
  return { method: start.method, url, headers, body };
}

/**
 * The base URL of the step's first http-api target, else of its http-api agent: `address.url`,
 * else `http(s)://<dname | ipv4 | [ipv6]>[:port]` (https on port 443; the spec's default port is 80).
 */
function httpBase(
  step: Readonly<Record<string, unknown>>,
  document: Readonly<Record<string, unknown>>,
): string | undefined {
  const definition = (dictionary: string, id: unknown): Record<string, unknown> | undefined => {
    const defined = document[dictionary];
    const found = isRecord(defined) && typeof id === 'string' ? defined[id] : undefined;
    return isRecord(found) && found.type === 'http-api' ? found : undefined;
  };
  const targets: unknown[] = Array.isArray(step.targets) ? step.targets : [];
  const api =
    targets
      .map((id) => definition('target_definitions', id))
      .find((found) => found !== undefined) ?? definition('agent_definitions', step.agent);
  const address = api === undefined || !isRecord(api.address) ? undefined : api.address;
  if (address === undefined) return undefined;
  const first = (kind: string): string | undefined => {
    const list = address[kind];
    return Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined;
  };
  const url = first('url');
  if (url !== undefined) return url;
  const ipv6 = first('ipv6');
  const host = first('dname') ?? first('ipv4') ?? (ipv6 === undefined ? undefined : `[${ipv6}]`);
  if (host === undefined) return undefined;
  const port = typeof api?.port === 'number' ? String(api.port) : api?.port;
  const scheme = port === '443' ? 'https' : 'http';
  const suffix = typeof port === 'string' && port !== '80' && port !== '443' ? `:${port}` : '';
  return `${scheme}://${host}${suffix}`;
}
