import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../platform/clock/index.ts';
import { isSecOpsError } from '../../../platform/errors/index.ts';
import { SiemError } from '../../errors.ts';
import { createSyslogServer } from './index.ts';
import type { SyslogLogger, SyslogServer, SyslogServerOptions, SyslogStatName } from './index.ts';
import { createRecordingSink, waitUntil } from './recording-sink.ts';
import type { RecordingSink } from './recording-sink.ts';

const servers: SyslogServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.stop({ drainMs: 1000 })));
});

interface Started {
  server: SyslogServer;
  sink: RecordingSink;
  tcpPort: number;
  udpPort: number;
}

async function start(
  options: Partial<SyslogServerOptions> & { sink?: RecordingSink } = {},
): Promise<Started> {
  const sink = options.sink ?? createRecordingSink();
  const server = createSyslogServer({
    tcp: { host: '127.0.0.1', port: 0 },
    udp: { host: '127.0.0.1', port: 0 },
    maxMessageBytes: 4096,
    idleTimeoutMs: 60_000,
    batchMaxDelayMs: 5,
    retryDelayMs: { min: 1, max: 5 },
    ...options,
    sink,
  });
  servers.push(server);
  const addresses = await server.start();
  return { server, sink, tcpPort: addresses.tcp?.port ?? 0, udpPort: addresses.udp?.port ?? 0 };
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  socket.on('error', () => undefined); // some tests make the server close on us
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

async function sendUdp(port: number, payloads: readonly (string | Buffer)[]): Promise<void> {
  const client = createSocket('udp4');
  for (const payload of payloads) {
    await new Promise<void>((resolve, reject) => {
      client.send(payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve()));
    });
  }
  client.close();
}

const octet = (text: string): string => `${Buffer.byteLength(text)} ${text}`;
const texts = (sink: RecordingSink): string[] => sink.accepted.map((m) => m.text);

/** Waits until `read()` stops changing: used to let a paused transfer settle before looking. */
async function settled(read: () => number): Promise<void> {
  let last = -1;
  let stable = 0;
  await waitUntil(() => {
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
    return stable >= 15;
  }, 'the transfer to settle');
}

