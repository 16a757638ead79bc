import { z } from 'zod';
import { IdentityError } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { ASSIGNEE_KINDS } from '../triage/triage.ts';
import type { Actor } from '../triage/triage.ts';

// What the soar routes share: who is calling, and how assignees and times are written.

/** The caller's tenant and their actor record (the router always sets a principal). */
export function callerOf(principal: Principal | undefined): { tenantId: string; actor: Actor } {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  return { tenantId: principal.tenantId, actor: { kind: principal.kind, id: principal.id } };
}

/** An assignee in a request body: a person or agent, with the team the measures group by. */
export const assigneeInput = z
  .object({
    kind: z.enum(ASSIGNEE_KINDS),
    id: z.string().min(1).max(256),
    team: z.string().trim().min(1).max(128).optional(),
  })
  .strict();

/** An assignee in a response (null: nobody). */
export const assigneeView = z
  .object({ kind: z.enum(ASSIGNEE_KINDS), id: z.string(), team: z.string().nullable() })
  .nullable();

/** An epoch-ms time as ISO 8601, or null. */
export const isoOrNull = (at: number | null): string | null =>
  at === null ? null : new Date(at).toISOString();
