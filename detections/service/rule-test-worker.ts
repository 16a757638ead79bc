// A worker thread that runs one rule test (`rule-test-isolated.ts` starts it): a rule's regular
// expressions run here, where a catastrophic one can be stopped without stopping the server.
import { parentPort, workerData } from 'node:worker_threads';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { testRule } from './rule-test.ts';
import type { RuleTestJob } from './rule-test-isolated.ts';

const job = workerData as RuleTestJob;
try {
  const result = testRule(job.text, job.events, {
    mappings: loadMappings(job.mappingsDir),
    placeholders: new Map(job.placeholders),
    receivedAt: job.receivedAt,
    ...(job.parser !== undefined ? { parser: job.parser } : {}),
  });
  parentPort?.postMessage({ ok: true, result });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
