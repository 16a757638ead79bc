import { describe, expect, it } from 'vitest';
import { HttpResponseParseError, HttpResponseParser } from './response-parser.ts';

function parse(chunks: readonly (string | Buffer)[]): {
  statuses: number[];
  parser: HttpResponseParser;
} {
  const statuses: number[] = [];
  const parser = new HttpResponseParser((status) => statuses.push(status));
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return { statuses, parser };
}

// Every way of cutting the bytes in two, so no state depends on how TCP segments arrive.
function everySplit(text: string): (readonly Buffer[])[] {
  const bytes = Buffer.from(text);
  return Array.from({ length: bytes.length + 1 }, (_, i) => [
    bytes.subarray(0, i),
    bytes.subarray(i),
  ]);
}

const contentLength =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
// What a bare node:http server sends after writeHead() without a length: chunked.
const chunked =
  'HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('HttpResponseParser', () => {
  it('completes a Content-Length response however the bytes are split', () => {
    for (const chunks of everySplit(contentLength + contentLength)) {
      const { statuses, parser } = parse(chunks);
      expect(statuses).toEqual([200, 200]);
      expect(parser.idle).toBe(true);
    }
  });

  it('completes a chunked response (extensions, trailers) however the bytes are split', () => {
    for (const chunks of everySplit(chunked + contentLength)) {
      const { statuses, parser } = parse(chunks);
      expect(statuses).toEqual([201, 200]);
      expect(parser.idle).toBe(true);
    }
  });

  it('prefers chunked framing when both headers are sent', () => {
    const both = chunked.replace('\r\n\r\n', '\r\nContent-Length: 3\r\n\r\n');
    expect(parse([both]).statuses).toEqual([201]);
  });

  it('does not complete a response before its body has arrived', () => {
    const { statuses, parser } = parse([contentLength.slice(0, -1)]);
    expect(statuses).toEqual([]);
    expect(parser.idle).toBe(false);
  });

  it('skips interim responses and reads 204 and 304 without a body', () => {
    const text =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n';
    expect(parse([text]).statuses).toEqual([204, 304, 500]);
  });

  it('completes a response without a length when the connection ends', () => {
    const { statuses, parser } = parse([
      'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome',
      ' body',
    ]);
    expect(statuses).toEqual([]);
    parser.end();
    expect(statuses).toEqual([200]);
  });

  it('rejects bytes that are not an HTTP/1.x response', () => {
    expect(() => parse(['SSH-2.0-OpenSSH_9.6\r\n\r\n'])).toThrow(HttpResponseParseError);
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'])).toThrow(
      HttpResponseParseError,
    );
    expect(() => parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])).toThrow(
      HttpResponseParseError,
    );
  });
});
