import { createHash } from 'node:crypto';
import { toKeyValue } from '../sigma/correlation/field-values.ts';
import { readField, toFieldPath } from '../sigma/event-fields.ts';

/**
 * Which event fields group a rule's matches into one alert. Fields are ECS paths read from the
 * stored event as it is (`host.name`), not Sigma field names: grouping is the same whatever rule
 * matched. A log source may have its own list (keyed as the engine keys log sources,
 * `windows/process_creation`); every other log source uses `fields`.
 */
export interface AlertGrouping {
  readonly fields: readonly string[];
  readonly byLogsource?: Readonly<Record<string, readonly string[]>>;
  /**
   * Where the host an alert is about is found, first present wins: ECS paths in the event for
   * matches, group-by field names for correlations.
   */
  readonly hostFields?: readonly string[];
}

/** Host and user: one alert per rule, host and user within a window. */
export const DEFAULT_ALERT_GROUPING: AlertGrouping = {
  fields: ['host.name', 'user.name'],
  hostFields: ['host.name', 'host.hostname', 'Computer', 'ComputerName', 'Hostname'],
};

/** The group-by fields of a log source. */
export function groupFieldsOf(grouping: AlertGrouping, logsource: string): readonly string[] {
  const own = grouping.byLogsource;
  return own !== undefined && Object.hasOwn(own, logsource)
    ? (own[logsource] ?? grouping.fields)
    : grouping.fields;
}

/** The group-by values of an event: each field's value as text, null when it is missing. */
export function groupValuesOf(
  doc: unknown,
  fields: readonly string[],
): Readonly<Record<string, string | null>> {
  // fromEntries: a field called __proto__ stays an ordinary key.
  return Object.fromEntries(
    fields.map((field) => [field, toKeyValue(readField(doc, toFieldPath(field)))]),
  );
}

/** A stable hash of group-by values (fields in order, with their values). */
export function groupKeyOf(groupBy: Readonly<Record<string, string | null>>): string {
  return sha256(JSON.stringify(Object.entries(groupBy)));
}

/** The host of an event: the first of `hostFields` it has. */
export function hostOfEvent(doc: unknown, grouping: AlertGrouping): string | null {
  for (const field of hostFieldsOf(grouping)) {
    const value = toKeyValue(readField(doc, toFieldPath(field)));
    if (value !== null) return value;
  }
  return null;
}

/** The host of a correlation's group: the value of the first of `hostFields` it groups by. */
export function hostOfGroup(
  groupBy: Readonly<Record<string, string | null>>,
  grouping: AlertGrouping,
): string | null {
  for (const field of hostFieldsOf(grouping)) {
    const value = Object.hasOwn(groupBy, field) ? groupBy[field] : undefined;
    if (value != null) return value;
  }
  return null;
}

function hostFieldsOf(grouping: AlertGrouping): readonly string[] {
  return grouping.hostFields ?? DEFAULT_ALERT_GROUPING.hostFields ?? [];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
