// npm run bench: every benchmark in turn, each printing its own figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = [
  'ingest.bench.ts',
  'search.bench.ts',
  'api.bench.ts',
  'detect.bench.ts',
  'playbooks.bench.ts',
];
let failed = false;
for (const bench of benches) {
  console.log(`\n### ${bench}`);
  const result = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(bench, import.meta.url)), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
