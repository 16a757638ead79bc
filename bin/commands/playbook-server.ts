import { setTimeout as sleep } from 'node:timers/promises';
import { SoarError } from '../../soar/index.ts';
import { EXIT } from '../context.ts';
import { readPlaybookFiles } from './playbook-files.ts';
import type { OutputIo } from './playbook-files.ts';
import {
  approvalNote,
  awaitsApproval,
  createRunProgress,
  formatRun,
  formatRunHeader,
  isRunView,
  progressLine,
} from './playbook-run-output.ts';
import type { RunView } from './playbook-run-output.ts';

// `secops playbooks push` and `run`: a running server's playbook routes (soar/README.md).

/** A server and the API token to call it with. */
export interface Server {
  readonly url: URL;
  readonly token: string;
}

/** `--url` and `--token`, or SECOPS_URL and SECOPS_TOKEN; a missing one is a usage error. */
export function serverFrom(options: { readonly url?: string; readonly token?: string }): Server {
  const url = options.url ?? process.env.SECOPS_URL;
  const token = options.token ?? process.env.SECOPS_TOKEN;
  if (url === undefined || url === '')
    throw new SoarError('SOAR_INVALID_REQUEST', 'give the server: --url or SECOPS_URL');
  if (token === undefined || token === '')
    throw new SoarError('SOAR_INVALID_REQUEST', 'give an API token: --token or SECOPS_TOKEN');
  try {
    return { url: new URL(url), token };
  } catch {
    throw new SoarError('SOAR_INVALID_REQUEST', `--url ${url}: not a URL`);
  }
}

