// Test support for the integration test: finds rsyslogd and util-linux logger, runs a private
// rsyslogd (own config, work directory, socket and pid file) and makes sure it is always killed.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The external programs the integration test needs, or why they are unusable. */
export type Prerequisites =
  | { readonly ok: true; readonly rsyslogd: string; readonly logger: string }
  | { readonly ok: false; readonly reason: string };

export function findPrerequisites(): Prerequisites {
  const rsyslogd = findExecutable('rsyslogd');
  const logger = findExecutable('logger');
  const missing: string[] = [];
  if (rsyslogd === undefined) missing.push('rsyslogd not found (apt-get install rsyslog)');
  if (logger === undefined) {
    missing.push('logger not found (apt-get install bsdutils)');
  } else {
    const help = spawnSync(logger, ['--help'], { encoding: 'utf8' }).stdout;
    if (!help.includes('--octet-count') || !help.includes('--socket')) {
      missing.push(`${logger} is not util-linux logger (no --octet-count/--socket)`);
    }
  }
  if (rsyslogd === undefined || logger === undefined || missing.length > 0) {
    return { ok: false, reason: missing.join('; ') };
  }
  return { ok: true, rsyslogd, logger };
}

/** Where rsyslog forwards what it receives on its private socket. */
export interface RsyslogTargets {
  /** TCP port: one action with octet-counted framing and RFC 5424, one with LF framing and RFC 3164. */
  readonly tcpPort: number;
  /** UDP port: RFC 5424, one datagram per message. */
  readonly udpPort: number;
}

export interface RsyslogProcess {
  /** imuxsock socket to inject messages into (`logger --socket`). */
  readonly socketPath: string;
  /** What rsyslogd printed so far, for failure messages. */
  output(): string;
  /** SIGTERM (rsyslog flushes its actions), SIGKILL after 10 s; removes the work directory. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort if the test run dies before afterAll: never leave an rsyslogd behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a private `rsyslogd -n` forwarding to `targets`; resolves once its socket exists. */
export function startRsyslog(rsyslogd: string, targets: RsyslogTargets): Promise<RsyslogProcess> {
  return startRsyslogWith(rsyslogd, (workDir, socketPath) =>
    rsyslogConfig(workDir, socketPath, targets),
  );
}

/**
 * Starts a private `rsyslogd -n` with the configuration `config` writes for its work directory
 * and injection socket; resolves once the socket exists.
 */
export async function startRsyslogWith(
  rsyslogd: string,
  config: (workDir: string, socketPath: string) => string,
): Promise<RsyslogProcess> {
  const workDir = await mkdtemp(join(tmpdir(), 'claytom-rsyslog-'));
  const socketPath = join(workDir, 'inject.sock');
  const configPath = join(workDir, 'rsyslog.conf');
  await writeFile(configPath, config(workDir, socketPath));
  const child = spawn(rsyslogd, ['-n', '-f', configPath, '-i', join(workDir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 15_000;
    while (!existsSync(socketPath)) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`rsyslogd exited early: ${output}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd did not create its socket: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { socketPath, output: () => output, stop };
}

/** Runs util-linux `logger` with `args`, feeding `input` on stdin; rejects on a non-zero exit. */
export function runLogger(logger: string, args: readonly string[], input = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(logger, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`logger ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

function rsyslogConfig(workDir: string, socketPath: string, targets: RsyslogTargets): string {
  const forward = `target="127.0.0.1" action.resumeRetryCount="-1" queue.type="LinkedList"`;
  return `
global(workDirectory="${workDir}" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${socketPath}" RateLimit.Interval="0" Ruleset="forward")
ruleset(name="forward") {
  action(type="omfwd" ${forward} port="${targets.tcpPort}" protocol="tcp"
         TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" ${forward} port="${targets.tcpPort}" protocol="tcp"
         template="RSYSLOG_TraditionalForwardFormat")
  action(type="omfwd" ${forward} port="${targets.udpPort}" protocol="udp"
         template="RSYSLOG_SyslogProtocol23Format")
}
`;
}

function findExecutable(name: string): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/sbin',
    '/usr/local/sbin',
  ];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
