// npm run bench:detect [-- --events 200000 --rounds 5 --rules DIR --seconds 20 --connections 4]
//
// Streaming Sigma evaluation with the whole SigmaHQ corpus loaded, over a realistic mixed stream
// (Sysmon process creation, registry, file and process-access events; Security logons; syslog;
// CloudTrail) as ingest stores it. Each event is an NDJSON line: detection = JSON.parse + match.
// Baseline in the same run: JSON.parse alone over the same lines (the ceiling).
// Then end to end (`--seconds 0` skips it): the server in its own process with the corpus
// loaded, HTTP ingest with detection off and on, and ingest-to-alert latency (detect-e2e.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDetectionEngine, loadMappings, loadRuleSources } from '../detections/index.ts';
import { detectionStream } from './fixtures/detection-stream.ts';
import { runEndToEnd } from './detect-e2e.ts';
import { formatInt, percentile, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
    rules: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
  },
});
const total = Number(values.events);
const rounds = Number(values.rounds);
const rulesDir =
  values.rules ??
  resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/testdata/sigma/rules');

const files = readdirSync(rulesDir, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.yml') || f.endsWith('.yaml'),
);
let started = performance.now();
const load = loadRuleSources(
  files.map((file) => ({ file, text: readFileSync(join(rulesDir, file), 'utf8') })),
  { placeholders: new Map() },
);
const compileMs = performance.now() - started;
started = performance.now();
const engine = createDetectionEngine({ rules: load.rules, mappings: loadMappings() });
const buildMs = performance.now() - started;
const built = engine.stats();

process.stdout.write(`generating ${formatInt(total)} events through the ingest parsers… `);
const docs = detectionStream(total);
const lines = docs.map((doc) => JSON.stringify(doc));
const bytes = lines.reduce((sum, line) => sum + line.length, 0);
console.log('done');

const parseRates: number[] = [];
const detectRates: number[] = [];
let matched = 0;
for (let round = 0; round < rounds; round++) {
  let t = performance.now();
  let sink = 0;
  for (const line of lines) {
    const parsed: unknown = JSON.parse(line);
    if (parsed === undefined) sink++;
  }
  parseRates.push((lines.length / (performance.now() - t)) * 1000);
  t = performance.now();
  matched = 0;
  for (const line of lines) matched += engine.match(JSON.parse(line)).length;
  detectRates.push((lines.length / (performance.now() - t)) * 1000);
  if (sink < 0) console.log(sink);
}
// The first round warms the JIT; report the median of the rest.
const median = (xs: number[]): number => {
  const sorted = xs.slice(rounds > 1 ? 1 : 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const parseRate = median(parseRates);
const detectRate = median(detectRates);
const stats = engine.stats();
const ratio = detectRate / parseRate;

console.log(`
detection benchmark: ${formatInt(lines.length)} events (${formatInt(bytes / lines.length)} bytes average), ${String(rounds)} rounds, median of rounds 2..${String(rounds)}
  rules              ${formatInt(load.rules.length)} loaded of ${formatInt(files.length)} files (${formatInt(load.problems.length)} not loaded, ${formatInt(load.correlations.length)} correlations); compiled in ${formatInt(compileMs)} ms, indexed in ${formatInt(buildMs)} ms
  prefilter          ${formatInt(built.indexedRules)} rules indexed by ${formatInt(built.clauses)} clauses over ${formatInt(built.literals)} literals (${formatInt(built.anchors)} trigram anchors); ${formatInt(built.rules - built.indexedRules)} run on every event of their log source
  evaluations        ${(stats.evaluations / stats.events).toFixed(1)} rule evaluations per event after the prefilter (of ${formatInt(built.rules)} rules)
  matches            ${formatInt(matched)} rule matches in the stream
  JSON.parse only    ${formatInt(parseRate)} events/s (baseline: the ceiling)
  parse + detect     ${formatInt(detectRate)} events/s on one core
  ratio              ${ratio.toFixed(2)} of the parse ceiling
  target             >= 100,000 events/s and >= 0.5 of the ceiling: ${verdict(detectRate >= 100_000 && ratio >= 0.5)}`);

const seconds = Number(values.seconds);
if (seconds > 0) {
  const connections = Number(values.connections);
  const batch = Number(values.batch);
  const e2e = await runEndToEnd(
    { rulesDir, docs, seconds, connections, batch, probeEveryMs: 100 },
    (phase) => console.log(`\nend to end: ${phase} (${String(seconds)} s)…`),
  );
  const { off, on, probes } = e2e;
  const ms = (v: number) => `${formatInt(v)} ms`;
  console.log(`
end to end: secops serve with the corpus and the starter pack loaded, POST /ingest, ${String(connections)} keep-alive connections sending ${String(batch)}-event NDJSON batches of the same stream for ${String(seconds)} s, durability full
  detection off      ${formatInt(off.eventsPerSecond)} events/s acknowledged (${formatInt(off.refused)} refused), batch ack p99 ${ms(off.ackP99Ms)}; started in ${off.startSeconds.toFixed(1)} s
  detection on       ${formatInt(on.eventsPerSecond)} events/s acknowledged (${formatInt(on.refused)} refused), batch ack p99 ${ms(on.ackP99Ms)}; started in ${on.startSeconds.toFixed(1)} s; ${formatInt(on.alerts ?? 0)} alerts opened
  ratio              ${(on.eventsPerSecond / off.eventsPerSecond).toFixed(2)} of the rate without detection (the baseline)
  ingest-to-alert    ${formatInt(probes.sent)} probe events (one every 100 ms, alone, during the detection-on run, open loop) acknowledged, ${formatInt(probes.refused)} refused, ${formatInt(probes.missing)} never alerted
    from send        p50 ${ms(percentile(probes.fromSend, 50))}, p99 ${ms(percentile(probes.fromSend, 99))}, max ${ms(probes.fromSend.at(-1) ?? NaN)}
    from ack         p50 ${ms(percentile(probes.fromAck, 50))}, p99 ${ms(percentile(probes.fromAck, 99))} (alert visible in GET /alerts, polled every 20 ms)
  target             alert within 1 s of ingest (p99 from send): ${verdict(probes.missing === 0 && percentile(probes.fromSend, 99) <= 1000)}`);
}
