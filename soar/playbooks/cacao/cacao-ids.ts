import { createHash } from 'node:crypto';

/**
 * Namespace of the UUIDv5 ids ClayTom derives for exported CACAO objects. Deliberately not the
 * CACAO TC's playbook namespace (aa7caf3a-…), whose name rules (JCS of name and playbook_types)
 * these ids do not follow.
 */
export const CLAYTOM_NAMESPACE = '9bfc2d95-c327-4d5a-b0f0-cd1bd1acc5c7';

const UUID =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';

/** A CACAO identifier, `object-type--UUID` (data-types/identifier.json). */
export const IDENTIFIER = new RegExp(`^([a-z][a-z0-9-]+[a-z0-9])--(${UUID})$`);

/** The object type and UUID of an identifier, or undefined when it is not one. */
export function parseIdentifier(value: unknown): { type: string; uuid: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = IDENTIFIER.exec(value);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : { type: match[1], uuid: match[2].toLowerCase() };
}

/** RFC 9562 UUID version 5 (SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace: string = CLAYTOM_NAMESPACE): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted at every level (JSON values only). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  return value === undefined ? 'null' : JSON.stringify(value);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

const short = (uuid: string): string => uuid.replaceAll('-', '').slice(0, 8).toLowerCase();

/** Our playbook id for a CACAO playbook: a slug of its name, else `cacao-<8 hex of its UUID>`. */
export function playbookSlug(name: string, uuid: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug === '' ? `cacao-${short(uuid)}` : slug;
}

/** Our step id for a CACAO step: a slug of its name, else `step_<8 hex of its UUID>`. */
export function stepSlug(name: string, uuid: string): string {
  let slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug !== '' && !/^[a-z]/.test(slug)) slug = `step_${slug}`;
  slug = slug.slice(0, 63).replace(/_+$/, '');
  return slug === '' ? `step_${short(uuid)}` : slug;
}

/** `base`, or `base_2`, `base_3`, … (cut to 63 characters): the first not in `taken`, then taken. */
export function claimId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n += 1) {
    const suffix = `_${String(n)}`;
    id = base.slice(0, 63 - suffix.length).replace(/_+$/, '') + suffix;
  }
  taken.add(id);
  return id;
}
