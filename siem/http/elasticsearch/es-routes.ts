import type { NextFunction, Request, Response } from 'express';
import { defineRoute } from '../../../platform/http/index.ts';
import type { AnyRoute, HttpMethod } from '../../../platform/http/index.ts';
import { SiemError } from '../../errors.ts';
import type { IngestBudget } from '../../ingest/ingest-budget.ts';
import type { IngestPipeline, ItemResult } from '../../ingest/ingest-pipeline.ts';
import type { SourceRecord, SourceRegistry } from '../../sources/source-registry.ts';
import { decodedBody, readBodyLines, readBodyText } from '../body-lines.ts';
import { createChunkedIngest } from '../chunked-ingest.ts';
import { ingestTokenFrom } from '../ingest-auth.ts';
import { bulkResponseItem, createBulkDecoder, documentItem } from './bulk-items.ts';
import type { BulkAction } from './bulk-items.ts';
import { ES_VERSION, clusterUuid, esError, sendEs, sendEsFailure } from './es-responses.ts';

export interface ElasticsearchHttpDeps {
  readonly pipeline: IngestPipeline;
  readonly budget: IngestBudget;
  readonly sources: SourceRegistry;
  readonly maxBodyBytes: number;
  readonly maxEventBytes: number;
  readonly retryAfterSeconds: number;
  /** Stable per installation; the cluster uuid derives from it. */
  readonly installationId: string;
  /** First path segments the platform uses itself; never treated as index names. */
  readonly reservedPaths: ReadonlySet<string>;
  /** Address advertised to sniffing clients (`host:port`). */
  readonly publishAddress: () => string;
}

type Handler = (req: Request, res: Response, source: SourceRecord) => Promise<void> | void;

const SUMMARIES: Readonly<Record<string, string>> = {
  'get /': 'Cluster information (what shippers probe first)',
  'head /': 'Cluster information, headers only',
  'get /_license': 'Licence (Beats and Logstash check it is active)',
  'post /_bulk': 'Bulk index: one item per action, Elasticsearch’s response shape',
  'post /:index/_bulk': 'Bulk index into an index',
  'post /:index/_doc': 'Index one document (rsyslog without bulk mode)',
  'get /_cluster/health': 'Cluster health (Vector’s health check)',
};

/**
 * The Elasticsearch-compatible face of ingest: what Filebeat, Winlogbeat, Fluent Bit, Vector,
 * Logstash, rsyslog's omelasticsearch and the official clients call (see
 * docs/elasticsearch-compat.md). Errors use Elasticsearch's shape, which these clients parse.
 */
