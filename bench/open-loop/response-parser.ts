/** The bytes did not form an HTTP/1.1 response. */
export class HttpResponseParseError extends Error {
  override readonly name = 'HttpResponseParseError';
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close';

// A response head larger than this is treated as garbage rather than buffered forever.
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Incremental HTTP/1.1 response parser for one keep-alive connection with one request in flight:
 * status line, then a body delimited by Content-Length, chunked transfer-encoding (which wins
 * when both are sent, as RFC 9112 says) or the end of the connection. Bodies are skipped, not
 * kept. 1xx interim responses are skipped; 204 and 304 have no body. Calls `onResponse` with the
 * status code when a response is complete; throws {@link HttpResponseParseError} on bytes that
 * are not HTTP.
 */
export class HttpResponseParser {
  readonly #onResponse: (status: number) => void;
  #state: State = 'head';
  // Bytes of an incomplete head or chunk-size/trailer line, kept until the rest arrives.
  #pending: Buffer | undefined;
  #remaining = 0;
  #status = 0;

  constructor(onResponse: (status: number) => void) {
    this.#onResponse = onResponse;
  }

  /** True between responses with nothing buffered. */
  get idle(): boolean {
    return this.#state === 'head' && this.#pending === undefined;
  }

  /** Forgets any partial response (the connection was replaced). */
  reset(): void {
    this.#state = 'head';
    this.#pending = undefined;
    this.#remaining = 0;
  }

  /** The connection ended: completes a response whose body was delimited by the close. */
  end(): void {
    if (this.#state === 'until-close') {
      this.#state = 'head';
      this.#onResponse(this.#status);
    }
    this.reset();
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#pending) {
      buf = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    let pos = 0;
    while (pos < buf.length) {
      switch (this.#state) {
        case 'head': {
          const end = buf.indexOf('\r\n\r\n', pos, 'latin1');
          if (end < 0) {
            this.#keep(buf, pos);
            return;
          }
          this.#head(buf, pos, end);
          pos = end + 4;
          break;
        }
        case 'length': {
          const take = Math.min(this.#remaining, buf.length - pos);
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#complete();
          break;
        }
        case 'chunk-size': {
          const eol = buf.indexOf('\r\n', pos, 'latin1');
          if (eol < 0) {
            this.#keep(buf, pos);
            return;
          }
          const line = buf.toString('latin1', pos, eol);
          const semicolon = line.indexOf(';');
          const hex = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
          const size = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (!Number.isSafeInteger(size)) throw new HttpResponseParseError(`bad chunk size`);
          pos = eol + 2;
          if (size === 0) {
            this.#state = 'trailers';
          } else {
            this.#remaining = size + 2; // the data and its CRLF
            this.#state = 'chunk-data';
          }
          break;
        }
        case 'chunk-data': {
          const take = Math.min(this.#remaining, buf.length - pos);
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = 'chunk-size';
          break;
        }
        case 'trailers': {
          const eol = buf.indexOf('\r\n', pos, 'latin1');
          if (eol < 0) {
            this.#keep(buf, pos);
            return;
          }
          const blank = eol === pos;
          pos = eol + 2;
          if (blank) this.#complete();
          break;
        }
        case 'until-close':
          pos = buf.length;
          break;
      }
    }
  }

  #keep(buf: Buffer, pos: number): void {
    if (buf.length - pos > MAX_HEAD_BYTES) throw new HttpResponseParseError('head too large');
    this.#pending = Buffer.from(buf.subarray(pos));
  }

  #complete(): void {
    this.#state = 'head';
    this.#onResponse(this.#status);
  }

  #head(buf: Buffer, start: number, end: number): void {
    // "HTTP/1.1 200 OK": the status code is always bytes 9–11.
    const head = buf.toString('latin1', start, end);
    const status = Number(head.slice(9, 12));
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(12) > 32 || !(status >= 100)) {
      throw new HttpResponseParseError('not an HTTP/1.x status line');
    }
    this.#status = status;
    if (status < 200) return; // interim (100 Continue, 103 Early Hints): the real one follows
    if (status === 204 || status === 304) {
      this.#complete();
      return;
    }
    const lower = head.toLowerCase();
    const te = headerValue(lower, 'transfer-encoding');
    if (te?.includes('chunked')) {
      this.#state = 'chunk-size';
      return;
    }
    const cl = headerValue(lower, 'content-length');
    if (cl === undefined) {
      this.#state = 'until-close';
      return;
    }
    const length = /^\d+$/.test(cl) ? Number(cl) : NaN;
    if (!Number.isSafeInteger(length)) throw new HttpResponseParseError('bad Content-Length');
    if (length === 0) {
      this.#complete();
      return;
    }
    this.#remaining = length;
    this.#state = 'length';
  }
}

function headerValue(lowerHead: string, name: string): string | undefined {
  const at = lowerHead.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  const eol = lowerHead.indexOf('\r\n', from);
  return lowerHead.slice(from, eol < 0 ? undefined : eol).trim();
}
