import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapTokens, startServerProcess } from '../test/support/server-process.ts';
import type { ServerProcess } from '../test/support/server-process.ts';

const dirs: string[] = [];
const children: ServerProcess[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Recent timestamps: a restart applies the 30-day retention, which must not touch the test data.
const base = Date.now() - 3_600_000;

function batch(run: string, n: number, size: number): string {
  const lines: string[] = [];
  for (let i = 0; i < size; i++) {
    const id = `${run}-${String(n)}-${String(i)}`;
    lines.push(JSON.stringify({ create: { _index: 'durability', _id: id } }));
    lines.push(
      JSON.stringify({
        '@timestamp': new Date(base + n * 1000 + i).toISOString(),
        message: `durable ${id}`,
        labels: { run },
        host: { name: 'crash-test' },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function allIds(url: string, admin: string, run: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const u = new URL('/events/search', url);
    u.searchParams.set('q', `labels.run:${run}`);
    u.searchParams.set('from', 'now-1d');
    u.searchParams.set('size', '1000');
    if (cursor) u.searchParams.set('cursor', cursor);
    const res = await fetch(u, { headers: { authorization: `Bearer ${admin}` } });
    const page = (await res.json()) as { hits: { id: string }[]; next_cursor?: string };
    for (const h of page.hits) ids.add(h.id);
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

describe('durability of acknowledged ingest', () => {
  it('keeps every acknowledged event when the server is killed (SIGKILL) mid-stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-crash-'));
    dirs.push(dir);
    const first = await startServerProcess(dir, { SECOPS_EVENTS_DURABILITY: 'full' });
    children.push(first);
    const { admin, ingest } = bootstrapTokens(first.stdout());
    const auth = `Basic ${Buffer.from(`shipper:${ingest}`).toString('base64')}`;
    const run = `crash${String(Date.now())}`;
    const acked = new Set<string>();
    let sent = 0;
    let killed = false;

    // Four concurrent senders stream batches until the kill; only 201s count as acknowledged.
    const sender = async (lane: number) => {
      for (let n = lane; !killed; n += 4) {
        const body = batch(run, n, 250);
        sent += 250;
        try {
          const res = await fetch(`${first.url}/_bulk`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/x-ndjson' },
            body,
          });
          const json = (await res.json()) as {
            items: { create: { _id: string; status: number } }[];
          };
          if (res.status !== 200) continue;
          for (const item of json.items) if (item.create.status === 201) acked.add(item.create._id);
        } catch {
          return; // the connection died with the server: nothing in this batch was acknowledged
        }
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    await new Promise((r) => setTimeout(r, 2500));
    killed = true;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await Promise.all(senders);
    expect(acked.size).toBeGreaterThan(1000);
    expect(sent).toBeGreaterThan(acked.size);

    const second = await startServerProcess(dir);
    children.push(second);
    const stored = await allIds(second.url, admin, run);
    const lost = [...acked].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);

    // Re-sending everything (as a shipper retrying after the crash would) adds no duplicates.
    const resend = await fetch(`${second.url}/_bulk`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-ndjson' },
      body: batch(run, 0, 250),
    });
    const items = ((await resend.json()) as { items: { create: { status: number } }[] }).items.map(
      (i) => i.create.status,
    );
    expect(items.every((s) => s === 409 || s === 201)).toBe(true);
    expect((await allIds(second.url, admin, run)).size).toBe(
      stored.size + items.filter((s) => s === 201).length,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('drains in-flight ingest on SIGTERM: the request is answered, stored, and the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-term-'));
    dirs.push(dir);
    const server = await startServerProcess(dir);
    children.push(server);
    const { admin, ingest } = bootstrapTokens(server.stdout());
    const run = `term${String(Date.now())}`;
    const body = batch(run, 0, 20_000);
    const pending = fetch(`${server.url}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(200);
    const json = (await res.json()) as { errors: boolean; items: unknown[] };
    expect(json.errors).toBe(false);
    expect(json.items).toHaveLength(20_000);
    expect(await server.exited).toBe(0);

    const again = await startServerProcess(dir);
    children.push(again);
    expect((await allIds(again.url, admin, run)).size).toBe(20_000);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
