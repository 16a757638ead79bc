import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import { parseKql } from '../siem/index.ts';
import {
  findPrerequisites,
  runLogger,
  startRsyslogWith,
} from '../siem/inputs/syslog/rsyslog-fixture.ts';
import type { RsyslogProcess } from '../siem/inputs/syslog/rsyslog-fixture.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';
import { requireOrSkip } from '../test/support/services.ts';

const OMELASTICSEARCH = '/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so';
const found = findPrerequisites();
const tools = requireOrSkip(
  'rsyslog with omelasticsearch',
  found.ok && existsSync(OMELASTICSEARCH)
    ? { ok: true, value: found }
    : {
        ok: false,
        reason: found.ok
          ? `${OMELASTICSEARCH} missing (apt-get install rsyslog-elasticsearch)`
          : found.reason,
      },
);

describe.skipIf(tools === undefined)('real shippers end to end: rsyslog into the platform', () => {
  const ctx: { t?: TestApp; rsyslog?: RsyslogProcess } = {};
  const run = `e2e${String(Date.now())}`;
  const count = 40;

  beforeAll(async () => {
    if (!tools?.ok) return;
    const t = await startTestApp({ 'syslog.tcp': '127.0.0.1:0', 'syslog.udp': '127.0.0.1:0' });
    ctx.t = t;
    const syslog = await t.app.siem.sources.byName('syslog');
    expect(syslog).toBeDefined();
    const started = new URL(t.url);
    const syslogPort = t.started.syslog?.tcp?.port;
    expect(syslogPort).toBeGreaterThan(0);
    // Two sources: the same message through two outputs of one source would rightly be stored once.
    const { token } = await t.app.siem.sources.create('rsyslog-es');
    const single = await t.app.siem.sources.create('rsyslog-es-single');
    ctx.rsyslog = await startRsyslogWith(
      tools.rsyslogd,
      (workDir, socketPath) => `
global(workDirectory="${workDir}" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
module(load="omelasticsearch")
input(type="imuxsock" Socket="${socketPath}" RateLimit.Interval="0" Ruleset="ship")
ruleset(name="ship") {
  action(type="omfwd" target="127.0.0.1" port="${String(syslogPort)}" protocol="tcp" TCP_Framing="octet-counted"
         template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" queue.type="LinkedList")
  action(type="omelasticsearch" server="127.0.0.1" serverport="${started.port}" searchIndex="rsyslog-bulk"
         bulkmode="on" uid="rsyslog" pwd="${token}" errorfile="${workDir}/es-bulk-errors.json"
         action.resumeRetryCount="-1" queue.type="LinkedList")
  action(type="omelasticsearch" server="127.0.0.1" serverport="${started.port}" searchIndex="rsyslog-single"
         bulkmode="off" uid="rsyslog" pwd="${single.token}" errorfile="${workDir}/es-single-errors.json"
         action.resumeRetryCount="-1" queue.type="LinkedList")
}
`,
    );
  });

  afterAll(async () => {
    await ctx.rsyslog?.stop();
    await ctx.t?.stop();
  });

  it('receives every message once through syslog TCP, Elasticsearch bulk and single documents', async () => {
    const { t, rsyslog } = ctx;
    if (!tools?.ok || !t || !rsyslog) throw new Error('setup did not run');
    const countWhere = (q: string) =>
      t.app.siem.events.count(DEFAULT_TENANT, { query: parseKql(q) });
    const lines = Array.from(
      { length: count },
      (_, i) => `${run} message ${String(i)} ünïcode`,
    ).join('\n');
    await runLogger(tools.logger, ['--socket', rsyslog.socketPath, '-t', 'e2e-app'], `${lines}\n`);
    const wanted = async () => [
      await countWhere(`secops.source.name:syslog and ${run}`),
      await countWhere(`secops.index:rsyslog-bulk and ${run}`),
      await countWhere(`secops.index:rsyslog-single and ${run}`),
    ];
    const deadline = Date.now() + 30_000;
    let got = await wanted();
    while (got.some((n) => n < count) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      got = await wanted();
    }
    expect(got, rsyslog.output()).toEqual([count, count, count]);
    const sample = await t.app.siem.events.search(DEFAULT_TENANT, {
      query: parseKql(`secops.source.name:syslog and ${run}`),
      size: 1,
    });
    expect(sample.hits[0]?.doc).toMatchObject({
      log: { syslog: { appname: 'e2e-app' } },
      message: expect.stringContaining('ünïcode'),
    });
  });
});
