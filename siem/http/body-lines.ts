import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { SiemError } from '../errors.ts';

/** A line of a request body, or the position of one too long to keep. */
export type BodyLine =
  | { readonly line: number; readonly text: string; readonly bytes: number }
  | { readonly line: number; readonly tooLong: true; readonly bytes: number };

export interface BodyLimits {
  /** Largest body after decompression; beyond it the request fails with SIEM_BODY_TOO_LARGE. */
  readonly maxBodyBytes: number;
  /** Longest line kept; a longer one is reported as `tooLong` and never buffered whole. */
  readonly maxLineBytes: number;
}

/** The decoded body stream (gzip and deflate bodies are inflated). */
export function decodedBody(req: IncomingMessage, limits: BodyLimits): Readable {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    throw tooLarge(limits.maxBodyBytes);
  }
  if (encoding === 'gzip' || encoding === 'x-gzip') return req.pipe(createGunzip());
  if (encoding === 'deflate') return req.pipe(createInflate());
  if (encoding === 'identity' || encoding === '') return req;
  throw new SiemError(
    'SIEM_BAD_ENCODING',
    `unsupported Content-Encoding ${encoding}; send gzip, deflate or identity`,
  );
}

function tooLarge(limit: number): SiemError {
  return new SiemError('SIEM_BODY_TOO_LARGE', `request body larger than ${String(limit)} bytes`, {
    details: { limit },
  });
}

const LF = 0x0a;

/**
 * Splits a body into lines as it streams, yielding them chunk by chunk. Lines end at LF (a CR
 * before it is dropped); blank lines are skipped but counted. Splitting on the LF byte is safe
 * in UTF-8, where 0x0A never occurs inside a multi-byte character.
 */
export async function* readBodyLines(
  body: Readable,
  limits: BodyLimits,
): AsyncGenerator<BodyLine[]> {
  let total = 0;
  let line = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;
  let skippedBytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
      const out: BodyLine[] = [];
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(LF, start);
        if (end === -1) break;
        line++;
        if (skipping) {
          out.push({ line, tooLong: true, bytes: skippedBytes + end - start });
          skipping = false;
          skippedBytes = 0;
        } else {
          const piece = chunk.subarray(start, end);
          const bytes = carryBytes + piece.length;
          if (bytes > limits.maxLineBytes) out.push({ line, tooLong: true, bytes });
          else {
            const buf = carryBytes === 0 ? piece : Buffer.concat([...carry, piece], bytes);
            pushLine(out, line, buf);
          }
        }
        carry = [];
        carryBytes = 0;
        start = end + 1;
      }
      const rest = chunk.subarray(start);
      if (rest.length > 0) {
        if (skipping) skippedBytes += rest.length;
        else if (carryBytes + rest.length > limits.maxLineBytes) {
          skipping = true;
          skippedBytes = carryBytes + rest.length;
          carry = [];
          carryBytes = 0;
        } else {
          // Copy: the chunk's memory may be reused by the stream.
          carry.push(Buffer.from(rest));
          carryBytes += rest.length;
        }
      }
      if (out.length > 0) yield out;
    }
  } catch (err) {
    if (err instanceof SiemError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new SiemError('SIEM_BAD_ENCODING', 'the body is not valid gzip/deflate data', {
        cause: err,
      });
    }
    throw err;
  }
  const last: BodyLine[] = [];
  if (skipping) last.push({ line: line + 1, tooLong: true, bytes: skippedBytes });
  else if (carryBytes > 0) pushLine(last, line + 1, Buffer.concat(carry, carryBytes));
  if (last.length > 0) yield last;
}

function pushLine(out: BodyLine[], line: number, buf: Buffer): void {
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0d) end--;
  // Blank lines (and whitespace-only lines) carry nothing; skip them.
  let blank = true;
  for (let i = 0; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09) {
      blank = false;
      break;
    }
  }
  if (blank) return;
  out.push({ line, text: buf.toString('utf8', 0, end), bytes: end });
}

/** Reads a whole (decoded) body into one string, within the limit. */
export async function readBodyText(body: Readable, maxBodyBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBodyBytes) throw tooLarge(maxBodyBytes);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SiemError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
      throw new SiemError('SIEM_BAD_ENCODING', 'the body is not valid gzip/deflate data', {
        cause: err,
      });
    throw err;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
