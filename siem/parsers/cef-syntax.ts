/**
 * The syntax of an ArcSight Common Event Format message:
 * `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 * In the header `\|` and `\\` are escapes. The extension is space-separated `key=value` pairs whose
 * values may contain spaces; a new pair starts only where a space is followed by a key and an
 * unescaped `=`. In values `\=`, `\\`, `\n` and `\r` are escapes; other backslashes are kept.
 */
export interface CefMessage {
  readonly version: string;
  readonly deviceVendor: string;
  readonly deviceProduct: string;
  readonly deviceVersion: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: string;
  /** Extension pairs in order, keys as written, values unescaped. */
  readonly extensions: readonly (readonly [string, string])[];
  /** Text that could not be read as pairs; the message stays usable. */
  readonly issues: readonly string[];
}

export type CefSyntaxResult =
  | { readonly ok: true; readonly message: CefMessage }
  | { readonly ok: false; readonly message: string; readonly offset: number };

const HEADER_FIELDS = 7;

/** Parses `text`, which must start with `CEF:`. */
export function parseCefSyntax(text: string): CefSyntaxResult {
  if (!text.startsWith('CEF:')) return { ok: false, message: 'expected "CEF:"', offset: 0 };
  const fields: string[] = [];
  let pos = 4;
  let chunk = pos;
  let field = '';
  while (pos < text.length && fields.length < HEADER_FIELDS) {
    const code = text.charCodeAt(pos);
    if (code === 0x5c /* \ */) {
      const next = text.charCodeAt(pos + 1);
      if (next === 0x7c || next === 0x5c) {
        field += text.slice(chunk, pos);
        chunk = pos + 1;
        pos += 2;
        continue;
      }
    } else if (code === 0x7c /* | */) {
      fields.push(field + text.slice(chunk, pos));
      field = '';
      chunk = pos + 1;
    }
    pos++;
  }
  if (fields.length === HEADER_FIELDS - 1 && pos >= text.length) {
    // Severity without the trailing "|" (no extension): tolerated.
    fields.push(field + text.slice(chunk));
  }
  if (fields.length < HEADER_FIELDS) {
    return {
      ok: false,
      message: `header has ${fields.length + 1} of the ${HEADER_FIELDS} "|"-separated fields`,
      offset: text.length,
    };
  }
  const [
    version = '',
    deviceVendor = '',
    deviceProduct = '',
    deviceVersion = '',
    signatureId = '',
    name = '',
    severity = '',
  ] = fields;
  if (!/^\d{1,3}$/.test(version))
    return { ok: false, message: `version "${version}" is not a number`, offset: 4 };
  const issues: string[] = [];
  const extensions = parseExtensions(text.slice(pos), pos, issues);
  return {
    ok: true,
    message: {
      version,
      deviceVendor,
      deviceProduct,
      deviceVersion,
      signatureId,
      name,
      severity: severity.trim(),
      extensions,
      issues,
    },
  };
}

function parseExtensions(
  ext: string,
  offset: number,
  issues: string[],
): (readonly [string, string])[] {
  const pairs: (readonly [string, string])[] = [];
  let key: string | undefined;
  let valueStart = 0;
  for (let pos = 0; pos < ext.length; pos++) {
    const code = ext.charCodeAt(pos);
    if (code === 0x5c) {
      pos++; // the escaped character is part of a value
      continue;
    }
    if (code !== 0x3d /* = */) continue;
    let start = pos;
    while (start > 0 && isKeyChar(ext.charCodeAt(start - 1))) start--;
    if (start === pos || !isKeyStart(ext.charCodeAt(start))) continue;
    if (start > 0 && ext.charCodeAt(start - 1) !== 0x20) continue; // an unescaped "=" inside a value
    if (key !== undefined) pairs.push([key, unescapeValue(ext.slice(valueStart, start))]);
    else if (ext.slice(0, start).trim() !== '') {
      issues.push(
        `extension text before the first key at offset ${offset} is not a key=value pair`,
      );
    }
    key = ext.slice(start, pos);
    valueStart = pos + 1;
  }
  if (key !== undefined) pairs.push([key, unescapeValue(ext.slice(valueStart))]);
  else if (ext.trim() !== '') issues.push(`extension at offset ${offset} has no key=value pairs`);
  return pairs;
}

/** Key characters: the spec's alphanumerics plus `_ . , [ ]` that real devices use. */
function isKeyChar(code: number): boolean {
  return isKeyStart(code) || code === 0x2e || code === 0x2c || code === 0x5b || code === 0x5d;
}

function isKeyStart(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f
  );
}

function unescapeValue(raw: string): string {
  const value = raw.trim();
  if (!value.includes('\\')) return value;
  let out = '';
  let chunk = 0;
  for (let pos = 0; pos < value.length; pos++) {
    if (value.charCodeAt(pos) !== 0x5c) continue;
    const next = value[pos + 1];
    const replacement =
      next === '='
        ? '='
        : next === '\\'
          ? '\\'
          : next === 'n'
            ? '\n'
            : next === 'r'
              ? '\r'
              : undefined;
    if (replacement === undefined) continue;
    out += value.slice(chunk, pos) + replacement;
    chunk = pos + 2;
    pos++;
  }
  return out + value.slice(chunk);
}
