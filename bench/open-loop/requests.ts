/**
 * What the generator sends, as data (it crosses a process boundary): a fixed GET, or a POST of
 * NDJSON lines made unique per request.
 */
export type RequestSpec =
  | {
      readonly kind: 'get';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'ndjson-post';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly lines: number;
    };

/** A GET of `path` with the given headers (e.g. `Authorization`). */
export function getRequest(
  path: string,
  headers: Readonly<Record<string, string>> = {},
): RequestSpec {
  return { kind: 'get', path, headers };
}

/**
 * `POST /ingest` with an ingest token and `lines` small events as NDJSON, unique per request
 * (the same shape as the wrk script of api.bench.ts), so the store never sees a duplicate.
 */
export function ingestRequest(token: string, lines = 10): RequestSpec {
  return {
    kind: 'ndjson-post',
    path: '/ingest',
    headers: { 'Content-Type': 'application/x-ndjson', Authorization: `Bearer ${token}` },
    lines,
  };
}

/**
 * Returns the bytes of request number `index`. A GET is built once and the same buffer is sent
 * every time; a POST body carries `tag` (unique per generator process and run) and `index`.
 */
export function createRequestBuilder(
  spec: RequestSpec,
  host: string,
  tag: string,
): (index: number) => Buffer {
  const headers = Object.entries(spec.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (spec.kind === 'get') {
    const bytes = Buffer.from(`GET ${spec.path} HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n`);
    return () => bytes;
  }
  const head = `POST ${spec.path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Content-Length: `;
  const prefix = `{"message":"bench api event ${tag}-`;
  const suffixes = Array.from(
    { length: spec.lines },
    (_, i) => `-${String(i + 1)}","event":{"code":"4624"},"host":{"name":"bench-host"}}`,
  );
  return (index) => {
    const id = String(index);
    let body = '';
    for (let i = 0; i < suffixes.length; i++) {
      body += (i === 0 ? '' : '\n') + prefix + id + (suffixes[i] ?? '');
    }
    return Buffer.from(`${head}${String(Buffer.byteLength(body))}\r\n\r\n${body}`);
  };
}
