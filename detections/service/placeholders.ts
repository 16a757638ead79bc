import { DetectionError } from '../errors.ts';

/**
 * `name=value` entries (configuration, CLI) as the values of `expand` placeholders: a name given
 * several times gets every value; `%name%` and `name` are the same placeholder. Throws
 * `DETECTION_INVALID_REQUEST` naming an entry without a name.
 */
export function toPlaceholders(entries: readonly string[]): Map<string, string[]> {
  const placeholders = new Map<string, string[]>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name =
      at > 0
        ? entry
            .slice(0, at)
            .trim()
            .replace(/^%(.*)%$/, '$1')
        : '';
    if (name === '' || /[%\s]/.test(name))
      throw new DetectionError(
        'DETECTION_INVALID_REQUEST',
        `${entry}: expected name=value (e.g. Workstations=WKS-042)`,
      );
    placeholders.set(name, [...(placeholders.get(name) ?? []), entry.slice(at + 1)]);
  }
  return placeholders;
}
