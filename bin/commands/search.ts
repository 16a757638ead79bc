import { resolve } from 'node:path';
import type { Command } from 'commander';
import { eventStorePath } from '../../app/index.ts';
import { DEFAULT_TENANT } from '../../platform/identity/index.ts';
import { createSqliteEventStore, parseDateValue, parseKql, SiemError } from '../../siem/index.ts';
import type { EventSearchResult, StoredEvent } from '../../siem/index.ts';

/** What is printed: the same from the local store and from a server. */
interface Found {
  readonly total: EventSearchResult['total'];
  readonly hits: readonly Pick<StoredEvent, 'id' | 'timestamp' | 'doc'>[];
}
import { action, configFor } from '../context.ts';

interface SearchCliOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly from: string;
  readonly to?: string;
  readonly size: string;
  readonly format: string;
  readonly asc?: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly tenant?: string;
}

export function registerSearch(program: Command): void {
  program
    .command('search [query]')
    .description("search stored events with KQL (e.g. 'event.code:4625 and not user.name:svc-*')")
    .option('--config <file>', 'configuration file')
    .option('--data-dir <dir>', 'data directory (local mode)')
    .option('--from <time>', 'start of the time range: ISO 8601, epoch ms or date math', 'now-24h')
    .option('--to <time>', 'end of the time range (exclusive)')
    .option('--size <n>', 'number of events', '20')
    .option('--asc', 'oldest first')
    .option('--format <format>', 'table, json or ndjson', 'table')
    .option('--url <url>', 'ask a running server (or SECOPS_URL)')
    .option('--token <token>', 'API token for --url (or SECOPS_TOKEN)')
    .option(
      '--tenant <id>',
      `tenant whose events to search (local mode; default ${DEFAULT_TENANT}); with --url, the token's`,
    )
    .action(
      action(async (query: string | undefined, options: SearchCliOptions) => {
        if (!['table', 'json', 'ndjson'].includes(options.format))
          throw new SiemError('SIEM_INVALID_REQUEST', '--format is table, json or ndjson');
        const size = Number(options.size);
        if (!Number.isInteger(size) || size < 0 || size > 10_000)
          throw new SiemError('SIEM_INVALID_REQUEST', '--size is a whole number up to 10000');
        const url = options.url ?? process.env.SECOPS_URL;
        if (url && options.tenant !== undefined)
          throw new SiemError(
            'SIEM_INVALID_REQUEST',
            '--tenant is for local searches; with --url the token decides the tenant',
          );
        const result = url
          ? await searchRemote(url, query ?? '', size, options)
          : await searchLocal(query ?? '', size, options);
        print(result, options.format);
        return 0;
      }),
    );
}

function timeOf(name: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const t = parseDateValue(value, now);
  if (t === undefined)
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      `--${name}: not a date (ISO 8601, epoch ms or date math like now-24h)`,
    );
  return t;
}

async function searchLocal(query: string, size: number, options: SearchCliOptions): Promise<Found> {
  const config = configFor(options);
  const now = Date.now();
  const kql = parseKql(query);
  const store = await createSqliteEventStore({
    path: eventStorePath(resolve(config.dataDir)),
    mode: 'read-only',
    threads: false,
  });
  try {
    const from = timeOf('from', options.from, now);
    const to = timeOf('to', options.to, now);
    return await store.search(options.tenant ?? DEFAULT_TENANT, {
      query: kql,
      size,
      sort: options.asc ? 'asc' : 'desc',
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  } finally {
    await store.close();
  }
}

async function searchRemote(
  url: string,
  query: string,
  size: number,
  options: SearchCliOptions,
): Promise<Found> {
  const token = options.token ?? process.env.SECOPS_TOKEN;
  if (!token)
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      '--url needs an API token: --token or SECOPS_TOKEN',
    );
  const endpoint = new URL('/events/search', url);
  endpoint.searchParams.set('q', query);
  endpoint.searchParams.set('size', String(size));
  endpoint.searchParams.set('from', options.from);
  if (options.to !== undefined) endpoint.searchParams.set('to', options.to);
  if (options.asc) endpoint.searchParams.set('sort', 'asc');
  const res = await fetch(endpoint, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as {
    detail?: string;
    total: EventSearchResult['total'];
    hits: { id: string; '@timestamp': string; event: StoredEvent['doc'] }[];
  };
  if (!res.ok)
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      `server answered ${String(res.status)}: ${body.detail ?? 'error'}`,
    );
  return {
    total: body.total,
    hits: body.hits.map((h) => ({
      id: h.id,
      timestamp: Date.parse(h['@timestamp']),
      doc: h.event,
    })),
  };
}

function pick(doc: StoredEvent['doc'], path: string): string {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return '';
    node = (node as Record<string, unknown>)[key];
  }
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean')
    return String(node);
  return Array.isArray(node) ? node.join(',') : JSON.stringify(node);
}

function print(result: Found, format: string): void {
  if (format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ total: result.total, hits: result.hits.map((h) => h.doc) }, null, 2)}\n`,
    );
    return;
  }
  if (format === 'ndjson') {
    for (const h of result.hits) process.stdout.write(`${JSON.stringify(h.doc)}\n`);
    return;
  }
  const width = process.stdout.columns || 160;
  const rows = result.hits.map((h) => [
    new Date(h.timestamp).toISOString(),
    pick(h.doc, 'host.name') || pick(h.doc, 'log.syslog.hostname'),
    pick(h.doc, 'event.code') || pick(h.doc, 'event.action'),
    (
      pick(h.doc, 'message') ||
      pick(h.doc, 'process.command_line') ||
      pick(h.doc, 'event.original')
    ).replaceAll(/\s+/g, ' '),
  ]);
  const header = ['@timestamp', 'host', 'event', 'message'];
  const widths = [
    24,
    Math.min(24, Math.max(4, ...rows.map((r) => (r[1] ?? '').length))),
    Math.min(28, Math.max(5, ...rows.map((r) => (r[2] ?? '').length))),
  ];
  const line = (cells: string[]) => {
    const fixed = cells
      .slice(0, 3)
      .map((c, i) => c.slice(0, widths[i]).padEnd((widths[i] ?? 0) + 2))
      .join('');
    return (fixed + (cells[3] ?? '')).slice(0, width);
  };
  process.stdout.write(`${line(header)}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  const more =
    result.total.relation === 'gte'
      ? `at least ${String(result.total.value)}`
      : String(result.total.value);
  process.stderr.write(`${String(result.hits.length)} of ${more} matching events\n`);
}
