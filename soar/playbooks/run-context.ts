import type { Alert } from '../../detections/index.ts';
import type { RunRecord, StepRecord } from './run-store.ts';

/** What a run's expressions and templates read. */
export function runContext(
  run: RunRecord,
  steps: readonly StepRecord[],
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  for (const step of steps)
    results[step.stepId] = { status: step.status, output: step.output, error: step.error };
  return {
    ...run.context,
    run: {
      id: run.id,
      playbook: run.playbookId,
      version: run.playbookVersion,
      dry_run: run.dryRun,
      started_at: new Date(run.startedAt).toISOString(),
    },
    trigger: run.trigger,
    steps: results,
    ...extra,
  };
}

/** The alert as expressions see it: its record plus `tags` in Sigma's form (`attack.t1059.001`). */
export function alertForExpressions(alert: Alert): Record<string, unknown> {
  return {
    ...alert,
    tags: [
      ...alert.tactics.map((tactic) => `attack.${tactic.name.toLowerCase().replaceAll(' ', '-')}`),
      ...alert.techniques.map((technique) => `attack.${technique.toLowerCase()}`),
    ],
  };
}

/** A `{ secret: "path" }` input: read from the secret store when the step runs. */
export function isSecretReference(value: unknown): value is { readonly secret: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secret?: unknown }).secret === 'string'
  );
}

/**
 * Replaces secret references with their values, collecting each value so that outputs and errors
 * can be scrubbed of it afterwards.
 */
export async function resolveSecrets(
  value: unknown,
  read: (path: string) => Promise<string>,
  found: Map<string, string>,
  link?: (stepId: string) => string | undefined,
): Promise<unknown> {
  if (isSecretReference(value)) {
    const secret = await read(value.secret);
    found.set(secret, value.secret);
    return secret;
  }
  if (typeof value === 'string' && link !== undefined)
    return value.replaceAll(APPROVAL_LINK, (marker, stepId: string) => {
      const url = link(stepId);
      if (url === undefined) return marker;
      found.set(url, `approval link ${stepId}`);
      return url;
    });
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await resolveSecrets(item, read, found, link));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = await resolveSecrets(item, read, found, link);
    return out;
  }
  return value;
}

/**
 * Signed approval links are credentials: templates render `approval_links.<step>` as this
 * marker, recorded as is; the link itself is put in only when the step sends it, like a secret.
 */
const APPROVAL_LINK = /\[approval-link:([a-z][a-z0-9_]{0,62})\]/g;

/** `approval_links` as expressions see it: a marker per approval step. */
export function approvalLinkMarkers(
  steps: readonly { readonly id: string; readonly action: string }[],
): Record<string, string> {
  return Object.fromEntries(
    steps.filter((s) => s.action === 'approval').map((s) => [s.id, `[approval-link:${s.id}]`]),
  );
}

/** Removes every resolved secret value from a text (an error message, an output as JSON). */
export function scrubSecrets(text: string, secrets: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [value, path] of secrets) {
    if (value.length < 4) continue;
    out = out.split(value).join(`[secret ${path}]`);
    const encoded = JSON.stringify(value).slice(1, -1);
    if (encoded !== value) out = out.split(encoded).join(`[secret ${path}]`);
  }
  return out;
}
