// npm run bench:ingest [-- --seconds 60 --connections 4 --batch 1000]
//
// Sustained durable ingest over HTTP /_bulk into the embedded store, with the server as its own
// process (as in production). Prints events/s, ack latency p50/p99, the server's peak RSS, and
// in the same run the raw JSON.parse ceiling of the same payload and the ratio.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { bootstrapTokens, startServerProcess } from '../test/support/server-process.ts';
import { mixedEvents } from './fixtures/mixed-events.ts';
import { formatInt, percentile, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    durability: { type: 'string', default: 'full' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const batchSize = Number(values.batch);
const TEMPLATES = 64;

// Payload: TEMPLATES bulk bodies; `__R__` is replaced per request so every event is new.
const now = Date.now();
const bodies: string[] = [];
const docLines: string[] = [];
let docBytes = 0;
const source = mixedEvents(TEMPLATES * batchSize, { start: now - 86_400_000, end: now });
for (let b = 0; b < TEMPLATES; b++) {
  const lines: string[] = [];
  for (let i = 0; i < batchSize; i++) {
    const doc = source.next().value as Record<string, unknown>;
    const tag = `__R__-${String(i)}`;
    // Each request is stamped with the second it is sent in, as a shipper's batch is: events
    // arrive roughly in time order, not scattered over the day.
    const millis = String(i % 1000).padStart(3, '0');
    if (typeof doc.eventID === 'string') {
      doc.eventID = `${tag}-${doc.eventID}`;
      doc.eventTime = '__TS__Z';
    } else {
      doc.labels = { seq: tag };
      doc['@timestamp'] = `__TS__.${millis}Z`;
    }
    const line = JSON.stringify(doc);
    docLines.push(line);
    docBytes += Buffer.byteLength(line);
    lines.push('{"create":{"_index":"bench"}}', line);
  }
  bodies.push(`${lines.join('\n')}\n`);
}
const avgBytes = Math.round(docBytes / docLines.length);

// Baseline: how fast one core can merely JSON.parse the same documents.
function parseCeiling(): number {
  let parsed = 0;
  const started = performance.now();
  while (performance.now() - started < 3000) {
    for (const line of docLines)
      JSON.parse(line.replace('__R__', '1').replace('__TS__', '2026-01-01T00:00:00'));
    parsed += docLines.length;
  }
  return parsed / ((performance.now() - started) / 1000);
}
const ceiling = parseCeiling();

const dir = mkdtempSync(join(tmpdir(), 'secops-bench-ingest-'));
const server = await startServerProcess(dir, {
  SECOPS_EVENTS_DURABILITY: values.durability,
  ...(process.env.BENCH_SERVER_NODE_OPTIONS
    ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
    : {}),
});
const { ingest } = bootstrapTokens(server.stdout());
const pid = server.child.pid ?? 0;
const dispatcher = new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000 });
const url = new URL('/_bulk', server.url);
const headers = { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' };

let requestNo = 0;
let acked = 0;
let failedItems = 0;
let rejectedRequests = 0;
const latencies: number[] = [];
const deadline = performance.now() + seconds * 1000;
const started = performance.now();

async function lane(): Promise<void> {
  while (performance.now() < deadline) {
    const n = requestNo++;
    const second = new Date().toISOString().slice(0, 19);
    const body = (bodies[n % TEMPLATES] ?? '')
      .replaceAll('__R__', String(n))
      .replaceAll('__TS__', second);
    const t0 = performance.now();
    const res = await request(url, { method: 'POST', headers, body, dispatcher });
    const text = await res.body.text();
    latencies.push(performance.now() - t0);
    if (res.statusCode !== 200) {
      rejectedRequests++;
      continue;
    }
    const json = JSON.parse(text) as { items: { create: { status: number } }[] };
    for (const item of json.items) {
      if (item.create.status === 201) acked++;
      else failedItems++;
    }
  }
}

/** User + system CPU seconds the server process has used (all its threads). */
function serverCpuSeconds(): number {
  const fields =
    readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const cpuAtStart = serverCpuSeconds();
let peakRss = 0;
const sampler = setInterval(() => {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (hwm) peakRss = Math.max(peakRss, Number(hwm) * 1024);
}, 500);

const progress = setInterval(() => {
  const elapsed = (performance.now() - started) / 1000;
  process.stderr.write(`\r  ${elapsed.toFixed(0)}s  ${formatInt(acked / elapsed)} events/s   `);
}, 1000);

await Promise.all(Array.from({ length: connections }, lane));
const elapsed = (performance.now() - started) / 1000;
const cpuAtEnd = serverCpuSeconds();
clearInterval(progress);
clearInterval(sampler);
process.stderr.write('\n');
server.child.kill('SIGTERM');
await server.exited;
await dispatcher.close();
rmSync(dir, { recursive: true, force: true });

const rate = acked / elapsed;
const ratio = rate / ceiling;
latencies.sort((a, b) => a - b);
console.log(
  `ingest benchmark: ${String(seconds)} s, ${String(connections)} keep-alive connections, ${String(batchSize)} events per /_bulk request, durability ${values.durability}`,
);
console.log(
  `  payload            mixed Winlogbeat / Filebeat syslog / CloudTrail, ${formatInt(avgBytes)} bytes per event on average`,
);
console.log(
  `  durable ingest     ${formatInt(rate)} events/s (${formatInt(acked)} acknowledged, ${formatInt(failedItems)} items refused, ${String(rejectedRequests)} requests refused)`,
);
console.log(
  `  ack latency        p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms per ${String(batchSize)}-event batch`,
);
console.log(
  `  server peak RSS    ${formatInt(peakRss / 1024 / 1024)} MB; server CPU ${((cpuAtEnd - cpuAtStart) / elapsed).toFixed(2)} cores busy on average, ${(((cpuAtEnd - cpuAtStart) * 1e6) / Math.max(1, acked)).toFixed(1)} µs of CPU per event`,
);
console.log(
  `  baseline           JSON.parse of the same documents on one core: ${formatInt(ceiling)} events/s`,
);
console.log(`  ratio              ${ratio.toFixed(3)} of the parse ceiling`);
console.log(
  `  targets            ≥ 50,000 events/s: ${verdict(rate >= 50_000)}; ≥ 0.25 of ceiling: ${verdict(ratio >= 0.25)}; RSS < 1 GB: ${verdict(peakRss < 1024 ** 3)}`,
);
