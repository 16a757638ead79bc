import type { IncomingMessage } from 'node:http';
import { readBodyUpTo } from '../../http/index.ts';

/** Why a form body could not be read. */
export type FormBodyProblem = 'not_form' | 'too_large' | 'duplicate';

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `limit` bytes. Parameters may
 * not repeat (RFC 6749 §3.2).
 */
export async function readFormBody(
  req: IncomingMessage,
  limit: number,
): Promise<URLSearchParams | FormBodyProblem> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return 'not_form';
  const body = await readBodyUpTo(req, limit);
  if (body === 'too_large') return 'too_large';
  const form = new URLSearchParams(body.toString('utf8'));
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (seen.has(key)) return 'duplicate';
    seen.add(key);
  }
  return form;
}

/** Credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-urlencoded). */
export function basicCredentials(
  header: string | undefined,
): { clientId: string; clientSecret: string } | 'malformed' | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (header === undefined || !/^Basic\s/i.test(header)) return undefined;
  if (!match?.[1]) return 'malformed';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return 'malformed';
  const decode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
  try {
    return {
      clientId: decode(decoded.slice(0, colon)),
      clientSecret: decode(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}
