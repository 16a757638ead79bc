// npm run bench:api [-- --seconds 20 --connections 1000,10000 --rates 5000,10000 --ingest-rates 1000,3000]
//                    [--only ingest]   (the ingest runs alone: wrk and open loop, no list or baseline)
//
// An authenticated list endpoint (GET /rbac/roles with an API token: authentication, principal
// resolution, a database read, JSON) and small POST /ingest batches (10 events, made unique per
// request) on loopback, the server in its own process, at 1,000 and 10,000 concurrent keep-alive
// connections. Baseline in the same run: a bare node:http server answering a fixed small JSON
// body, driven the same way. Two methods, because one load generator cannot answer both questions:
//
// 1. Closed-loop saturation (wrk, 2 threads): every connection sends its next request as soon as
//    the previous answer arrives, so the server is always saturated and the throughput is its
//    capacity. wrk's latency is then just connections / throughput (Little's law) plus
//    connection set-up (SYN retries), and it is measured under coordinated omission; its
//    percentiles are printed as wrk reports them, not judged.
// 2. Open-loop latency (./open-loop.ts, in a process of its own): all N connections are opened
//    first, then requests go out at a constant offered rate R (request i is due at t0 + i/R)
//    whatever the server does, one in flight per connection; a request that finds every
//    connection busy waits, and its latency counts from when it was due (the coordinated-omission
//    correction of wrk2 / HdrHistogram). 2 s warm-up at R, then --seconds measured. A request not
//    answered 10 s after it was sent (or by 10 s after the schedule ends) is a timeout error;
//    non-2xx responses, connections lost mid-request and failed connects are errors too.
//    The list endpoint runs at each --rates value, ingest at each --ingest-rates value (its
//    capacity is about a third of the list endpoint's), the baseline at both: by default one
//    rate comfortably below the endpoint's capacity and one nearer to it.
//
// The target (p99 < 250 ms at 10,000 connections with zero errors, list endpoint) is judged on the
// open-loop figures at each offered rate; wrk's saturation throughput is printed as the capacity.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrapTokens, startServerProcess } from '../test/support/server-process.ts';
import { getRequest, ingestRequest, runOpenLoop } from './open-loop.ts';
import type { OpenLoopResult } from './open-loop.ts';
import { formatInt, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '1000,10000' },
    // Offered rates of the open-loop runs: list endpoint and baseline, then ingest (whose
    // capacity is about a third of the list endpoint's); the baseline runs at both.
    rates: { type: 'string', default: '5000,10000' },
    'ingest-rates': { type: 'string', default: '1000,3000' },
    // `ingest`: only the ingest runs, wrk then open loop (a quick check of ingest tail latency).
    only: { type: 'string', default: 'all' },
  },
});
if (values.only !== 'all' && values.only !== 'ingest') {
  console.error(`--only takes ingest (or all), not ${values.only}`);
  process.exit(2);
}
const onlyIngest = values.only === 'ingest';
const seconds = Number(values.seconds);
const levels = values.connections.split(',').map(Number);
const rates = values.rates.split(',').map(Number);
const ingestRates = values['ingest-rates'].split(',').map(Number);
const maxLevel = Math.max(...levels);

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
const capacity = new Map<number, { base: number; list: number; ingest: number }>();
for (const connections of levels) {
  process.stderr.write(`  wrk, ${String(connections)} connections: baseline…`);
  const skipped: WrkResult = { rps: NaN, p50: NaN, p99: NaN, errors: 0, requests: 0 };
  const base = onlyIngest ? skipped : await runWrk(bareUrl, connections, undefined, undefined);
  process.stderr.write(' list…');
  const list = onlyIngest
    ? skipped
    : await runWrk(
        `${server.url}/rbac/roles`,
        connections,
        undefined,
        `Authorization: Bearer ${tokens.admin}`,
      );
  process.stderr.write(' ingest…\n');
  const ingest = await runWrk(`${server.url}/ingest`, connections, ingestScript, undefined, {
    INGEST_TOKEN: tokens.ingest,
  });
  capacity.set(connections, { base: base.rps, list: list.rps, ingest: ingest.rps });
  for (const [label, r] of [
    ['bare node:http (baseline)', base],
    ['GET /rbac/roles (API token)', list],
    ['POST /ingest (10 events)', ingest],
  ] as const) {
    if (r === skipped) continue;
    rows.push(
      `  ${String(connections).padStart(6)} conn  ${label.padEnd(30)} ${formatInt(r.rps).padStart(9)} req/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(8)} ms   errors ${String(r.errors).padStart(6)}` +
        (label.startsWith('bare')
          ? ''
          : base === skipped
            ? ''
            : `   ${(r.rps / Math.max(1, base.rps)).toFixed(2)}× of baseline`),
    );
  }
}

