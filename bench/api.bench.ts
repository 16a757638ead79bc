// npm run bench:api [-- --seconds 20 --connections 1000,10000]
//
// An authenticated list endpoint (GET /rbac/roles with an API token: authentication, principal
// resolution, a database read, JSON) and small POST /ingest batches (10 events, made unique per
// request), under load from wrk with 1,000 and 10,000 concurrent keep-alive connections on
// loopback. Baseline in the same run: a bare node:http server answering a fixed small JSON body,
// measured with the same wrk settings. wrk is closed-loop: its percentiles are measured under
// coordinated omission, so they flatter tails (they are reported as wrk prints them).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrapTokens, startServerProcess } from '../test/support/server-process.ts';
import { formatInt, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '1000,10000' },
  },
});
const seconds = Number(values.seconds);
const levels = values.connections.split(',').map(Number);

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install wrk');
  process.exit(2);
}

interface WrkResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
}

function ms(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

function runWrk(
  url: string,
  connections: number,
  script: string | undefined,
  header: string | undefined,
  env: Record<string, string> = {},
): Promise<WrkResult> {
  const args = [
    '-t2',
    `-c${String(connections)}`,
    `-d${String(seconds)}s`,
    '--timeout',
    '10s',
    '--latency',
    ...(header ? ['-H', header] : []),
    ...(script ? ['-s', script] : []),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      const latency = (p: string) => {
        const m = new RegExp(`${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
        return m ? ms(m[1] ?? '0', m[2] ?? 'ms') : NaN;
      };
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
        out,
      );
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      const errors =
        (socket ? socket.slice(1, 5).reduce((n, v) => n + Number(v), 0) : 0) +
        Number(non2xx?.[1] ?? 0);
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
        p50: latency('50'),
        p99: latency('99'),
        errors,
        requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'secops-bench-api-'));
const ingestScript = join(dir, 'ingest.lua');
writeFileSync(
  ingestScript,
  `-- Each request: 10 small events, unique (a counter per thread), NDJSON.
-- wrk drops -H headers when a script passes its own, so the token comes from the environment.
local counter = 0
local token = os.getenv("INGEST_TOKEN")
local thread_id = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local lines = {}
  for i = 1, 10 do
    lines[i] = '{"message":"bench api event ' .. thread_id .. '-' .. counter .. '-' .. i .. '","event":{"code":"4624"},"host":{"name":"bench-host"}}'
  end
  return wrk.format("POST", "/ingest", { ["Content-Type"] = "application/x-ndjson", ["Authorization"] = "Bearer " .. token }, table.concat(lines, "\\n"))
end
`,
);

// Baseline: the bare Node HTTP server.
const bare = createServer({ keepAliveTimeout: 65_000 }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"roles":[{"name":"admin"}]}');
});
bare.maxConnections = 20_000;
await new Promise<void>((r) => bare.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
const bareUrl = `http://127.0.0.1:${String((bare.address() as AddressInfo).port)}/`;

const server = await startServerProcess(dir, {
  SECOPS_RATE_LIMIT_PER_ADDRESS: '100000000',
  SECOPS_RATE_LIMIT_PER_PRINCIPAL: '100000000',
  SECOPS_EVENTS_DURABILITY: 'full',
});
const tokens = bootstrapTokens(server.stdout());

const rows: string[] = [];
let worstListP99 = 0;
let listErrors = 0;
for (const connections of levels) {
  process.stderr.write(`  ${String(connections)} connections: baseline…`);
  const base = await runWrk(bareUrl, connections, undefined, undefined);
  process.stderr.write(' list…');
  const list = await runWrk(
    `${server.url}/rbac/roles`,
    connections,
    undefined,
    `Authorization: Bearer ${tokens.admin}`,
  );
  process.stderr.write(' ingest…\n');
  const ingest = await runWrk(`${server.url}/ingest`, connections, ingestScript, undefined, {
    INGEST_TOKEN: tokens.ingest,
  });
  if (connections === Math.max(...levels)) worstListP99 = list.p99;
  listErrors += list.errors;
  for (const [label, r] of [
    ['bare node:http (baseline)', base],
    ['GET /rbac/roles (API token)', list],
    ['POST /ingest (10 events)', ingest],
  ] as const) {
    rows.push(
      `  ${String(connections).padStart(6)} conn  ${label.padEnd(30)} ${formatInt(r.rps).padStart(9)} req/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(8)} ms   errors ${String(r.errors).padStart(6)}` +
        (label.startsWith('bare')
          ? ''
          : `   ${(r.rps / Math.max(1, base.rps)).toFixed(2)}× of baseline`),
    );
  }
}

server.child.kill('SIGTERM');
await server.exited;
bare.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `api benchmark: wrk, 2 threads, ${String(seconds)} s per run, loopback, server in its own process`,
);
for (const row of rows) console.log(row);
console.log(
  `  target             p99 < 250 ms at ${String(Math.max(...levels))} connections with zero errors (list endpoint): ${verdict(worstListP99 < 250 && listErrors === 0)}`,
);
