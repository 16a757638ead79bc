import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { TestApp } from './app.ts';

/** The starter pack's encoded PowerShell rule (a Sysmon process creation match). */
export const ENCODED_POWERSHELL = '138311aa-d799-44dc-9267-76ba50c2e6c5';

/**
 * Raises a real alert the way production does: ingests the starter pack's own positive record
 * for the encoded PowerShell rule, on `host`, over `POST /ingest`, and waits for its alert.
 * Returns the alert id.
 */
export async function raiseEncodedPowerShellAlert(
  t: TestApp,
  token: string,
  host: string,
  at: number = Date.now(),
  user?: string,
  sha256?: string,
): Promise<string> {
  const tests = parseYaml(
    readFileSync(
      new URL(
        '../../detections/packs/starter/tests/win_powershell_encoded_command.yml',
        import.meta.url,
      ),
      'utf8',
    ),
    { merge: true },
  ) as { positive: { record: Record<string, unknown> }[] };
  const record = structuredClone(tests.positive[0]?.record ?? {});
  record.host = { name: host };
  // Alerts group by host and user: another user on the same host raises another alert. The
  // Winlogbeat parser takes user.name from the Sysmon record's User.
  const eventData = (record.winlog as { event_data?: Record<string, unknown> } | undefined)
    ?.event_data;
  if (user !== undefined && eventData) eventData.User = `CORP\\${user}`;
  // Another process hash: another event (and observable) for the same alert.
  if (sha256 !== undefined && eventData)
    eventData.Hashes = `SHA256=${sha256.toUpperCase()},IMPHASH=741776AACCFC5B71FF59832DCDCACE0F`;
  record['@timestamp'] = new Date(at).toISOString();
  const res = await fetch(`${t.url}/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.ingestToken}`, 'content-type': 'application/x-ndjson' },
    body: JSON.stringify(record),
  });
  if (res.status !== 200) throw new Error(`ingest answered ${String(res.status)}`);
  const alerts = await t.alertsWhen(token, `rule=${ENCODED_POWERSHELL}&host=${host}`, (alerts) =>
    alerts.some(
      (a) => user === undefined || (a.groupBy as Record<string, unknown>)['user.name'] === user,
    ),
  );
  const alert = alerts.find(
    (a) => user === undefined || (a.groupBy as Record<string, unknown>)['user.name'] === user,
  );
  if (typeof alert?.id !== 'string') throw new Error(`no alert for ${host}`);
  return alert.id;
}
