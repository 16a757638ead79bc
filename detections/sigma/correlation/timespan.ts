const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  // Not in the specification's list, but a fixed length; pySigma accepts it too.
  w: 604_800_000,
};

export type TimespanResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly unsupported: boolean; readonly message: string };

/**
 * Parses a correlation `timespan`: a positive whole number and a lowercase unit (`30s`, `5m`,
 * `1h`, `2d`; `w` for weeks). Months (`M`) and years (`y`) have no fixed length and are reported
 * as unsupported rather than guessed.
 */
export function parseTimespan(value: unknown): TimespanResult {
  if (typeof value !== 'string') {
    return invalid('timespan must be a string such as 5m (a number and a unit: s, m, h, d)');
  }
  const match = /^(\d+)([a-zA-Z])$/.exec(value);
  const unit = match?.[2];
  const digits = match?.[1];
  if (unit === undefined || digits === undefined) {
    return invalid(`timespan '${value}' is not a number followed by a unit (s, m, h, d)`);
  }
  if (unit === 'M' || unit === 'y') {
    return {
      ok: false,
      unsupported: true,
      message: `timespan '${value}': months and years have no fixed length`,
    };
  }
  const unitMs = UNIT_MS[unit];
  if (unitMs === undefined) {
    return invalid(`timespan '${value}' has an unknown unit '${unit}' (use s, m, h or d)`);
  }
  const ms = Number(digits) * unitMs;
  if (ms <= 0) return invalid(`timespan '${value}' must be greater than zero`);
  if (!Number.isSafeInteger(ms)) return invalid(`timespan '${value}' is too long`);
  return { ok: true, ms };
}

function invalid(message: string): TimespanResult {
  return { ok: false, unsupported: false, message };
}
