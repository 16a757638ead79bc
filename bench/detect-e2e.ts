/**
 * The end-to-end half of `bench:detect`: the server in its own process (`secops serve`) with the
 * whole rule corpus loaded, fed over HTTP `POST /ingest` by keep-alive connections sending
 * batches of the detection stream, once with detection off (`SECOPS_DETECTIONS_STREAMING=false`)
 * and once on. During the run with detection on, probe events (the starter pack's encoded
 * PowerShell record, each with a host of its own) are sent alone every `probeEveryMs`, and
 * `GET /alerts` is polled until each probe's alert shows: ingest-to-alert latency.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { bootstrapTokens, startServerProcess } from '../test/support/server-process.ts';
import { percentile } from './report.ts';

/** The starter pack's encoded-PowerShell rule: what probes trigger. */
const PROBE_RULE = '138311aa-d799-44dc-9267-76ba50c2e6c5';

export interface EndToEndOptions {
  readonly rulesDir: string;
  /** ECS documents to send (the detection stream). */
  readonly docs: readonly Record<string, unknown>[];
  readonly seconds: number;
  readonly connections: number;
  readonly batch: number;
  readonly probeEveryMs: number;
}

export interface IngestRun {
  readonly eventsPerSecond: number;
  readonly acknowledged: number;
  readonly refused: number;
  readonly ackP99Ms: number;
  /** Seconds from process start to listening (rule compilation included). */
  readonly startSeconds: number;
  readonly alerts?: number;
}

export interface ProbeResult {
  readonly sent: number;
  /** Probes the server refused (not acknowledged, so not expected to alert). */
  readonly refused: number;
  /** Probes whose alert never showed within 10 s of the run's end. */
  readonly missing: number;
  /** From sending the probe to its alert in `GET /alerts`, ms, ascending. */
  readonly fromSend: readonly number[];
  /** From the probe's acknowledgement to its alert, ms, ascending. */
  readonly fromAck: readonly number[];
}

export interface EndToEndResult {
  readonly off: IngestRun;
  readonly on: IngestRun;
  readonly probes: ProbeResult;
}

export async function runEndToEnd(
  options: EndToEndOptions,
  progress: (line: string) => void,
): Promise<EndToEndResult> {
  const bodies = requestBodies(options.docs, options.batch);
  progress('detection off');
  const off = await ingestRun(options, bodies, false, undefined);
  progress('detection on');
  const probes = { sent: new Map<string, { sentAt: number; ackAt: number }>() };
  const on = await ingestRun(options, bodies, true, probes);
  return { off: off.run, on: on.run, probes: on.probes ?? emptyProbes() };
}

function emptyProbes(): ProbeResult {
  return { sent: 0, refused: 0, missing: 0, fromSend: [], fromAck: [] };
}

/** Bodies of `batch` NDJSON lines; `__R__` makes each request's events new, `__TS__` its time. */
function requestBodies(docs: readonly Record<string, unknown>[], batch: number): string[] {
  const bodies: string[] = [];
  for (let start = 0; start + batch <= docs.length && bodies.length < 64; start += batch) {
    const lines: string[] = [];
    for (let i = 0; i < batch; i++) {
      const doc = structuredClone(docs[start + i] ?? {});
      doc.labels = { seq: `__R__-${String(i)}` };
      doc['@timestamp'] = `__TS__.${String(i % 1000).padStart(3, '0')}Z`;
      lines.push(JSON.stringify(doc));
    }
    bodies.push(lines.join('\n'));
  }
  if (bodies.length === 0) throw new Error('too few events for one batch');
  return bodies;
}

function probeRecord(): Record<string, unknown> {
  const tests = parseYaml(
    readFileSync(
      new URL(
        '../detections/packs/starter/tests/win_powershell_encoded_command.yml',
        import.meta.url,
      ),
      'utf8',
    ),
    { merge: true },
  ) as { positive: { record: Record<string, unknown> }[] };
  const record = tests.positive[0]?.record;
  if (record === undefined) throw new Error('the starter pack lost its encoded PowerShell record');
  return record;
}

