import { isoTime } from '../../detections/index.ts';
import type {
  HuntMatch,
  HuntRuleSet,
  HuntSummary,
  RuleCheckReport,
  RuleProblem,
  RuleWarning,
} from '../../detections/index.ts';

// How `secops hunt` and `secops rules check` print for people. Pure: text in, text out.

const HEADER = ['time', 'level', 'rule', 'author', 'host', 'fields'] as const;
/** Widest each column but the last gets; the last takes the rest of the line. */
const WIDTHS = [19, 13, 48, 24, 24] as const;

/** Matches as a table, one line each; `width` cuts lines (a terminal's columns), or 0 for none. */
export function formatMatchTable(matches: readonly HuntMatch[], width: number): string {
  // A timeline: by time, correlations among the events they summarise.
  const rows = [...matches].sort((a, b) => timeOf(a) - timeOf(b)).map(toRow);
  const widths = WIDTHS.map((max, column) =>
    Math.min(
      max,
      Math.max(HEADER[column]?.length ?? 0, ...rows.map((r) => r[column]?.length ?? 0)),
    ),
  );
  const line = (cells: readonly string[]): string => {
    const fixed = widths.map((w, i) => cut(cells[i] ?? '', w).padEnd(w + 2)).join('');
    const text = (fixed + (cells[widths.length] ?? '')).trimEnd();
    return width > 0 ? cut(text, width) : text;
  };
  return [HEADER, ...rows].map((r) => `${line(r)}\n`).join('');
}

function timeOf(match: HuntMatch): number {
  return match.kind === 'rule' ? match.event.timestamp : match.match.lastTimestamp;
}

function toRow(match: HuntMatch): string[] {
  if (match.kind === 'correlation') {
    const { rule } = match.rule;
    const group = Object.entries(match.match.groupBy).map(([k, v]) => `${k}=${v ?? '(none)'}`);
    return [
      shortTime(match.match.lastTimestamp),
      rule.level ?? '',
      `${rule.title} [${rule.type}]`,
      match.rule.author ?? '',
      '',
      [`${rule.type}=${String(match.match.value)}`, ...group].join('  '),
    ];
  }
  const { meta } = match.rule;
  const doc = match.event.doc;
  const host =
    pick(doc, 'host.name') || pick(doc, 'winlog.computer_name') || pick(doc, 'log.syslog.hostname');
  const fields =
    match.fields.length > 0
      ? match.fields.map(([name, value]) => `${name}=${oneLine(text(value))}`)
      : [oneLine(pick(doc, 'message') || pick(doc, 'event.original'))];
  return [
    shortTime(match.event.timestamp),
    meta.level ?? '',
    meta.title,
    meta.author ?? '',
    host,
    fields.join('  '),
  ];
}

/** `2024-03-05 10:00:14` (UTC). */
function shortTime(epochMs: number): string {
  return isoTime(epochMs).replace('T', ' ').slice(0, 19);
}

function oneLine(value: string): string {
  return value.replaceAll(/\s+/g, ' ').trim();
}

function cut(value: string, width: number): string {
  return value.length <= width ? value : `${value.slice(0, Math.max(0, width - 1))}…`;
}

function pick(doc: unknown, path: string): string {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return '';
    node = (node as Record<string, unknown>)[key];
  }
  return node === undefined || node === null ? '' : text(node);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return value.map(text).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return '';
}

const int = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string, many = `${word}s`): string =>
  `${int(n)} ${n === 1 ? word : many}`;

/** `file:line: message` for each rule problem and warning, as compilers print them. */
export function formatProblems(
  problems: readonly RuleProblem[],
  warnings: readonly RuleWarning[],
): string {
  return [
    ...problems.map(
      (p) =>
        `${p.file}:${String(p.line)}: ${p.kind === 'invalid' ? 'invalid' : `unsupported (${p.feature})`}: ${p.message}\n`,
    ),
    ...warnings.map((w) => `${w.file}:${String(w.line)}: warning: ${w.message}\n`),
  ].join('');
}

/** The rule set in one line: loaded, unsupported, invalid. */
export function formatRuleCounts(set: HuntRuleSet): string {
  const invalid = set.problems.filter((p) => p.kind === 'invalid').length;
  const correlations =
    set.correlations.length > 0 ? ` (${plural(set.correlations.length, 'correlation')})` : '';
  return `rules: ${int(set.rules.length + set.correlations.length)} loaded${correlations}, ${int(set.problems.length - invalid)} unsupported, ${int(invalid)} invalid, from ${plural(set.files, 'file')}`;
}

/** What a hunt found, for stderr. */
export function formatHuntSummary(summary: HuntSummary, set: HuntRuleSet): string {
  const lines = [
    `hunt: ${plural(summary.events, 'event')} from ${plural(summary.records, 'record')} in ${plural(summary.inputs, 'input')}` +
      `${summary.rejected > 0 ? ` (${int(summary.rejected)} not parsed)` : ''}; ${plural(summary.matches, 'match', 'matches')}`,
  ];
  const countWidth = Math.max(0, ...summary.byRule.map((r) => int(r.count).length));
  for (const rule of summary.byRule)
    lines.push(
      `  ${int(rule.count).padStart(countWidth)}  ${(rule.level ?? '-').padEnd(13)}${rule.title}${rule.kind === 'correlation' ? ' (correlation)' : ''}`,
    );
  if (summary.suppressed > 0)
    lines.push(
      `  ${plural(summary.suppressed, 'match', 'matches')} of rules that only feed correlations (generate: false) not shown`,
    );
  if (summary.belowLevel > 0)
    lines.push(`  ${plural(summary.belowLevel, 'match', 'matches')} below --min-level not shown`);
  lines.push(formatRuleCounts(set));
  return lines.map((l) => `${l}\n`).join('');
}

/** `secops rules check` for people. */
export function formatRuleCheck(report: RuleCheckReport): string {
  const out: string[] = [
    `rule files:   ${int(report.files)}`,
    `supported:    ${int(report.supported)}` +
      (report.correlationRules > 0
        ? ` (${int(report.detectionRules)} detection, ${int(report.correlationRules)} correlation)`
        : ''),
    `unsupported:  ${int(report.unsupported)}`,
  ];
  for (const group of report.unsupportedByFeature) {
    out.push(`  ${group.feature}: ${int(group.count)} (${group.reason})`);
    if (group.feature === 'placeholder')
      out.push('    (give values with --placeholder name=value)');
    for (const rule of group.rules)
      out.push(`    ${rule.file}:${String(rule.line)}: ${rule.message}`);
  }
  out.push(`invalid:      ${int(report.invalid.length)}`);
  for (const rule of report.invalid)
    out.push(`  ${rule.file}:${String(rule.line)}: ${rule.message}`);
  out.push(
    `fallback:     ${plural(report.fallback.rules, 'rule')} on the generic logsource fallback (no mapping declares their logsource)`,
  );
  for (const { logsource, rules } of report.fallback.logsources)
    out.push(`  ${logsource}: ${int(rules)}`);
  if (report.warnings.length > 0) {
    out.push(`warnings:     ${int(report.warnings.length)}`);
    for (const w of report.warnings) out.push(`  ${w.file}:${String(w.line)}: ${w.message}`);
  }
  return out.map((l) => `${l}\n`).join('');
}
