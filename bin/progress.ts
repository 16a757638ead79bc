import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr for long CLI work: bytes of a file (with a known size) or a running
 * count (stdin). Silent when stderr is not a terminal, so pipes and logs stay clean.
 */
export function createProgress(label: string, totalBytes: number | undefined) {
  const interactive = process.stderr.isTTY;
  const started = performance.now();
  let records = 0;
  const rate = () => Math.round(records / Math.max(0.001, (performance.now() - started) / 1000));
  const bar = interactive
    ? new cliProgress.SingleBar(
        {
          format: totalBytes
            ? `${label} [{bar}] {percentage}% | {records} records | {rate}/s | ETA {eta_formatted}`
            : `${label} {records} records | {rate}/s | {value} bytes`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(totalBytes ?? 0, 0, { records: 0, rate: 0 });
  return {
    update(bytes: number, recordCount: number) {
      records = recordCount;
      bar?.update(bytes, { records, rate: rate() });
    },
    stop() {
      bar?.stop();
    },
    rate,
  };
}
