const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DATE_MATH = /^now(?:([+-])(\d+)([smhdwMy]))?(?:\/([smhdwMy]))?$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a date for range queries and time filters: ISO 8601 (a date alone means UTC midnight),
 * epoch milliseconds, or Elasticsearch-style date math relative to `now` (`now-15m`, `now/d`).
 * Rounding (`/d`) follows Elasticsearch: to the end of the unit for `gt` and `lte`,
 * down for `gte` and `lt`. Returns undefined when the text is not a date.
 */
export function parseDateValue(
  text: string,
  now: number,
  op?: 'gt' | 'gte' | 'lt' | 'lte',
): number | undefined {
  const s = text.trim();
  const math = DATE_MATH.exec(s);
  if (math) {
    let t = now;
    const [, sign, amount, unit, round] = math;
    if (sign !== undefined && amount !== undefined && unit !== undefined) {
      t = shift(t, (sign === '-' ? -1 : 1) * Number(amount), unit);
    }
    if (round !== undefined) t = roundTo(t, round, op === 'gt' || op === 'lte');
    return t;
  }
  if (/^-?\d{1,16}$/.test(s)) return Number(s);
  if (!ISO_LIKE.test(s)) return undefined;
  const withZone = /[T ]\d{2}:\d{2}/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? `${s}Z` : s;
  const t = Date.parse(withZone.replace(' ', 'T'));
  return Number.isNaN(t) ? undefined : t;
}

function shift(t: number, amount: number, unit: string): number {
  if (unit === 'M' || unit === 'y') {
    const d = new Date(t);
    if (unit === 'M') d.setUTCMonth(d.getUTCMonth() + amount);
    else d.setUTCFullYear(d.getUTCFullYear() + amount);
    return d.getTime();
  }
  return t + amount * (UNIT_MS[unit] ?? 0);
}

function roundTo(t: number, unit: string, up: boolean): number {
  const d = new Date(t);
  let start: number;
  switch (unit) {
    case 'y':
      start = Date.UTC(d.getUTCFullYear(), 0, 1);
      break;
    case 'M':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      break;
    case 'w': {
      const daysSinceMonday = (d.getUTCDay() + 6) % 7; // weeks start on Monday, as in Elasticsearch
      start = Math.floor(t / 86_400_000) * 86_400_000 - daysSinceMonday * 86_400_000;
      break;
    }
    default: {
      const size = UNIT_MS[unit] ?? 1;
      start = Math.floor(t / size) * size;
    }
  }
  if (!up) return start;
  const next = unit === 'y' || unit === 'M' ? shift(start, 1, unit) : start + (UNIT_MS[unit] ?? 1);
  return next - 1;
}
