// Shape checks on candidate secret values, shared by the context rules (assignments, URLs,
// command lines, headers). They keep placeholders and earlier masks from being reported again,
// which also makes redaction idempotent.

const PLACEHOLDER_WORDS =
  /^[[<({]?(?:redacted|filtered|hidden|masked|removed|none|null|nil|undefined|empty)(?::[\w-]*)?[\]>)}]?$/i;
const REDACTION_MARK = /^\[REDACTED(?::[a-z0-9-]+)?\]$/;
const VARIABLE_REFERENCE = /^(?:\$\{[^}]{1,100}\}|\$[A-Za-z_]\w{0,100}|%[A-Za-z_]\w{0,100}%)$/;
// `%%1843` is a Windows message-table insertion, resolved by the event viewer.
const TEMPLATE = /^(?:\{\{.{0,100}\}\}|<[^<>]{1,60}>|%[sdv]|%\(\w{1,60}\)s|%%\d{1,6}|\?|\*)$/;
const ONE_REPEATED_MASK_CHAR = /^([*xX•#.\-_])\1*$/;

/**
 * True for values that are not secrets but stand in for one: an empty string, `[REDACTED:...]`,
 * `***`, `<password>`, `${DB_PASSWORD}`, `$TOKEN`, `%s`, `%%1843`, `{{ secret }}`, `null`.
 */
export function isPlaceholderValue(value: string): boolean {
  if (value.length === 0) return true;
  if (value.length > 110) return false;
  return (
    REDACTION_MARK.test(value) ||
    ONE_REPEATED_MASK_CHAR.test(value) ||
    PLACEHOLDER_WORDS.test(value) ||
    VARIABLE_REFERENCE.test(value) ||
    TEMPLATE.test(value)
  );
}

/**
 * For values found in prose-like contexts (`token: expired`, `Unexpected token: }`), where the
 * key alone is weak evidence: the value must look like a credential rather than a word. It needs
 * a digit, a symbol other than `-_.`, an upper-case letter after the first character, or 16+
 * characters.
 */
export function looksLikeCredential(value: string): boolean {
  if (value.length >= 16) return true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const isLower = c >= 97 && c <= 122;
    const isUpper = c >= 65 && c <= 90;
    if (isLower || c === 45 || c === 95 || c === 46) continue;
    if (isUpper && i === 0) continue;
    return true;
  }
  return false;
}

/** True when `value` has an upper-case letter, a lower-case letter and a digit (not hex, not words). */
export function hasMixedCaseAndDigit(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value);
}
