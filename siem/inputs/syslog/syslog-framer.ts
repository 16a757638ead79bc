import { decodeMessage, stripTrailer, truncateUtf8 } from './message-bytes.ts';

/** How a frame on a TCP stream was delimited (RFC 6587). */
export type Framing = 'octet-counted' | 'non-transparent';

/** Why a frame header was rejected; the bytes are then read as a non-transparent frame. */
export type FramingErrorReason =
  /** `0 ` — a zero octet count. */
  | 'zero-length'
  /** Digits at the start of a frame not followed by a space. */
  | 'bad-delimiter'
  /** An octet count above `maxFrameBytes` (or with absurdly many digits). */
  | 'frame-too-large'
  /** The stream ended inside an octet-counted frame. */
  | 'incomplete-frame';

/** One decoded message, or a framing error to count. */
export type FramerEvent =
  | {
      readonly kind: 'message';
      readonly text: string;
      readonly framing: Framing;
      /** Set when bytes of the message were cut off. */
      readonly truncated?: 'oversize' | 'incomplete';
    }
  | { readonly kind: 'framing-error'; readonly reason: FramingErrorReason };

/** Limits of a framer, in bytes. */
export interface FramerLimits {
  /** Longest message delivered; longer ones are truncated to this (on a UTF-8 boundary). */
  readonly maxMessageBytes: number;
  /** Largest octet count accepted as a frame header; above it the header is garbage. */
  readonly maxFrameBytes: number;
}

type State = 'frame-start' | 'octet-count' | 'octet-body' | 'octet-skip' | 'lf-body' | 'lf-skip';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
// 200000000 is rsyslog's hard ceiling; more digits than that can never be a valid count.
const MAX_COUNT_DIGITS = 9;

/**
 * Splits a TCP byte stream into syslog messages, following RFC 6587 with rsyslog's rule for
 * telling the two framings apart, decided per frame: a frame whose first byte is a digit is
 * octet-counted (`MSG-LEN SP SYSLOG-MSG`), anything else is non-transparent (ends at LF or NUL,
 * a CR before the LF is dropped). Pure and incremental: feed chunks split anywhere, including
 * inside a multi-byte character or a frame header. Memory held is at most `maxMessageBytes + 2`
 * bytes whatever a peer sends.
 */
export class SyslogFramer {
  readonly #maxMessageBytes: number;
  readonly #maxFrameBytes: number;
  #state: State = 'frame-start';
  /** Bytes of the current message (or frame header) held across chunks. */
  #parts: Uint8Array[] = [];
  #length = 0;
  /** Octet count being parsed, then octets of the frame still to read. */
  #count = 0;

  constructor(limits: FramerLimits) {
    this.#maxMessageBytes = limits.maxMessageBytes;
    this.#maxFrameBytes = limits.maxFrameBytes;
  }

  /** Consumes the next chunk of the stream and returns what it completed, in order. */
  push(chunk: Uint8Array): FramerEvent[] {
    const out: FramerEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      switch (this.#state) {
        case 'frame-start':
          this.#state = isDigit(chunk[i]) ? 'octet-count' : 'lf-body';
          this.#count = 0;
          break;
        case 'octet-count':
          i = this.#readCount(chunk, i, out);
          break;
        case 'octet-body':
          i = this.#readOctetBody(chunk, i, out);
          break;
        case 'octet-skip': {
          const n = Math.min(this.#count, chunk.length - i);
          i += n;
          this.#count -= n;
          if (this.#count === 0) this.#state = 'frame-start';
          break;
        }
        case 'lf-body':
          i = this.#readLfBody(chunk, i, out);
          break;
        case 'lf-skip': {
          const end = findDelimiter(chunk, i);
          if (end < chunk.length) this.#state = 'frame-start';
          i = end + 1;
          break;
        }
      }
    }
    return out;
  }

  /** The stream ended: returns the last, unterminated message if there is one, and resets. */
  end(): FramerEvent[] {
    const out: FramerEvent[] = [];
    switch (this.#state) {
      case 'octet-count': // digits without a space: not a frame header, plain text
      case 'lf-body':
        this.#emitLf(out);
        break;
      case 'octet-body':
        out.push({ kind: 'framing-error', reason: 'incomplete-frame' });
        this.#emit(out, this.#take(), 'octet-counted', 'incomplete');
        break;
      case 'frame-start':
      case 'octet-skip':
      case 'lf-skip':
        break;
    }
    this.#reset();
    return out;
  }

  #readCount(chunk: Uint8Array, start: number, out: FramerEvent[]): number {
    let i = start;
    while (i < chunk.length && isDigit(chunk[i])) {
      this.#count = this.#count * 10 + ((chunk[i] ?? DIGIT_0) - DIGIT_0);
      i++;
      if (this.#count > this.#maxFrameBytes || this.#length + i - start > MAX_COUNT_DIGITS) {
        // Never trust (or allocate) an absurd count: read the bytes as plain text instead.
        this.#append(chunk.subarray(start, i));
        out.push({ kind: 'framing-error', reason: 'frame-too-large' });
        this.#state = 'lf-body';
        return i;
      }
    }
    if (i === chunk.length) {
      this.#append(chunk.subarray(start, i)); // header continues in the next chunk
      return i;
    }
    if (chunk[i] === SP && this.#count > 0) {
      this.#parts = [];
      this.#length = 0;
      this.#state = 'octet-body';
      return i + 1;
    }
    // rsyslog logs a non-SP delimiter but still counts octets; that swallows the following
    // messages when a non-transparent message merely starts with a digit, so we fall back.
    this.#append(chunk.subarray(start, i));
    out.push({ kind: 'framing-error', reason: chunk[i] === SP ? 'zero-length' : 'bad-delimiter' });
    this.#state = 'lf-body';
    return i;
  }

