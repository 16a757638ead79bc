import type { Alert } from '../../detections/index.ts';

/** What an alert is about, for grouping rules and pivots. */
export const KEY_KINDS = ['host', 'user', 'technique'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface AlertKey {
  readonly kind: KeyKind;
  /** Hosts and users lower-cased (Windows names them case-insensitively); techniques as tagged. */
  readonly value: string;
}

/** A group-by field that names a user: `user.name`, `winlog.event_data.TargetUserName`, … */
const USER_FIELD = /(^|\.)(user\.name|user|username|targetusername|subjectusername)$/i;

/** The keys of an alert: its host, the users it groups by, its ATT&CK techniques. */
export function alertKeys(alert: Pick<Alert, 'host' | 'groupBy' | 'techniques'>): AlertKey[] {
  const keys = new Map<string, AlertKey>();
  const add = (kind: KeyKind, raw: string | null | undefined): void => {
    const trimmed = raw?.trim();
    if (!trimmed) return;
    const value = kind === 'technique' ? trimmed.toUpperCase() : trimmed.toLowerCase();
    keys.set(`${kind}\0${value}`, { kind, value });
  };
  add('host', alert.host);
  for (const [field, value] of Object.entries(alert.groupBy))
    if (USER_FIELD.test(field)) add('user', value);
  for (const technique of alert.techniques) add('technique', technique);
  return [...keys.values()];
}
