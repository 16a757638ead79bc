/**
 * Where a Sigma field's value lives in an event: an ordered list of paths. A field map names
 * fields exactly or by prefix (`requestParameters.*`); names it does not list go through default
 * templates (`winlog.event_data.{field}`).
 */

/** Sigma field name (or `prefix.*`) → path templates, as a data file declares them. */
export type FieldMapSpec = Readonly<Record<string, readonly string[]>>;

/** One layer of field mapping: a logsource's own, or its product's it inherits. */
export interface FieldLayer {
  readonly fields?: FieldMapSpec | undefined;
  readonly defaults?: readonly string[] | undefined;
}

/**
 * Placeholders a template may use. `{field}` is the Sigma field name; `{rest}` what follows a
 * prefix entry's `prefix.`; `:snake` turns each dotted segment from camelCase into snake_case.
 */
export const PLACEHOLDERS = ['{field}', '{field:snake}', '{rest}', '{rest:snake}'] as const;

/**
 * Compiles layers (most specific first) into a memoised lookup. Order: the layers' field maps
 * (exact name, then the longest matching prefix) in layer order, then the first layer's default
 * templates that has any, then the field name as written. Duplicates are dropped.
 */
export function createFieldPaths(
  layers: readonly FieldLayer[],
): (sigmaField: string) => readonly string[] {
  const cache = new Map<string, readonly string[]>();
  const defaults = layers.find((layer) => layer.defaults !== undefined)?.defaults;
  return (sigmaField) => {
    let found = cache.get(sigmaField);
    if (found === undefined) {
      found = Object.freeze(resolvePaths(layers, defaults, sigmaField));
      cache.set(sigmaField, found);
    }
    return found;
  };
}

function resolvePaths(
  layers: readonly FieldLayer[],
  defaults: readonly string[] | undefined,
  field: string,
): string[] {
  for (const layer of layers) {
    const fields = layer.fields;
    if (fields === undefined) continue;
    const exact = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (exact !== undefined) return expandAll(exact, field, '');
    const prefix = longestPrefix(fields, field);
    if (prefix !== undefined) {
      return expandAll(prefix.templates, field, field.slice(prefix.prefix.length));
    }
  }
  if (defaults !== undefined) return expandAll(defaults, field, '');
  return [field];
}

function longestPrefix(
  fields: FieldMapSpec,
  field: string,
): { prefix: string; templates: readonly string[] } | undefined {
  let best: { prefix: string; templates: readonly string[] } | undefined;
  for (const [key, templates] of Object.entries(fields)) {
    if (!key.endsWith('.*')) continue;
    const prefix = key.slice(0, -1); // keeps the dot: `requestParameters.`
    if (field.length > prefix.length && field.startsWith(prefix)) {
      if (best === undefined || prefix.length > best.prefix.length) best = { prefix, templates };
    }
  }
  return best;
}

function expandAll(templates: readonly string[], field: string, rest: string): string[] {
  const out: string[] = [];
  for (const template of templates) {
    const path = expandTemplate(template, field, rest);
    if (!out.includes(path)) out.push(path);
  }
  return out;
}

/** A template with its placeholders filled in. */
export function expandTemplate(template: string, field: string, rest: string): string {
  return template
    .replaceAll('{field:snake}', toSnakeCase(field))
    .replaceAll('{rest:snake}', toSnakeCase(rest))
    .replaceAll('{field}', field)
    .replaceAll('{rest}', rest);
}

/**
 * `userIdentity.sessionContext.sessionIssuer.type` → `user_identity.session_context.session_issuer.type`;
 * runs of capitals stay one word (`sourceIPAddress` → `source_ip_address`, `MFAUsed` → `mfa_used`).
 */
export function toSnakeCase(name: string): string {
  return name
    .split('.')
    .map((segment) =>
      segment
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .toLowerCase(),
    )
    .join('.');
}
