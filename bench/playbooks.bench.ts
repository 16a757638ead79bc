// npm run bench:playbooks [-- --seconds 20 --rate 50 --runs 200 --steps 10 --concurrency 8
//   --only embedded|bullmq|postgres --durability full|normal]
//
// The playbook runner, for each queue configuration (embedded: SQLite + jobs table; BullMQ:
// SQLite run state + BullMQ on Redis; PostgreSQL + jobs table):
// 1. alert → first step started: alerts opened at a constant rate (open loop), each in a unit of
//    work that writes the alert and calls `runner.onAlertsOpened` (as the detection relay does);
//    a playbook triggered on high severity whose first step is `http.request` to a loopback peer.
//    Latency from the commit to the first step's action starting, and to the peer receiving it.
// 2. steps/s: many runs of a manual playbook of sequential no-op steps, started at once.
// 3. the JobQueue port alone: no-op jobs added and processed.
// Baseline in the same run: a plain BullMQ Queue + Worker (no ClayTom code) adding and processing
// no-op jobs at the same concurrency.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createOutboundHttp } from '../platform/outbound/index.ts';
import { httpActions } from '../soar/index.ts';
import type { ActionCatalog, ActionDefinition } from '../soar/index.ts';
import { postgresUrl, probePostgres, probeRedis, redisUrl } from '../test/support/services.ts';
import {
  RATE_ROUNDS,
  alertLatency,
  alertPlaybook,
  bareBullmqRate,
  chainPlaybook,
  portRate,
  stepThroughput,
} from './playbook-phases.ts';
import type { LatencyResult, Probes, RateResult, ThroughputResult } from './playbook-phases.ts';
import { CONFIGS, configLabel, openBackend, openRig } from './playbook-rig.ts';
import type { ConfigName, Endpoints } from './playbook-rig.ts';
import { formatInt, percentile, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '50' },
    runs: { type: 'string', default: '200' },
    steps: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
    durability: { type: 'string', default: 'full' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const runCount = Number(values.runs);
const stepCount = Number(values.steps);
const concurrency = Number(values.concurrency);
const jobs = runCount * stepCount;
const only = values.only;
if (only !== undefined && !(CONFIGS as readonly string[]).includes(only))
  throw new Error(`--only takes one of ${CONFIGS.join(', ')}`);
const configs = CONFIGS.filter((c) => only === undefined || c === only);
const durability = values.durability;
if (durability !== 'full' && durability !== 'normal')
  throw new Error('--durability takes full or normal');
const endpoints: Endpoints = { redis: redisUrl, postgres: postgresUrl, durability };
const progress = (line: string): void => {
  console.log(`… ${line}`);
};

// The peer the first step calls: records when each request arrives (its headers parsed).
const probes: Probes = { started: new Map(), received: new Map() };
const server = createServer((req, res) => {
  const at = performance.now();
  const id = /^\/alert\/([^/?]+)/.exec(req.url ?? '')?.[1];
  if (id !== undefined) probes.received.set(id, at);
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const peer = `http://127.0.0.1:${String(port)}`;

// The catalogue: the real HTTP actions (http.request timed as it begins) and a no-op action.
const outbound = createOutboundHttp({
  allowHttp: true,
  allowPrivateNetworks: ['127.0.0.0/8'],
  allowedPorts: [port],
});
const timed = (action: ActionDefinition<never>): ActionDefinition<never> => ({
  ...action,
  run: (input, context) => {
    if (context.alertId !== null) probes.started.set(context.alertId, performance.now());
    return action.run(input, context);
  },
});
let noops = 0;
const noop: ActionDefinition<Record<string, never>> = {
  name: 'bench.noop',
  description: 'Does nothing.',
  integration: 'bench',
  idempotent: true,
  input: z.strictObject({}),
  run: () => {
    noops++;
    return Promise.resolve({});
  },
};
const actions: ActionDefinition<never>[] = [
  ...httpActions(outbound).map((a) => (a.name === 'http.request' ? timed(a) : a)),
  noop as ActionDefinition<never>,
];
const catalog: ActionCatalog = new Map(actions.map((a) => [a.name, a]));

interface ConfigResult {
  readonly config: ConfigName;
  readonly skipped?: string;
  readonly latency?: LatencyResult;
  readonly throughput?: ThroughputResult;
  readonly port?: RateResult;
}

async function measure(config: ConfigName): Promise<ConfigResult> {
  if (config !== 'embedded') {
    const probe = config === 'postgres' ? await probePostgres() : await probeRedis();
    if (!probe.ok) return { config, skipped: probe.reason };
  }

  progress(
    `${config}: alert → first step, 1 s warm-up then ${String(seconds)} s at ${String(rate)} alerts/s`,
  );
  let rig = await openRig(config, endpoints, catalog, concurrency);
  let latency: LatencyResult;
  try {
    await rig.save(alertPlaybook(peer));
    await alertLatency(rig, probes, { rate, seconds: 1 });
    latency = await alertLatency(rig, probes, { rate, seconds });
  } finally {
    await rig.close();
  }

  progress(`${config}: steps/s, ${formatInt(runCount)} runs × ${String(stepCount)} no-op steps`);
  rig = await openRig(config, endpoints, catalog, concurrency);
  let throughput: ThroughputResult;
  try {
    await rig.save(chainPlaybook('bench-warm', 2));
    await rig.save(chainPlaybook('bench-chain', stepCount));
    await stepThroughput(rig, { playbookId: 'bench-warm', runs: concurrency * 2 }, () => noops);
    throughput = await stepThroughput(
      rig,
      { playbookId: 'bench-chain', runs: runCount },
      () => noops,
    );
  } finally {
    await rig.close();
  }

  progress(`${config}: JobQueue port alone, ${formatInt(jobs)} no-op jobs`);
  const backend = await openBackend(config, endpoints);
  try {
    return { config, latency, throughput, port: await portRate(backend.queue, jobs, concurrency) };
  } finally {
    await backend.close();
  }
}

const loadBefore = loadavg()[0] ?? NaN;
const redis = await probeRedis();
// The baseline runs at the start and again after each configuration, and the best is kept:
// BullMQ's client code gets faster as the process warms up (about 2× over the first few
// thousand jobs), and other processes on the machine slow single measurements down.
const bare: (RateResult & { readonly when: string })[] = [];
const measureBaseline = async (when: string): Promise<void> => {
  if (!redis.ok) return;
  progress(`baseline ${when}: bare BullMQ Queue + Worker, ${formatInt(jobs)} no-op jobs`);
  bare.push({ when, ...(await bareBullmqRate(endpoints.redis, jobs, concurrency)) });
};
await measureBaseline('at the start');
const results: ConfigResult[] = [];
for (const config of configs) {
  results.push(await measure(config));
  await measureBaseline(`after ${config}`);
}
const baseline = bare.reduce<RateResult | undefined>(
  (best, r) => (best === undefined || r.seconds < best.seconds ? r : best),
  undefined,
);
await new Promise<void>((resolve) => server.close(() => resolve()));
const loadAfter = loadavg()[0] ?? NaN;

const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : formatInt(v)} ms`;
const spread = (xs: readonly number[]): string => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`;
};
const perSecond = (n: number, s: number): number => n / s;
const baseRate = baseline === undefined ? NaN : perSecond(baseline.jobs, baseline.seconds);
const ratio = (r: number): string =>
  Number.isNaN(baseRate) ? 'n/a (no baseline)' : `${(r / baseRate).toFixed(3)} of bare BullMQ`;

const lines: string[] = [
  '',
  `playbook benchmark: alert → first step at ${String(rate)} alerts/s for ${String(seconds)} s (open loop, after 1 s of warm-up); ${formatInt(runCount)} runs × ${String(stepCount)} sequential no-op steps started at once; bare queue rates: ${formatInt(jobs)} no-op jobs, best of ${String(RATE_ROUNDS)} rounds; lane concurrency ${String(concurrency)}`,
  `  machine            ${String(availableParallelism())} cores; load average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end`,
  baseline === undefined
    ? `  baseline           bare BullMQ: skipped (${redis.ok ? '' : redis.reason})`
    : `  baseline           bare BullMQ Queue + Worker (no ClayTom code, no-op processor, concurrency ${String(concurrency)}, removeOnComplete): ${formatInt(baseline.jobs)} jobs added and processed in ${baseline.seconds.toFixed(2)} s = ${formatInt(baseRate)} jobs/s, the best of ${bare.map((r) => `${formatInt(perSecond(r.jobs, r.seconds))} ${r.when}`).join(', ')}`,
];
for (const r of results) {
  lines.push('', configLabel(r.config, durability));
  if (r.skipped !== undefined || r.latency === undefined) {
    lines.push(`  skipped            ${r.skipped ?? ''}`);
    continue;
  }
  const { samples, failedOpens } = r.latency;
  const toStart = samples.flatMap((s) =>
    s.started === undefined ? [] : [s.started - s.committed],
  );
  const toPeer = samples.flatMap((s) =>
    s.received === undefined ? [] : [s.received - s.committed],
  );
  const toCommit = samples.map((s) => s.committed - s.intended);
  const fromSchedule = samples.flatMap((s) =>
    s.started === undefined ? [] : [s.started - s.intended],
  );
  const missing = samples.length - toStart.length;
  const p99 = percentile(
    [...toStart].sort((a, b) => a - b),
    99,
  );
  lines.push(
    `  alert → step       ${formatInt(samples.length)} alerts opened (alert upsert + runner.onAlertsOpened in one unit of work), ${formatInt(failedOpens)} failed to open, ${formatInt(missing)} first steps never started`,
    `    commit → action starts   ${spread(toStart)}  (the first step's http.request begins running)`,
    `    commit → peer receives   ${spread(toPeer)}  (the loopback peer has the request's headers)`,
    `    schedule → commit        ${spread(toCommit)}  (the alert's own unit of work, queued behind the store)`,
    `    schedule → action starts ${spread(fromSchedule)}`,
    `    process              ${(r.latency.cpuSeconds / r.latency.seconds).toFixed(2)} cores busy on average; event-loop delay p99 ${ms(r.latency.loopDelayP99Ms)}, max ${ms(r.latency.loopDelayMaxMs)}`,
    `  target             p99 < 1 s from commit to the first step's action starting: ${verdict(missing === 0 && failedOpens === 0 && p99 < 1000)}`,
  );
  if (r.throughput !== undefined) {
    const t = r.throughput;
    const steps = perSecond(t.completed * stepCount, t.seconds);
    lines.push(
      `  steps/s            ${formatInt(t.completed * stepCount)} steps in ${t.seconds.toFixed(2)} s = ${formatInt(steps)} steps/s, ${formatInt(perSecond(t.completed, t.seconds))} runs/s (${formatInt(t.completed)} runs completed, ${formatInt(t.failed)} failed, ${formatInt(t.executions)} action calls)`,
      `  ratio              ${ratio(steps)}`,
    );
  }
  if (r.port !== undefined) {
    const rateOf = perSecond(r.port.jobs, r.port.seconds);
    lines.push(
      `  JobQueue port      ${formatInt(r.port.jobs)} no-op jobs added and processed in ${r.port.seconds.toFixed(2)} s = ${formatInt(rateOf)} jobs/s; ${ratio(rateOf)}`,
    );
  }
}
console.log(lines.join('\n'));
