import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { createApp } from '../../app/index.ts';
import { DEFAULT_TENANT } from '../../platform/identity/index.ts';
import type { App } from '../../app/index.ts';
import { readFileRecords, SiemError, parsers } from '../../siem/index.ts';
import type { FileLayout, IngestItem, ItemResult, ParserId } from '../../siem/index.ts';
import { EXIT, action, configFor } from '../context.ts';
import { createProgress } from '../progress.ts';

interface IngestCliOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly source: string;
  readonly tenant: string;
  readonly parser?: string;
  readonly layout?: string;
  readonly url?: string;
  readonly token?: string;
  readonly batch: string;
}

const MAX_ERRORS_SHOWN = 20;

/** Totals of an ingest run, and the first errors with their file and line. */
interface Tally {
  created: number;
  duplicate: number;
  rejected: number;
  errors: string[];
}

export function registerIngest(program: Command): void {
  program
    .command('ingest <file>')
    .description(
      'ingest a log file (or - for stdin): NDJSON, evtx_dump JSON, or text lines (syslog, CEF, plain)',
    )
    .option('--config <file>', 'configuration file')
    .option('--data-dir <dir>', 'data directory (local mode)')
    .option('--source <name>', 'ingest source the events are attributed to (local mode)', 'default')
    .option(
      '--tenant <id>',
      'tenant of that source, and so of the events (local mode; with --url, the token’s)',
      DEFAULT_TENANT,
    )
    .option('--parser <id>', `parser: auto, ${Object.keys(parsers).join(', ')}`)
    .option('--layout <layout>', 'json or text (default: guessed from the first line)')
    .option(
      '--url <url>',
      'send to a running server instead of writing the local store (or SECOPS_URL)',
    )
    .option('--token <token>', 'ingest token for --url (or SECOPS_INGEST_TOKEN)')
    .option('--batch <n>', 'records per request with --url', '2000')
    .action(
      action(async (file: string, options: IngestCliOptions) => {
        const parser = options.parser as ParserId | undefined;
        if (parser !== undefined && parser !== 'auto' && !(parser in parsers)) {
          throw new SiemError('SIEM_INVALID_REQUEST', `unknown parser ${parser}`);
        }
        if (
          options.layout !== undefined &&
          options.layout !== 'json' &&
          options.layout !== 'text'
        ) {
          throw new SiemError('SIEM_INVALID_REQUEST', '--layout is json or text');
        }
        const input: Readable = file === '-' ? process.stdin : createReadStream(file);
        const size = file === '-' ? undefined : statSync(file).size;
        const name = file === '-' ? 'stdin' : file;
        const url = options.url ?? process.env.SECOPS_URL;
        const tally = url
          ? await ingestRemote(input, size, name, url, options, parser)
          : await ingestLocal(input, size, name, options, parser);
        process.stderr.write(
          `${String(tally.created)} stored, ${String(tally.duplicate)} already stored, ${String(tally.rejected)} rejected\n`,
        );
        for (const e of tally.errors.slice(0, MAX_ERRORS_SHOWN)) process.stderr.write(`  ${e}\n`);
        if (tally.errors.length > MAX_ERRORS_SHOWN)
          process.stderr.write(`  … and ${String(tally.errors.length - MAX_ERRORS_SHOWN)} more\n`);
        return tally.rejected > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
}

function records(
  input: Readable,
  name: string,
  layout: string | undefined,
  maxRecordBytes: number,
) {
  return readFileRecords(input, {
    name,
    maxRecordBytes,
    ...(layout ? { layout: layout as FileLayout } : {}),
  });
}

function count(tally: Tally, result: ItemResult, line: number, name: string): void {
  if (result.status === 'created') tally.created++;
  else if (result.status === 'duplicate') tally.duplicate++;
  else {
    tally.rejected++;
    const message = result.error?.message ?? result.status;
    tally.errors.push(message.startsWith(name) ? message : `${name}:${String(line)}: ${message}`);
  }
}

/** Runs the ingest pipeline in this process against the data directory. */
async function ingestLocal(
  input: Readable,
  size: number | undefined,
  name: string,
  options: IngestCliOptions,
  parser: ParserId | undefined,
): Promise<Tally> {
  const config = configFor(options, { 'log.level': process.env.LOG_LEVEL ?? 'warn' });
  let app: App;
  try {
    app = await createApp(config);
  } catch (err) {
    if (err instanceof SiemError && err.message.includes('in use by process')) {
      throw new SiemError(
        err.code,
        `${err.message}; to add events to a running server, use --url and --token`,
        { cause: err },
      );
    }
    throw err;
  }
  const tally: Tally = { created: 0, duplicate: 0, rejected: 0, errors: [] };
  let progress: ReturnType<typeof createProgress> | undefined;
  try {
    let source = await app.siem.sources.byName(options.source, options.tenant);
    if (!source) {
      source = (await app.siem.sources.create(options.source, 'auto', options.tenant)).source;
      process.stderr.write(`created ingest source ${options.source} in tenant ${options.tenant}\n`);
    }
    progress = createProgress('ingest', size);
    const ingestOptions = {
      source: { ...source, parser: parser ?? source.parser },
      idStrategy: 'content' as const,
    };
    let batch: { item: IngestItem; line: number }[] = [];
    let bytes = 0;
    let seen = 0;
    const inFlight: Promise<void>[] = [];
    const flush = (): Promise<void> => {
      const work = batch;
      batch = [];
      return app.siem.pipeline
        .ingest(
          work.map((w) => w.item),
          ingestOptions,
        )
        .then((results) => {
          results.forEach((r, i) => count(tally, r, work[i]?.line ?? 0, name));
        });
    };
    for await (const chunk of records(input, name, options.layout, config.ingest.maxEventBytes)) {
      for (const record of chunk) {
        batch.push({ item: record.item, line: record.line });
        bytes = record.bytesRead;
        seen++;
        if (batch.length >= 1000) {
          inFlight.push(flush());
          // Two batches in flight: parsing the next overlaps storing the previous.
          if (inFlight.length >= 2) await inFlight.shift();
          progress.update(bytes, seen);
        }
      }
    }
    if (batch.length > 0) inFlight.push(flush());
    await Promise.all(inFlight);
    progress.update(size ?? bytes, seen);
  } finally {
    progress?.stop();
    await app.stop('ingest finished');
  }
  return tally;
}

/** Sends records to a running server's `/ingest`, retrying batches the server asks to retry. */
async function ingestRemote(
  input: Readable,
  size: number | undefined,
  name: string,
  url: string,
  options: IngestCliOptions,
  parser: ParserId | undefined,
): Promise<Tally> {
  const token = options.token ?? process.env.SECOPS_INGEST_TOKEN;
  if (!token)
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      '--url needs an ingest token: --token or SECOPS_INGEST_TOKEN',
    );
  const batchSize = Math.max(1, Number(options.batch) || 2000);
  const endpoint = new URL('/ingest', url);
  if (parser) endpoint.searchParams.set('parser', parser);
  const tally: Tally = { created: 0, duplicate: 0, rejected: 0, errors: [] };
  const progress = createProgress('ingest', size);
  let batch: { text: string; line: number; kind: 'json' | 'text' }[] = [];
  let seen = 0;

  const send = async (): Promise<void> => {
    const work = batch;
    batch = [];
    const kind = work[0]?.kind ?? 'json';
    const body = work.map((w) => w.text).join('\n');
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': kind === 'text' ? 'text/plain' : 'application/x-ndjson',
        },
        body,
      });
      if (res.status === 429 && attempt < 30) {
        await new Promise((r) =>
          setTimeout(r, 1000 * Math.max(1, Number(res.headers.get('retry-after')) || 1)),
        );
        continue;
      }
      const payload = (await res.json()) as {
        items?: { index: number; status: string; error?: { message: string } }[];
        detail?: string;
        created?: number;
        duplicate?: number;
      };
      if (!res.ok)
        throw new SiemError(
          'SIEM_STORE_UNAVAILABLE',
          `server answered ${String(res.status)}: ${payload.detail ?? 'error'}`,
        );
      const problems = new Map((payload.items ?? []).map((i) => [i.index, i]));
      const retry: typeof work = [];
      work.forEach((w, i) => {
        const p = problems.get(i);
        if (!p) tally.created++;
        else if (p.status === 'duplicate') tally.duplicate++;
        else if (p.status === 'overloaded') retry.push(w);
        else {
          tally.rejected++;
          tally.errors.push(
            `${name}:${String(w.line)}: ${(p.error?.message ?? p.status).replace(/^line \d+: /, '')}`,
          );
        }
      });
      if (retry.length === 0) return;
      batch = retry;
      return send();
    }
  };

  try {
    for await (const chunk of records(input, name, options.layout, 10 * 1024 * 1024)) {
      for (const record of chunk) {
        seen++;
        const item = record.item;
        if (item.error) {
          tally.rejected++;
          tally.errors.push(item.error.message);
          continue;
        }
        const text =
          item.record?.kind === 'text' ? item.record.text : JSON.stringify(item.record?.value);
        batch.push({ text, line: record.line, kind: item.record?.kind ?? 'json' });
        if (batch.length >= batchSize) {
          await send();
          progress.update(record.bytesRead, seen);
        }
      }
    }
    if (batch.length > 0) await send();
    progress.update(size ?? 0, seen);
  } finally {
    progress.stop();
  }
  return tally;
}