async function ingestRun(
  options: EndToEndOptions,
  bodies: readonly string[],
  detection: boolean,
  probing: { sent: Map<string, { sentAt: number; ackAt: number }> } | undefined,
): Promise<{ run: IngestRun; probes?: ProbeResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'secops-bench-detect-'));
  const bootStarted = performance.now();
  const server = await startServerProcess(dir, {
    SECOPS_DETECTIONS_RULE_DIRS: options.rulesDir,
    SECOPS_DETECTIONS_STREAMING: String(detection),
  });
  const startSeconds = (performance.now() - bootStarted) / 1000;
  const tokens = bootstrapTokens(server.stdout());
  const dispatcher = new Agent({ connections: options.connections + 1, keepAliveTimeout: 60_000 });
  const probeDispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
  const ingestUrl = new URL('/ingest', server.url);
  const ingestHeaders = {
    authorization: `Bearer ${tokens.ingest}`,
    'content-type': 'application/x-ndjson',
  };
  let requestNo = 0;
  let acknowledged = 0;
  let refused = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();

  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const n = requestNo++;
      const second = new Date().toISOString().slice(0, 19);
      const body = (bodies[n % bodies.length] ?? '')
        .replaceAll('__R__', String(n))
        .replaceAll('__TS__', second);
      const t0 = performance.now();
      const res = await request(ingestUrl, {
        method: 'POST',
        headers: ingestHeaders,
        body,
        dispatcher,
      });
      const json = (await res.body.json()) as { created?: number; errors?: boolean };
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200) {
        refused += options.batch;
        continue;
      }
      acknowledged += json.created ?? 0;
      refused += options.batch - (json.created ?? 0);
    }
  };

  const probeTemplate = probeRecord();
  let refusedProbes = 0;
  const seen = new Map<string, number>();
  // Probes go out on a fixed schedule, whatever the server does (open loop): a slow answer
  // delays no later probe.
  const probeLoop = async (): Promise<void> => {
    if (!probing) return;
    const inFlight: Promise<void>[] = [];
    for (let n = 0; performance.now() < deadline; n++) {
      const host = `probe-${String(n)}.bench.example`;
      const record = structuredClone(probeTemplate);
      record['@timestamp'] = new Date().toISOString();
      record.host = { name: host };
      const sentAt = performance.now();
      inFlight.push(
        request(ingestUrl, {
          method: 'POST',
          headers: ingestHeaders,
          body: JSON.stringify(record),
          dispatcher: probeDispatcher,
        }).then(async (res) => {
          await res.body.dump();
          if (res.statusCode === 200) probing.sent.set(host, { sentAt, ackAt: performance.now() });
          else refusedProbes++;
        }),
      );
      await new Promise((r) => setTimeout(r, options.probeEveryMs));
    }
    await Promise.all(inFlight);
  };
  const pollUntil = async (until: () => boolean): Promise<void> => {
    const alertsUrl = new URL(`/alerts?rule=${PROBE_RULE}&limit=500`, server.url);
    while (!until()) {
      const res = await request(alertsUrl, {
        headers: { authorization: `Bearer ${tokens.admin}` },
        dispatcher,
      });
      const now = performance.now();
      const page = (await res.body.json()) as { alerts?: { host: string | null }[] };
      for (const alert of page.alerts ?? [])
        if (alert.host !== null && !seen.has(alert.host)) seen.set(alert.host, now);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const lanes = Array.from({ length: options.connections }, lane);
  const probesDone = probeLoop();
  let finishedSending = false;
  const polling = probing
    ? pollUntil(
        () =>
          finishedSending &&
          ([...probing.sent.keys()].every((host) => seen.has(host)) ||
            performance.now() > deadline + 10_000),
      )
    : Promise.resolve();
  await Promise.all([...lanes, probesDone]);
  const elapsed = (performance.now() - started) / 1000;
  finishedSending = true;
  await polling;

  let alerts: number | undefined;
  if (detection) {
    const res = await request(new URL('/metrics', server.url), {
      headers: { authorization: `Bearer ${tokens.admin}` },
      dispatcher,
    });
    const text = await res.body.text();
    const opened = /secops_alerts_relayed_total\{outcome="opened"\} (\d+)/.exec(text)?.[1];
    alerts = opened === undefined ? undefined : Number(opened);
  }

  server.child.kill('SIGTERM');
  await server.exited;
  await dispatcher.close();
  await probeDispatcher.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const run: IngestRun = {
    eventsPerSecond: acknowledged / elapsed,
    acknowledged,
    refused,
    ackP99Ms: percentile(latencies, 99),
    startSeconds,
    ...(alerts === undefined ? {} : { alerts }),
  };
  if (!probing) return { run };
  const fromSend: number[] = [];
  const fromAck: number[] = [];
  let missing = 0;
  for (const [host, { sentAt, ackAt }] of probing.sent) {
    const at = seen.get(host);
    if (at === undefined) {
      missing++;
      continue;
    }
    fromSend.push(at - sentAt);
    fromAck.push(Math.max(0, at - ackAt));
  }
  fromSend.sort((a, b) => a - b);
  fromAck.sort((a, b) => a - b);
  return {
    run,
    probes: { sent: probing.sent.size, refused: refusedProbes, missing, fromSend, fromAck },
  };
}
