import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body of at most `limit` bytes (the declared Content-Length is checked first),
 * for raw routes that take small bodies outside the JSON parser: forms, signed-link decisions.
 */
export async function readBodyUpTo(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | 'too_large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return 'too_large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return 'too_large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
