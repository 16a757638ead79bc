import type { IncomingHttpHeaders } from 'node:http';
import { SiemError } from '../errors.ts';

/**
 * The ingest token in a request, from any of the schemes shippers use:
 * `Bearer <token>`, `Basic base64(<anything>:<token>)` (Beats, Logstash, Fluent Bit, Vector,
 * rsyslog) and `ApiKey base64(<id>:<token>)` (Elasticsearch API keys).
 */
export function ingestTokenFrom(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new SiemError(
      'SIEM_UNKNOWN_SOURCE',
      'missing credentials: send the source token as Bearer, Basic or ApiKey',
    );
  }
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer' && value !== '') return value;
  if (scheme === 'basic' || scheme === 'apikey') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0 && colon < decoded.length - 1) return decoded.slice(colon + 1);
    // An ApiKey may also be sent as the raw `id:key` encoded value's key part alone.
    if (scheme === 'apikey' && decoded !== '') return decoded;
  }
  throw new SiemError('SIEM_UNKNOWN_SOURCE', 'unsupported or malformed Authorization header');
}