/** `--format`: text or json. */
export function formatOption(format: string): 'text' | 'json' {
  if (format !== 'text' && format !== 'json')
    throw new SoarError('SOAR_INVALID_REQUEST', '--format is text or json');
  return format;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

type Reply =
  { readonly ok: true; readonly answer: Answer } | { readonly ok: false; readonly message: string };

/** One call; a server that cannot be reached is a reply saying so, not a throw. */
async function call(
  server: Server,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const endpoint = new URL(path, server.url);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method,
      headers: {
        authorization: `Bearer ${server.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { ok: false, message: `cannot reach ${endpoint.origin}: ${cause ?? String(err)}` };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text.slice(0, 200);
  }
  return { ok: true, answer: { status: res.status, body: parsed } };
}

interface Problem {
  readonly code: string;
  readonly detail: string;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

/** A problem+json answer's code, detail and field errors (`{ path, message }`). */
function problemOf(answer: Answer): Problem {
  const body = answer.body;
  if (typeof body !== 'object' || body === null)
    return { code: '', detail: typeof body === 'string' ? body : '', errors: [] };
  const { code, detail, errors } = body as { code?: unknown; detail?: unknown; errors?: unknown };
  return {
    code: typeof code === 'string' ? code : '',
    detail: typeof detail === 'string' ? detail : '',
    errors: Array.isArray(errors)
      ? errors
          .filter(
            (e): e is { path: unknown; message: unknown } => typeof e === 'object' && e !== null,
          )
          .map((e) => ({ path: String(e.path), message: String(e.message) }))
      : [],
  };
}

/**
 * `secops: <what>: <lead>: <detail>`, then each field error the detail does not already name.
 * An invalid playbook's detail only restates its first problem: every problem is listed instead.
 */
function writeProblem(
  io: OutputIo,
  what: string,
  lead: string,
  answer: Answer,
  rename = (s: string) => s,
): void {
  const { code, detail, errors } = problemOf(answer);
  const listed = code === 'SOAR_PLAYBOOK_INVALID' && errors.length > 0;
  const said = listed
    ? `not a valid playbook (${String(errors.length)} problem${errors.length === 1 ? '' : 's'})`
    : rename(detail);
  io.stderr.write(`secops: ${what}: ${lead}${said === '' ? '' : `: ${said}`}\n`);
  for (const error of errors) {
    const path = rename(error.path);
    if (listed || !said.includes(path)) io.stderr.write(`  - ${path}: ${error.message}\n`);
  }
}

/**
 * Uploads each file as YAML (JSON is YAML) with `POST /playbooks`. Every file is read first:
 * one that cannot be read sends nothing (exit 2). A refused file (400) is reported, with its
 * problems placed in the file, and the others are still sent (exit 1). An unreachable server
 * or any other answer (401, 403, 5xx) stops (exit 2).
 */
export async function pushPlaybooks(
  paths: readonly string[],
  server: Server,
  io: OutputIo,
): Promise<number> {
  const { files, unreadable } = await readPlaybookFiles(paths);
  if (unreadable.length > 0) {
    for (const { path, reason } of unreadable)
      io.stderr.write(`secops: ${path}: cannot read it: ${reason}\n`);
    io.stderr.write('secops: nothing was pushed\n');
    return EXIT.usage;
  }
  let refused = 0;
  for (const file of files) {
    const reply = await call(server, 'POST', '/playbooks', { yaml: file.text });
    if (!reply.ok) {
      io.stderr.write(`secops: ${reply.message}\n`);
      return EXIT.usage;
    }
    const { answer } = reply;
    const stored = answer.body as { id?: unknown; version?: unknown };
    if (answer.status === 201 && typeof stored.id === 'string') {
      io.stdout.write(`${file.path}: ${stored.id} version ${String(stored.version)}\n`);
      continue;
    }
    // The server names an uploaded text `playbook.yaml`: name the file instead.
    const rename = (text: string): string => text.replaceAll('playbook.yaml:', `${file.path}:`);
    if (answer.status === 400 || answer.status === 413) {
      refused += 1;
      writeProblem(io, file.path, 'refused', answer, rename);
      continue;
    }
    writeProblem(io, file.path, `server answered ${String(answer.status)}`, answer, rename);
    return EXIT.usage;
  }
  return refused > 0 ? EXIT.failed : EXIT.ok;
}

export interface RunOptions {
  readonly var?: readonly string[];
  readonly varJson?: readonly string[];
  readonly alert?: string;
  readonly dryRun?: boolean;
  readonly idempotencyKey?: string;
  readonly wait?: boolean;
  readonly timeout: string;
  readonly format: string;
}

/** `--var key=value` (a string) and `--var-json key=<JSON>` as the run's `vars`. */
export function parseVars(
  strings: readonly string[],
  json: readonly string[],
): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  const split = (option: string, given: string): [string, string] => {
    const at = given.indexOf('=');
    const key = at < 0 ? '' : given.slice(0, at).trim();
    if (key === '')
      throw new SoarError('SOAR_INVALID_REQUEST', `${option} ${given}: give key=value`);
    return [key, given.slice(at + 1)];
  };
  for (const given of strings) {
    const [key, value] = split('--var', given);
    vars[key] = value;
  }
  for (const given of json) {
    const [key, value] = split('--var-json', given);
    try {
      vars[key] = JSON.parse(value) as unknown;
    } catch {
      throw new SoarError('SOAR_INVALID_REQUEST', `--var-json ${key}: the value is not JSON`);
    }
  }
  return vars;
}

const POLL_MS = 250;

/**
 * Starts a playbook (`POST /playbooks/:id/runs`) and prints the run. With `wait`, follows it
 * (`GET /runs/:id` every 250 ms, progress on stderr, a step waiting for approval named once)
 * until it ends, then prints each step. Exit: 0 completed (without `wait`: started), 1 failed
 * or cancelled, 2 bad usage, a start the server refuses, an unreachable server, or the timeout.
 */
export async function runPlaybook(
  id: string,
  options: RunOptions,
  server: Server,
  io: OutputIo,
): Promise<number> {
  const format = formatOption(options.format);
  const timeoutSeconds = Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new SoarError('SOAR_INVALID_REQUEST', '--timeout is a number of seconds above 0');
  const vars = parseVars(options.var ?? [], options.varJson ?? []);
  const reply = await call(
    server,
    'POST',
    `/playbooks/${encodeURIComponent(id)}/runs`,
    {
      ...(Object.keys(vars).length > 0 ? { vars } : {}),
      ...(options.alert === undefined ? {} : { alert_id: options.alert }),
      ...(options.dryRun === true ? { dry_run: true } : {}),
    },
    options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
  );
  if (!reply.ok) {
    io.stderr.write(`secops: ${reply.message}\n`);
    return EXIT.usage;
  }
  if (reply.answer.status !== 202 || !isRunView(reply.answer.body)) {
    writeProblem(
      io,
      `playbook ${id}`,
      `not started: server answered ${String(reply.answer.status)}`,
      reply.answer,
    );
    return EXIT.usage;
  }
  const started = reply.answer.body;
  if (options.wait !== true) {
    io.stdout.write(
      format === 'json' ? `${JSON.stringify(started, null, 2)}\n` : formatRunHeader(started),
    );
    return exitOf(started);
  }
  if (format === 'text') io.stderr.write(formatRunHeader(started));

  const run = await followRun(server, started.id, Date.now() + timeoutSeconds * 1000, io);
  if (run === undefined) return EXIT.usage;
  io.stdout.write(format === 'json' ? `${JSON.stringify(run, null, 2)}\n` : formatRun(run));
  if (run.status === 'running') {
    io.stderr.write(
      `secops: run ${run.id} is still running after ${String(timeoutSeconds)} s (follow it: GET /runs/${run.id})\n`,
    );
    return EXIT.usage;
  }
  return exitOf(run);
}

const exitOf = (run: RunView): number =>
  run.status === 'failed' || run.status === 'cancelled' ? EXIT.failed : EXIT.ok;

/**
 * Polls `GET /runs/:id` until the run ends or the deadline passes, with progress on stderr and
 * each step waiting for approval named once. Undefined (said on stderr) when polling fails.
 */
async function followRun(
  server: Server,
  runId: string,
  deadline: number,
  io: OutputIo,
): Promise<RunView | undefined> {
  const progress = createRunProgress(io.stderr);
  const announced = new Set<string>();
  try {
    for (;;) {
      const polled = await call(server, 'GET', `/runs/${encodeURIComponent(runId)}`);
      if (!polled.ok) {
        progress.stop();
        io.stderr.write(`secops: ${polled.message}\n`);
        return undefined;
      }
      if (polled.answer.status !== 200 || !isRunView(polled.answer.body)) {
        progress.stop();
        writeProblem(
          io,
          `run ${runId}`,
          `server answered ${String(polled.answer.status)}`,
          polled.answer,
        );
        return undefined;
      }
      const run = polled.answer.body;
      progress.update(progressLine(run));
      for (const step of run.steps ?? []) {
        if (!awaitsApproval(step) || announced.has(step.id)) continue;
        announced.add(step.id);
        progress.note(`secops: run ${run.id}: step ${step.id} ${approvalNote(run.id, step)}`);
      }
      if (run.status !== 'running' || Date.now() >= deadline) return run;
      await sleep(POLL_MS);
    }
  } finally {
    progress.stop();
  }
}