describe('syslog server over TCP', () => {
  it('delivers both framings from one connection in order, with peer and receive time', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 2));
    const { server, sink, tcpPort } = await start({ clock });
    const client = await open(tcpPort);
    const clientPort = client.localPort;
    client.end(
      `<13>one\n${octet('<13>1 - h app - - - two')}<13>three ünïcødé\r\n<13>four\0<13>last`,
    );
    await waitUntil(() => sink.accepted.length === 5, '5 messages');
    expect(texts(sink)).toEqual([
      '<13>one',
      '<13>1 - h app - - - two',
      '<13>three ünïcødé',
      '<13>four',
      '<13>last',
    ]);
    for (const message of sink.accepted) {
      expect(message.peer).toEqual({ address: '127.0.0.1', port: clientPort, transport: 'tcp' });
      expect(message.receivedAt).toBe(Date.UTC(2026, 0, 2));
      expect(message.truncated).toBeUndefined();
    }
    expect(server.stats()).toMatchObject({
      tcpMessages: 5,
      acceptedMessages: 5,
      connectionsTotal: 1,
    });
  });

  it('submits batches no larger than batchMaxMessages and flushes a partial one', async () => {
    const { server, sink, tcpPort } = await start({ batchMaxMessages: 10 });
    const client = await open(tcpPort);
    client.write(Array.from({ length: 25 }, (_, i) => `<13>m${i}\n`).join(''));
    await waitUntil(() => sink.accepted.length === 25, '25 messages');
    expect(texts(sink)).toEqual(Array.from({ length: 25 }, (_, i) => `<13>m${i}`));
    expect(Math.max(...sink.batchSizes)).toBeLessThanOrEqual(10);
    expect(sink.batchSizes.length).toBeGreaterThanOrEqual(3);
    expect(server.stats().batches).toBe(sink.batchSizes.length);
  });

  it('pauses reading while the sink is slow, keeps memory bounded, and loses nothing', async () => {
    const sink = createRecordingSink();
    sink.hold();
    const perConnection = 100;
    const { server, tcpPort } = await start({
      sink,
      batchMaxMessages: 50,
      maxPendingBatches: 2,
      maxPendingPerConnection: perConnection,
      // A paused connection is quiet because of us: it must not be closed. (Long enough that an
      // event-loop stall on a loaded machine before the first read is not taken for idleness.)
      idleTimeoutMs: 500,
    });
    const count = 30_000;
    const filler = 'x'.repeat(1000);
    const payload = Buffer.from(
      Array.from({ length: count }, (_, i) => `<13>seq=${i} ${filler}\n`).join(''),
    );
    const client = await open(tcpPort);
    client.write(payload);

    await waitUntil(() => sink.calls() >= 1, 'the first batch to reach the sink');
    await settled(() => server.stats().tcpBytes);
    // Paused for more than two idle periods.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const paused = server.stats();
    // Read at most the per-connection allowance plus one socket read (64 KiB) of overshoot.
    const messageBytes = payload.length / count;
    expect(paused.tcpMessages).toBeLessThanOrEqual(
      perConnection + Math.ceil(65_536 / messageBytes) + 1,
    );
    expect(paused.tcpBytes).toBeLessThan(payload.length / 10);
    expect(client.writableLength).toBeGreaterThan(0); // the sender is blocked on us
    expect(sink.accepted).toHaveLength(0);
    expect(paused).toMatchObject({ idleTimeouts: 0, connectionsOpen: 1 });

    sink.release();
    await waitUntil(
      () => sink.accepted.length === count,
      'every message after the sink recovered',
      30_000,
    );
    const seqs = sink.accepted.map((m) => Number(/seq=(\d+)/.exec(m.text)?.[1]));
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(server.stats()).toMatchObject({
      tcpBytes: payload.length,
      lost: 0,
      acceptedMessages: count,
    });
  });

  it.each([
    ['overloaded', new SiemError('SIEM_OVERLOADED', 'pipeline busy')],
    ['failing unexpectedly', new Error('disk on fire')],
  ])('retries a batch while the sink is %s, without loss or duplicates', async (_, error) => {
    const sink = createRecordingSink();
    sink.rejectNext(3, error);
    const { server, tcpPort } = await start({ sink, batchMaxMessages: 5 });
    const client = await open(tcpPort);
    client.write(Array.from({ length: 20 }, (_, i) => `<13>m${i}\n`).join(''));
    await waitUntil(() => sink.accepted.length === 20, '20 messages');
    expect(texts(sink)).toEqual(Array.from({ length: 20 }, (_, i) => `<13>m${i}`));
    expect(server.stats()).toMatchObject({ submitRetries: 3, lost: 0 });
  });

  it('closes connections that stay idle', async () => {
    const { server, sink, tcpPort } = await start({ idleTimeoutMs: 50 });
    const client = await open(tcpPort);
    client.on('end', () => client.end());
    client.write('<13>hello\n');
    await closed(client);
    await waitUntil(
      () => sink.accepted.length === 1 && server.stats().connectionsOpen === 0,
      'the close',
    );
    expect(server.stats()).toMatchObject({ idleTimeouts: 1, tcpMessages: 1 });
  });

  it('refuses connections beyond maxConnections and keeps serving the others', async () => {
    const { server, sink, tcpPort } = await start({ maxConnections: 2 });
    const first = await open(tcpPort);
    await open(tcpPort);
    await waitUntil(() => server.stats().connectionsOpen === 2, 'two open connections');
    const third = await open(tcpPort);
    await closed(third);
    first.write('<13>still served\n');
    await waitUntil(() => sink.accepted.length === 1, 'the message');
    expect(server.stats()).toMatchObject({ connectionsRejected: 1, connectionsTotal: 2 });
  });

  it('survives garbage and misbehaving peers without affecting a good one', async () => {
    const { server, sink, tcpPort } = await start({
      maxMessageBytes: 1024,
      logger: pino({ level: 'silent' }),
    });
    const noise = await open(tcpPort);
    noise.write(randomBytes(512 * 1024));
    const liar = await open(tcpPort);
    liar.write(`99999999999999999999 ${'y'.repeat(100_000)}\n0 zero\n2026-01-02 no space\n`);
    liar.end(`500 <13>frame cut short`);
    const resetter = await open(tcpPort);
    resetter.write('<13>partial');
    resetter.resetAndDestroy();

    const good = await open(tcpPort);
    good.end(Array.from({ length: 100 }, (_, i) => `<13>good ${i}\n`).join(''));
    await waitUntil(
      () => sink.accepted.filter((m) => m.text.startsWith('<13>good')).length === 100,
      'good ones',
    );
    expect(sink.accepted.filter((m) => m.text.startsWith('<13>good')).map((m) => m.text)).toEqual(
      Array.from({ length: 100 }, (_, i) => `<13>good ${i}`),
    );
    await waitUntil(() => server.stats().framingErrors >= 4, 'framing errors to be counted');
    noise.destroy();
    await waitUntil(() => server.stats().connectionsOpen === 0, 'every connection to close');
    const stats = server.stats();
    expect(stats.oversize).toBeGreaterThanOrEqual(1);
    expect(sink.accepted.every((m) => Buffer.byteLength(m.text) <= 1024 * 3)).toBe(true);
    const cut = sink.accepted.find((m) => m.text === '<13>frame cut short');
    expect(cut?.truncated).toBe('incomplete');
    // Still serving after all that.
    const after = await open(tcpPort);
    after.end('<13>after\n');
    await waitUntil(
      () => sink.accepted.some((m) => m.text === '<13>after'),
      'a message after the garbage',
    );
  });
});

