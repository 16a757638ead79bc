// Byte-level helpers shared by the TCP framer and the UDP listener: trailer stripping,
// UTF-8-safe truncation and decoding. Pure functions.

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

// Non-fatal: invalid UTF-8 becomes U+FFFD instead of failing the message. ignoreBOM keeps a
// leading BOM in the text, so what we hand on is what arrived.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes message bytes as UTF-8 (invalid sequences become U+FFFD). */
export function decodeMessage(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Removes what senders append after a message when the transport already delimits it (UDP
 * datagrams, octet-counted frames): one trailing NUL, then one LF, then a CR before that LF.
 * rsyslog drops a trailing NUL and LF on reception in the same way.
 */
export function stripTrailer(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === NUL) end--;
  if (end > 0 && bytes[end - 1] === LF) {
    end--;
    if (end > 0 && bytes[end - 1] === CR) end--;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

/**
 * The longest prefix of `bytes` of at most `maxBytes` bytes that does not end inside a
 * multi-byte UTF-8 sequence, so truncation never manufactures a replacement character.
 */
export function truncateUtf8(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means a character straddles it: step back to
  // its lead byte (at most 3 steps in valid UTF-8).
  while (end > 0 && maxBytes - end < 3 && isContinuation(bytes[end])) end--;
  if (isContinuation(bytes[end])) end = maxBytes; // not valid UTF-8: cut where asked
  return bytes.subarray(0, end);
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}
