import { SoarError } from '../../errors.ts';
import type { Assignee } from '../../triage/triage.ts';

// Column conversions shared by the soar tables.

/** A BIGINT column (PostgreSQL returns text for it): epoch ms, or null. */
export const timeOf = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

/** The assignee columns (`assignee_kind`, `assignee_id`, `assignee_team`) as an assignee. */
export function assigneeOf(
  kind: string | null,
  id: string | null,
  team: string | null,
): Assignee | null {
  return id === null ? null : { kind: kind === 'agent' ? 'agent' : 'user', id, team };
}

/** A cursor after a UUIDv7 id (listings ordered by id). */
export function encodeIdCursor(id: string): string {
  return Buffer.from(`i1:${id}`).toString('base64url');
}

const CURSOR = /^i1:([0-9a-f-]{36})$/;

export function decodeIdCursor(cursor: string): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (match?.[1] === undefined)
    throw new SoarError('SOAR_INVALID_REQUEST', 'cursor: not a cursor of this listing', {
      issues: [{ path: 'cursor', message: 'not a cursor of this listing' }],
    });
  return match[1];
}

/**
 * A page of a listing ordered by id that fetched `limit + 1` rows: the first `limit`, converted,
 * and a cursor after the last when more follow.
 */
export function pageOf<R, T extends { readonly id: string }>(
  rows: readonly R[],
  limit: number,
  convert: (row: R) => T,
): { items: T[]; nextCursor?: string } {
  const items = rows.slice(0, limit).map(convert);
  const last = items.at(-1);
  return rows.length > limit && last ? { items, nextCursor: encodeIdCursor(last.id) } : { items };
}