describe('syslog server stop()', () => {
  it('reads what peers still send, delivers the unterminated tail, and flushes without waiting', async () => {
    const sink = createRecordingSink();
    const { server, tcpPort } = await start({ sink, batchMaxDelayMs: 60_000 });
    const client = await open(tcpPort);
    client.on('end', () => client.end()); // a well-behaved sender closes when we do
    client.write('<13>a\n<13>b\n<13>c\n<13>tail without LF');
    await waitUntil(() => server.stats().tcpMessages === 3, '3 framed messages');
    sink.hold();
    const stopping = server.stop({ drainMs: 10_000 });
    await waitUntil(() => sink.calls() >= 1, 'the flush to reach the sink');
    sink.release();
    await stopping;
    expect(texts(sink)).toEqual(['<13>a', '<13>b', '<13>c', '<13>tail without LF']);
    expect(server.stats()).toMatchObject({ lost: 0, connectionsOpen: 0 });
    await expect(open(tcpPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('counts what the sink never accepted before the deadline as lost', async () => {
    const sink = createRecordingSink();
    sink.rejectNext(Number.POSITIVE_INFINITY, new SiemError('SIEM_OVERLOADED', 'busy'));
    const { server, tcpPort } = await start({ sink });
    const client = await open(tcpPort);
    client.end('<13>1\n<13>2\n<13>3\n');
    await waitUntil(() => server.stats().tcpMessages === 3, '3 messages');
    await server.stop({ drainMs: 200 });
    expect(server.stats()).toMatchObject({ lost: 3, acceptedMessages: 0 });
  });
});

describe('syslog server over UDP', () => {
  it('takes one datagram as one message, strips a trailer and truncates oversize ones', async () => {
    const { server, sink, udpPort } = await start({ maxMessageBytes: 64 });
    await sendUdp(udpPort, [
      '<13>one\n',
      '<13>two\0',
      '<13>three\r\n',
      '\n',
      `<13>${'z'.repeat(100)}`,
    ]);
    await waitUntil(() => sink.accepted.length === 4, '4 messages');
    expect(texts(sink)).toEqual(['<13>one', '<13>two', '<13>three', `<13>${'z'.repeat(60)}`]);
    expect(sink.accepted[3]?.truncated).toBe('oversize');
    expect(sink.accepted[0]?.peer).toMatchObject({ address: '127.0.0.1', transport: 'udp' });
    expect(server.stats()).toMatchObject({ udpMessages: 4, oversize: 1, udpDropped: 0 });
  });

  it('drops and counts UDP messages while the sink is overloaded, but keeps TCP ones', async () => {
    const sink = createRecordingSink();
    sink.rejectNext(Number.POSITIVE_INFINITY, new SiemError('SIEM_OVERLOADED', 'busy'));
    const { server, udpPort, tcpPort } = await start({ sink, batchMaxDelayMs: 50 });
    const client = await open(tcpPort);
    client.write('<13>tcp one\n');
    await sendUdp(udpPort, ['<13>udp 1', '<13>udp 2', '<13>udp 3']);
    await waitUntil(() => server.stats().udpDropped === 3, 'the UDP messages to be dropped');
    sink.rejectNext(0, new Error('unused'));
    await waitUntil(() => sink.accepted.length === 1, 'the TCP message');
    expect(texts(sink)).toEqual(['<13>tcp one']);
    expect(server.stats()).toMatchObject({ udpMessages: 3, udpDropped: 3, lost: 0 });
  });
});

describe('syslog server lifecycle', () => {
  it('fails to start when its port is taken, and releases what it had bound', async () => {
    const { tcpPort } = await start();
    const clash = createSyslogServer({
      tcp: { host: '127.0.0.1', port: tcpPort },
      sink: createRecordingSink(),
      maxMessageBytes: 1024,
      idleTimeoutMs: 1000,
    });
    await expect(clash.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await clash.stop();
  });

  it('can be stopped without being started, and not restarted once stopped', async () => {
    const server = createSyslogServer({
      tcp: { host: '127.0.0.1', port: 0 },
      udp: { host: '127.0.0.1', port: 0 },
      sink: createRecordingSink(),
      maxMessageBytes: 1024,
      idleTimeoutMs: 1000,
    });
    await server.stop();
    await expect(server.start()).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

describe('syslog server options and observability', () => {
  it('rejects invalid options with CONFIG_INVALID naming each field', () => {
    const attempt = (): unknown =>
      createSyslogServer({ sink: createRecordingSink(), maxMessageBytes: 0, idleTimeoutMs: 1000 });
    expect(attempt).toThrow();
    try {
      attempt();
    } catch (error) {
      expect(isSecOpsError(error) && error.code).toBe('CONFIG_INVALID');
      expect(isSecOpsError(error) && error.issues.map((issue) => issue.path)).toEqual([
        'tcp',
        'maxMessageBytes',
      ]);
    }
  });

  it('reports every counter change to onMetric and accepts a pino logger', async () => {
    const totals = new Map<SyslogStatName, number>();
    const logger: SyslogLogger = pino({ level: 'silent' });
    const { server, sink, tcpPort, udpPort } = await start({
      logger,
      onMetric: (name, delta) => totals.set(name, (totals.get(name) ?? 0) + delta),
    });
    const client = await open(tcpPort);
    client.end('<13>a\n<13>b\n');
    await sendUdp(udpPort, ['<13>c']);
    await waitUntil(
      () => sink.accepted.length === 3 && server.stats().connectionsOpen === 0,
      'everything',
    );
    for (const [name, value] of Object.entries(server.stats())) {
      expect(totals.get(name as SyslogStatName) ?? 0, name).toBe(value);
    }
  });
});