export function elasticsearchRoutes(deps: ElasticsearchHttpDeps): AnyRoute[] {
  const routes: AnyRoute[] = [];
  // Records each Elasticsearch endpoint as a route definition (raw: it reads bodies and writes
  // Elasticsearch-shaped answers itself; it authenticates with ingest source tokens).
  const add =
    (method: HttpMethod) =>
    (
      path: string,
      handler: (req: Request, res: Response, next: NextFunction) => Promise<void>,
    ): void => {
      routes.push(
        defineRoute({
          method,
          path,
          summary:
            SUMMARIES[`${method} ${path}`] ??
            `${method.toUpperCase()} ${path} (Elasticsearch-compatible)`,
          tags: ['elasticsearch'],
          access: { kind: 'custom', scheme: 'ingestToken' },
          raw: true,
          responses: {
            200: {
              description: 'Elasticsearch-shaped answer (errors too: {"error":{…},"status":N})',
            },
          },
          handler: ({ req, res, next }) => handler(req, res, next),
        }),
      );
    };
  const router = { get: add('get'), head: add('head'), put: add('put'), post: add('post') };
  // Setup objects shippers install (templates, ILM policies, data streams, aliases): remembered so
  // that GET/HEAD reflect earlier PUTs, otherwise without effect. Kept in memory: after a restart
  // shippers find them missing and install them again, which is what they do anyway.
  const objects = new Map<string, unknown>();
  const uuid = clusterUuid(deps.installationId);

  const handle = (fn: Handler) => async (req: Request, res: Response, next: NextFunction) => {
    const index = req.params.index ?? req.params.alias;
    const type = req.params.type;
    if (
      (typeof index === 'string' && (deps.reservedPaths.has(index) || index.startsWith('_'))) ||
      (typeof type === 'string' && type.startsWith('_'))
    ) {
      next('route');
      return;
    }
    try {
      const source = await deps.sources.authenticate(ingestTokenFrom(req.headers));
      await fn(req, res, source);
    } catch (err) {
      if (!res.headersSent) sendEsFailure(req, res, err, deps.retryAfterSeconds);
      else res.destroy();
    }
  };
  const ack = { acknowledged: true };
  const param = (req: Request, name: string): string => String(req.params[name] ?? '');

  const info = handle((req, res) =>
    sendEs(req, res, 200, {
      name: 'claytom-secops',
      cluster_name: 'claytom',
      cluster_uuid: uuid,
      version: ES_VERSION,
      tagline: 'You Know, for Search',
    }),
  );
  router.get('/', info);
  router.head('/', info);
  router.get(
    '/_license',
    handle((req, res) =>
      sendEs(req, res, 200, {
        license: {
          status: 'active',
          uid: uuid,
          type: 'basic',
          issue_date: '2024-01-01T00:00:00.000Z',
          issue_date_in_millis: 1_704_067_200_000,
          max_nodes: 1000,
          issued_to: 'claytom',
          issuer: 'elasticsearch',
          start_date_in_millis: -1,
        },
      }),
    ),
  );
  router.get(
    '/_xpack',
    handle((req, res) =>
      sendEs(req, res, 200, {
        build: { hash: ES_VERSION.build_hash, date: ES_VERSION.build_date },
        license: { uid: uuid, type: 'basic', mode: 'basic', status: 'active' },
        features: { ilm: { available: true, enabled: true } },
      }),
    ),
  );
  router.get(
    '/_cluster/health',
    handle((req, res) =>
      sendEs(req, res, 200, {
        cluster_name: 'claytom',
        status: 'green',
        timed_out: false,
        number_of_nodes: 1,
        number_of_data_nodes: 1,
        active_primary_shards: 0,
        active_shards: 0,
        relocating_shards: 0,
        initializing_shards: 0,
        unassigned_shards: 0,
      }),
    ),
  );
  router.get(
    '/_cat/health',
    handle((_req, res) => {
      res.setHeader('X-Elastic-Product', 'Elasticsearch');
      res
        .type('text/plain')
        .send(
          `${String(Math.floor(Date.now() / 1000))} 00:00:00 claytom green 1 1 0 0 0 0 0 0 - 100.0%\n`,
        );
    }),
  );
  const nodes = handle((req, res) =>
    sendEs(req, res, 200, {
      cluster_name: 'claytom',
      nodes: {
        [uuid]: {
          name: 'claytom-secops',
          version: ES_VERSION.number,
          roles: ['data', 'ingest'],
          http: { publish_address: deps.publishAddress() },
        },
      },
    }),
  );
  router.get('/_nodes/http', nodes);
  router.get('/_nodes/_all/http', nodes);

  // Installed objects: GET/HEAD answer 404 until PUT, then echo.
  for (const kind of ['_ilm/policy', '_index_template', '_template', '_data_stream'] as const) {
    const key = (req: Request) => `${kind}/${param(req, 'name')}`;
    const read = handle((req, res) => {
      const stored = objects.get(key(req));
      if (stored === undefined) {
        sendEs(
          req,
          res,
          404,
          esError(
            'resource_not_found_exception',
            `${kind.replace('_', '')} [${param(req, 'name')}] missing`,
            404,
          ),
        );
        return;
      }
      const name = param(req, 'name');
      const body =
        kind === '_ilm/policy'
          ? { [name]: { version: 1, modified_date: new Date(0).toISOString(), policy: stored } }
          : kind === '_data_stream'
            ? {
                data_streams: [
                  { name, timestamp_field: { name: '@timestamp' }, status: 'GREEN', generation: 1 },
                ],
              }
            : kind === '_index_template'
              ? { index_templates: [{ name, index_template: stored }] }
              : { [name]: stored };
      sendEs(req, res, 200, body);
    });
    router.get(`/${kind}/:name`, read);
    router.head(`/${kind}/:name`, read);
    router.put(
      `/${kind}/:name`,
      handle(async (req, res) => {
        const text = await readBodyText(
          decodedBody(req, { maxBodyBytes: 10 * 1024 * 1024, maxLineBytes: 10 * 1024 * 1024 }),
          10 * 1024 * 1024,
        );
        objects.set(key(req), text === '' ? {} : safeJson(text));
        sendEs(req, res, 200, ack);
      }),
    );
  }
  router.put(
    '/_data_stream/:name/_lifecycle',
    handle((req, res) => sendEs(req, res, 200, ack)),
  );

  // Bulk: the main ingest path of every shipper.
  const bulk = handle(async (req, res, source) => {
    const started = performance.now();
    if (deps.budget.inUse() >= deps.budget.limit) {
      throw new SiemError('SIEM_OVERLOADED', 'ingest is at capacity; retry later');
    }
    const pathIndex = typeof req.params.index === 'string' ? req.params.index : undefined;
    const decoder = createBulkDecoder(pathIndex);
    const ingest = createChunkedIngest(deps.pipeline, deps.budget, {
      source,
      idStrategy: 'content',
    });
    const actions: BulkAction[] = [];
    const body = decodedBody(req, {
      maxBodyBytes: deps.maxBodyBytes,
      maxLineBytes: deps.maxEventBytes,
    });
    try {
      for await (const chunk of readBodyLines(body, {
        maxBodyBytes: deps.maxBodyBytes,
        maxLineBytes: deps.maxEventBytes,
      })) {
        for (const entry of chunk) {
          const done = decoder.push(entry);
          if (done) {
            actions.push(done.action);
            await ingest.add(done.item, entry.bytes);
          }
        }
      }
      const tail = decoder.finish();
      if (tail) {
        actions.push(tail.action);
        await ingest.add(tail.item, 0);
      }
    } catch (err) {
      await ingest.settle();
      throw err;
    }
    const results = await ingest.finish();
    const items = results.map((r, i) =>
      bulkResponseItem(actions[i] ?? { op: 'index', index: '' }, r),
    );
    const errors = results.some(
      (r, i) =>
        r.status === 'rejected' ||
        r.status === 'overloaded' ||
        (r.status === 'duplicate' && actions[i]?.op === 'create'),
    );
    if (results.some((r) => r.status === 'overloaded'))
      res.setHeader('Retry-After', String(deps.retryAfterSeconds));
    // Compact JSON with `errors` before `items`: Vector and Fluent Bit scan the raw text.
    sendEs(req, res, 200, { took: Math.round(performance.now() - started), errors, items });
  });
  for (const path of ['/_bulk', '/_bulk/', '/:index/_bulk', '/:index/_bulk/']) {
    router.post(path, bulk);
    router.put(path, bulk);
  }

  // Single documents: rsyslog's default (bulkmode off) and the clients' index()/create().
  const single = (op: 'index' | 'create') =>
    handle(async (req, res, source) => {
      const text = await readBodyText(
        decodedBody(req, { maxBodyBytes: deps.maxEventBytes, maxLineBytes: deps.maxEventBytes }),
        deps.maxEventBytes,
      );
      const index = param(req, 'index');
      const id = typeof req.params.id === 'string' ? req.params.id : undefined;
      const action: BulkAction = { op, index, ...(id !== undefined ? { id } : {}) };
      const item = documentItem(text.trim() === '' ? '{}' : text, action, 'document');
      const [result] = await deps.pipeline.ingest([item], { source, idStrategy: 'content' });
      sendSingle(
        req,
        res,
        action,
        result ?? { status: 'rejected', ids: [] },
        deps.retryAfterSeconds,
      );
    });
  router.post('/:index/_doc', single('index'));
  router.put('/:index/_doc/:id', single('index'));
  router.post('/:index/_doc/:id', single('index'));
  router.put('/:index/_create/:id', single('create'));
  router.post('/:index/_create/:id', single('create'));
  // Pre-7 typed paths (`/{index}/{type}[/{id}]`): rsyslog 8.2302 still sends them to 8.x servers.
  // The type is ignored, as Elasticsearch 7 did.
  router.post('/:index/:type', single('index'));
  router.put('/:index/:type/:id', single('index'));
  router.post('/:index/:type/:id', single('index'));

  // Logstash's rollover alias check and index creation: remembered, otherwise harmless.
  router.head(
    '/:alias',
    handle((req, res) =>
      sendEs(req, res, objects.has(`alias/${param(req, 'alias')}`) ? 200 : 404, undefined),
    ),
  );
  router.put(
    '/:index',
    handle((req, res) => {
      const name = decodeURIComponent(param(req, 'index'));
      const alias = /^<(.+)-\{now\/d\}-0+1>$/.exec(name)?.[1];
      if (alias !== undefined) objects.set(`alias/${alias}`, true);
      const created =
        alias === undefined
          ? name
          : `${alias}-${new Date().toISOString().slice(0, 10).replaceAll('-', '.')}-000001`;
      sendEs(req, res, 200, { acknowledged: true, shards_acknowledged: true, index: created });
    }),
  );
  return routes;
}

function sendSingle(
  req: Request,
  res: Response,
  action: BulkAction,
  result: ItemResult,
  retryAfter: number,
): void {
  const item = bulkResponseItem(action, result)[action.op] as Record<string, unknown>;
  const status = Number(item.status);
  if (status >= 400) {
    if (status === 429) res.setHeader('Retry-After', String(retryAfter));
    const error = item.error as { type: string; reason: string };
    sendEs(req, res, status, esError(error.type, error.reason, status));
    return;
  }
  const { status: _status, ...body } = item;
  sendEs(req, res, status, body);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
