import type { AlertCandidate } from './alert.ts';
import type { AlertStore, AppliedUpsert } from './alert-store.ts';
import { DEFAULT_DEDUP_POLICY, groupRefsOf, planAlertUpserts } from './dedup.ts';
import type { DedupPolicy } from './dedup.ts';

/**
 * Records a batch of firings: looks up the windows of their groups, plans the upserts and
 * applies them in one transaction (joining the caller's unit of work, if any). At ingest, the
 * alert relay runs it on records committed with their events (`stream/alert-relay.ts`); applying
 * the same records again counts nothing twice (occurrence keys).
 */
export async function recordAlerts(
  store: AlertStore,
  candidates: readonly AlertCandidate[],
  policy: DedupPolicy = DEFAULT_DEDUP_POLICY,
): Promise<AppliedUpsert[]> {
  if (candidates.length === 0) return [];
  const windows = await store.latestWindows(groupRefsOf(candidates));
  return store.applyUpserts(planAlertUpserts(candidates, windows, policy));
}