// Open-loop latency at each offered rate, after the saturation runs. Before each run the server
// is let go idle, so work queued by an earlier run (an overloaded ingest) is not charged to it.
const openRows: string[] = [];
const listAtMax: { rate: number; result: OpenLoopResult }[] = [];
const listRequest = getRequest('/rbac/roles', { Authorization: `Bearer ${tokens.admin}` });
for (const connections of levels) {
  const openRates = onlyIngest ? ingestRates : [...new Set([...rates, ...ingestRates])];
  for (const rate of openRates.sort((x, y) => x - y)) {
    const runs = [
      ...(onlyIngest ? [] : ([['bare node:http (baseline)', bareUrl, getRequest('/')]] as const)),
      ...(!onlyIngest && rates.includes(rate)
        ? ([['GET /rbac/roles (API token)', server.url, listRequest]] as const)
        : []),
      ...(ingestRates.includes(rate)
        ? ([['POST /ingest (10 events)', server.url, ingestRequest(tokens.ingest)]] as const)
        : []),
    ] as const;
    process.stderr.write(`  open loop, ${String(connections)} connections, ${String(rate)} req/s:`);
    let base: OpenLoopResult | undefined;
    for (const [label, url, request] of runs) {
      process.stderr.write(` ${label.split(' ')[0] ?? ''}…`);
      await waitUntilIdle(server.child.pid);
      const r = await runOpenLoop({ url, connections, rate, seconds, request });
      base ??= r;
      if (request === listRequest && connections === maxLevel) listAtMax.push({ rate, result: r });
      openRows.push(
        `  ${String(connections).padStart(6)} conn  ${label.padEnd(30)} offered ${formatInt(rate).padStart(6)}  achieved ${formatInt(r.achievedRate).padStart(6)} req/s   p50 ${fmtMs(r.latency.p50)}   p99 ${fmtMs(r.latency.p99)}   p99.9 ${fmtMs(r.latency.p999)}   errors ${describeErrors(r)}` +
          (r === base ? '' : `   p99 ${(r.latency.p99 / base.latency.p99).toFixed(1)}× baseline`),
      );
    }
    process.stderr.write('\n');
  }
}

server.child.kill('SIGTERM');
await server.exited;
bare.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `api benchmark: loopback, server in its own process, ${String(seconds)} s measured per run`,
);
console.log(
  '  closed-loop saturation (wrk, 2 threads; throughput = capacity, latency = queueing at saturation, not judged)',
);
for (const row of rows) console.log(row);
console.log(
  `  open-loop latency (constant offered rate, ${String(seconds)} s after a 2 s warm-up; latency from each request's intended send time)`,
);
for (const row of openRows) console.log(row);
const cap = capacity.get(maxLevel);
if (cap && !onlyIngest) {
  console.log(
    `  capacity           at ${formatInt(maxLevel)} connections (wrk saturation): list ${formatInt(cap.list)} req/s, ingest ${formatInt(cap.ingest)} req/s; baseline ${formatInt(cap.base)} req/s`,
  );
}
if (!onlyIngest)
  console.log(
    `  target             p99 < 250 ms at ${formatInt(maxLevel)} connections with zero errors (list endpoint, open loop): ` +
      listAtMax
        .map(
          ({ rate, result: r }) =>
            `at ${formatInt(rate)} req/s ${verdict(r.latency.p99 < 250 && r.errors.total === 0)} (p99 ${r.latency.p99.toFixed(1)} ms, ${String(r.errors.total)} errors)`,
        )
        .join('; '),
  );

/** Waits (at most 30 s) until the process uses under 10 % of a core over half a second. */
async function waitUntilIdle(pid: number | undefined): Promise<void> {
  const cpuTicks = (): number => {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN; // not Linux, or gone: do not wait
    }
  };
  const until = Date.now() + 30_000;
  let before = cpuTicks();
  while (Number.isFinite(before) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuTicks();
    if (now - before < 5) return; // clock ticks are 1/100 s: < 0.05 s of CPU in 0.5 s
    before = now;
  }
}

function fmtMs(value: number): string {
  return `${value.toFixed(1).padStart(8)} ms`;
}

function describeErrors(r: OpenLoopResult): string {
  const e = r.errors;
  const parts = (
    [
      ['connect', e.connect],
      ['non-2xx', e.non2xx],
      ['socket', e.socket],
      ['timeout', e.timeout],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${String(n)}`);
  return String(e.total).padStart(6) + (parts.length > 0 ? ` (${parts.join(', ')})` : '');
}
