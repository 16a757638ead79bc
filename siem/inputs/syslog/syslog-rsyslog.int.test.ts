// The syslog input against real senders: rsyslogd forwarding with omfwd (TCP octet-counted +
// RFC 5424, TCP LF-framed + RFC 3164, UDP) and util-linux logger talking to us directly.
// Needs rsyslog and util-linux logger (apt-get install rsyslog); skips without them unless CI=true.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogServer } from './index.ts';
import type { SyslogMessage, SyslogServer, SyslogStats } from './index.ts';
import { createRecordingSink, waitUntil } from './recording-sink.ts';
import type { RecordingSink } from './recording-sink.ts';
import { findPrerequisites, runLogger, startRsyslog } from './rsyslog-fixture.ts';
import type { RsyslogProcess } from './rsyslog-fixture.ts';

const prerequisites = findPrerequisites();
const required = process.env.CI === 'true';
const skipReason = prerequisites.ok ? undefined : prerequisites.reason;
if (skipReason !== undefined && !required) {
  console.warn(`[syslog-rsyslog.int.test] SKIPPED: ${skipReason}`);
}

// RFC 5424 as rsyslog's RSYSLOG_SyslogProtocol23Format and logger --rfc5424 write it, and
// RFC 3164 as RSYSLOG_TraditionalForwardFormat and logger --rfc3164 do. Capture: tag, body.
const RFC5424 = /^<13>1 \d{4}-\d\d-\d\dT\S+ \S+ (\S+) \S+ \S+ (?:-|\[[^\]]*\]) (.*)$/su;
const RFC3164 = /^<13>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ ([^:\s]+): (.*)$/su;

type Route = 'tcp-5424-octet-counted' | 'tcp-3164-lf' | 'udp-5424';

interface Received {
  readonly route: Route;
  readonly tag: string;
  readonly body: string;
}

/** Which sender route a message came by, and its tag and body, from its raw text. */
function classify(message: SyslogMessage): Received {
  const rfc5424 = RFC5424.exec(message.text);
  const rfc3164 = RFC3164.exec(message.text);
  const match = rfc5424 ?? rfc3164;
  if (!match) throw new Error(`unexpected message: ${JSON.stringify(message.text)}`);
  const route: Route =
    message.peer.transport === 'udp'
      ? 'udp-5424'
      : rfc5424
        ? 'tcp-5424-octet-counted'
        : 'tcp-3164-lf';
  // rsyslog keeps the space that followed "tag:" in the msg property: one leading SP.
  return { route, tag: match[1] ?? '', body: (match[2] ?? '').replace(/^ /, '') };
}

const run = randomUUID().slice(0, 8);
const bodies = [
  `run=${run} n=0 plain ascii message`,
  `run=${run} n=1 héllo ünïcødé 日本語 🚀 Ελληνικά`,
  `run=${run} n=2 2026 starts a phrase with digits`,
  `run=${run} n=3 long ${'L'.repeat(6000)} end`,
  ...Array.from({ length: 96 }, (_, i) => `run=${run} n=${i + 4} bulk message number ${i + 4}`),
];

const title = `syslog input with real rsyslog and logger${skipReason === undefined ? '' : ` (missing: ${skipReason})`}`;

describe.skipIf(skipReason !== undefined && !required)(title, () => {
  let server: SyslogServer | undefined;
  let sink: RecordingSink;
  let tcpPort = 0;
  let udpPort = 0;
  let rsyslog: RsyslogProcess | undefined;

  beforeAll(async () => {
    if (!prerequisites.ok)
      throw new Error(`CI=true requires the integration prerequisites: ${prerequisites.reason}`);
    sink = createRecordingSink();
    const created = createSyslogServer({
      tcp: { host: '127.0.0.1', port: 0 },
      udp: { host: '127.0.0.1', port: 0 },
      sink,
      maxMessageBytes: 64 * 1024,
      idleTimeoutMs: 60_000,
      batchMaxDelayMs: 20,
    });
    server = created;
    const addresses = await created.start();
    tcpPort = addresses.tcp?.port ?? 0;
    udpPort = addresses.udp?.port ?? 0;
  });

  afterAll(async () => {
    await rsyslog?.stop();
    await server?.stop({ drainMs: 5000 });
  });

  const stats = (): SyslogStats => {
    if (server === undefined) throw new Error('the syslog server did not start');
    return server.stats();
  };
  const received = (tag: string): Received[] =>
    sink.accepted.map(classify).filter((m) => m.tag === tag);

  it('receives every message rsyslog forwards, exactly once and intact, on all three routes', async () => {
    if (!prerequisites.ok) return;
    rsyslog = await startRsyslog(prerequisites.rsyslogd, { tcpPort, udpPort });
    await runLogger(
      prerequisites.logger,
      [
        '--socket',
        rsyslog.socketPath,
        '--socket-errors=on',
        '--size',
        '16384',
        '-t',
        'claytom-rsyslog',
      ],
      bodies.map((body) => `${body}\n`).join(''),
    );
    const routes: Route[] = ['tcp-5424-octet-counted', 'tcp-3164-lf', 'udp-5424'];
    const forwarder = rsyslog;
    await waitUntil(
      () =>
        routes.every(
          (route) =>
            received('claytom-rsyslog').filter((m) => m.route === route).length >= bodies.length,
        ),
      `${bodies.length} messages on each route (rsyslogd output: ${forwarder.output()})`,
      60_000,
    );
    await rsyslog.stop(); // flushes and closes its connections; duplicates would show up now
    rsyslog = undefined;
    await waitUntil(() => stats().connectionsOpen === 0, 'rsyslog to disconnect');

    for (const route of routes) {
      const got = received('claytom-rsyslog').filter((m) => m.route === route);
      expect(got.map((m) => m.body).sort(), route).toEqual([...bodies].sort());
    }
    expect(stats()).toMatchObject({ framingErrors: 0, oversize: 0, udpDropped: 0, lost: 0 });
  });

  it.each([
    ['tcp with octet counting and RFC 5424', ['--tcp', '--octet-count', '--rfc5424']],
    ['tcp with LF framing and RFC 3164', ['--tcp', '--rfc3164']],
    ['udp and RFC 5424', ['--udp', '--rfc5424']],
  ])('receives util-linux logger sending %s', async (name, flags) => {
    if (!prerequisites.ok) return;
    const tag = `claytom-${name.replace(/\W+/g, '-')}`.slice(0, 32);
    const port = flags.includes('--udp') ? udpPort : tcpPort;
    const sent = bodies.filter((body) => body.length < 1000); // logger's default --size is 1 KiB
    await runLogger(
      prerequisites.logger,
      ['-n', '127.0.0.1', '-P', String(port), ...flags, '-t', tag],
      sent.map((body) => `${body}\n`).join(''),
    );
    await waitUntil(
      () => received(tag).length >= sent.length,
      `${sent.length} messages from logger`,
    );
    await waitUntil(() => stats().connectionsOpen === 0, 'logger to disconnect');
    expect(received(tag).map((m) => m.body)).toEqual(sent); // one connection (or socket): in order
    expect(stats()).toMatchObject({ framingErrors: 0, lost: 0, udpDropped: 0 });
  });
});