  #readOctetBody(chunk: Uint8Array, start: number, out: FramerEvent[]): number {
    const n = Math.min(this.#count, chunk.length - start);
    // Keep one byte beyond the limit so truncation can find a UTF-8 boundary.
    const room = this.#maxMessageBytes + 1 - this.#length;
    if (this.#length === 0 && n === this.#count && n <= this.#maxMessageBytes) {
      // Whole frame inside this chunk: no copy.
      this.#emit(out, chunk.subarray(start, start + n), 'octet-counted');
      this.#state = 'frame-start';
      return start + n;
    }
    this.#append(chunk.subarray(start, start + Math.min(n, room)));
    this.#count -= n;
    if (this.#length > this.#maxMessageBytes) {
      this.#emitTruncated(out, 'octet-counted');
      this.#state = this.#count > 0 ? 'octet-skip' : 'frame-start';
    } else if (this.#count === 0) {
      this.#emit(out, this.#take(), 'octet-counted');
      this.#state = 'frame-start';
    }
    return start + n;
  }

  #readLfBody(chunk: Uint8Array, start: number, out: FramerEvent[]): number {
    const end = findDelimiter(chunk, start);
    const found = end < chunk.length;
    // One byte of slack beyond the limit: it may be the CR of a CRLF trailer.
    const room = this.#maxMessageBytes + 2 - this.#length;
    if (end - start >= room) {
      this.#append(chunk.subarray(start, start + room));
      this.#emitTruncated(out, 'non-transparent');
      this.#state = 'lf-skip';
      return start + room;
    }
    if (found && this.#length === 0) {
      this.#emitLfBytes(out, chunk.subarray(start, end));
    } else {
      this.#append(chunk.subarray(start, end));
      if (found) this.#emitLf(out);
    }
    if (found) this.#state = 'frame-start';
    return found ? end + 1 : end;
  }

  #emitLf(out: FramerEvent[]): void {
    this.#emitLfBytes(out, this.#take());
  }

  #emitLfBytes(out: FramerEvent[], bytes: Uint8Array): void {
    const body = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
    if (body.length > this.#maxMessageBytes) {
      out.push(message(truncateUtf8(body, this.#maxMessageBytes), 'non-transparent', 'oversize'));
    } else if (body.length > 0) {
      out.push(message(body, 'non-transparent'));
    }
  }

  #emitTruncated(out: FramerEvent[], framing: Framing): void {
    out.push(message(truncateUtf8(this.#take(), this.#maxMessageBytes), framing, 'oversize'));
  }

  #emit(out: FramerEvent[], bytes: Uint8Array, framing: Framing, truncated?: 'incomplete'): void {
    const body = truncated === undefined ? stripTrailer(bytes) : bytes;
    // rsyslog discards zero-sized messages; so do we.
    if (body.length > 0) out.push(message(body, framing, truncated));
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#parts.push(bytes.slice()); // copy: the caller may reuse its chunk
    this.#length += bytes.length;
  }

  #take(): Uint8Array {
    const bytes =
      this.#parts.length === 1
        ? (this.#parts[0] ?? new Uint8Array(0))
        : concat(this.#parts, this.#length);
    this.#parts = [];
    this.#length = 0;
    return bytes;
  }

  #reset(): void {
    this.#state = 'frame-start';
    this.#parts = [];
    this.#length = 0;
    this.#count = 0;
  }
}

function message(
  bytes: Uint8Array,
  framing: Framing,
  truncated?: 'oversize' | 'incomplete',
): FramerEvent {
  const text = decodeMessage(bytes);
  return truncated === undefined
    ? { kind: 'message', text, framing }
    : { kind: 'message', text, framing, truncated };
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;
}

/** Index of the first LF or NUL at or after `start`, or `chunk.length`. */
function findDelimiter(chunk: Uint8Array, start: number): number {
  for (let i = start; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte === LF || byte === NUL) return i;
  }
  return chunk.length;
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
