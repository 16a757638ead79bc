import { describe, expect, it } from 'vitest';
import { syslogParser } from './syslog.ts';
import {
  context,
  field,
  fieldText,
  lineFixtures,
  lineRecord,
  parseError,
  parseOne,
} from './test-fixtures.ts';

const rfc5424 = (name: string) => parseOne(syslogParser, lineRecord('syslog/rfc5424.json', name));
const rfc3164 = (name: string) => parseOne(syslogParser, lineRecord('syslog/rfc3164.json', name));

describe('syslog parser: RFC 5424', () => {
  it('maps the §6.5 example 1 header, strips the BOM before MSG', () => {
    const doc = rfc5424('rfc5424-6.5-example-1');
    expect(doc['@timestamp']).toBe('2003-10-11T22:14:15.003Z');
    expect(field(doc, 'log.syslog')).toEqual({
      priority: 34,
      facility: { code: 4, name: 'auth' },
      severity: { code: 2, name: 'critical' },
      hostname: 'mymachine.example.com',
      appname: 'su',
      msgid: 'ID47',
      version: '1',
    });
    expect(field(doc, 'log.level')).toBe('critical');
    expect(field(doc, 'host.hostname')).toBe('mymachine.example.com');
    expect(field(doc, 'process.name')).toBe('su');
    expect(doc.message).toBe("'su root' failed for lonvick on /dev/pts/8");
    expect(field(doc, 'event.module')).toBe('syslog');
    expect(field(doc, 'event.dataset')).toBe('syslog');
    expect(field(doc, 'event.kind')).toBe('event');
    expect(field(doc, 'ecs.version')).toBe('8.17.0');
    expect(field(doc, 'event.original')).toBeUndefined();
  });

  it('converts offsets to UTC and keeps sub-millisecond digits in secops.timestamp_nanos', () => {
    const doc = rfc5424('rfc5424-6.5-example-2');
    expect(doc['@timestamp']).toBe('2003-08-24T12:14:15.000Z');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2003-08-24T12:14:15.000003Z');
    expect(field(doc, 'process.pid')).toBe(8710);
    expect(field(doc, 'log.syslog.procid')).toBe('8710');
    expect(field(doc, 'log.syslog.msgid')).toBeUndefined();
    expect(field(doc, 'log.syslog.facility.name')).toBe('local4');
    expect(field(doc, 'log.syslog.severity.name')).toBe('notice');
  });

  it('parses structured data and the message after it', () => {
    const doc = rfc5424('rfc5424-6.5-example-3');
    expect(field(doc, 'log.syslog.structured_data')).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    });
    expect(doc.message).toBe('An application event log entry...');
  });

  it('parses several SD-ELEMENTs with no message', () => {
    const doc = rfc5424('rfc5424-6.5-example-4');
    expect(field(doc, 'log.syslog.structured_data.examplePriority@32473')).toEqual({
      class: 'high',
    });
    expect(doc.message).toBeUndefined();
  });

  it('unescapes \\" \\\\ \\] in SD values, keeps other backslashes, collects repeated params, drops CRLF', () => {
    const doc = rfc5424('rfc5424-sd-escapes');
    expect(field(doc, 'log.syslog.structured_data.meta@32473')).toEqual({
      path: 'C:\\Temp]x',
      quote: 'say "hi"',
      raw: 'a\\xb',
      tag: ['one', 'two'],
    });
    expect(field(doc, 'log.syslog.structured_data.origin.ip')).toBe('192.0.2.44');
    expect(doc.message).toBe('Accepted publickey for ops from 192.0.2.44 port 50022 ssh2');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2024-03-05T08:09:10.123456Z');
  });

  it('treats NILVALUE as absent and uses the receive time', () => {
    const doc = rfc5424('rfc5424-all-nil');
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'log.syslog.hostname')).toBeUndefined();
    expect(field(doc, 'process')).toBeUndefined();
    expect(doc.message).toBe('hello from nowhere');
  });

  it('keeps a line with unreadable structured data, whole, in event.original', () => {
    const line = lineRecord('syslog/rfc5424.json', 'rfc5424-bad-structured-data');
    const doc = parseOne(syslogParser, line);
    expect(doc.message).toBe('[broken key="value] tail');
    expect(field(doc, 'event.original')).toBe(line.kind === 'text' ? line.text : '');
    expect(fieldText(doc, 'error.message.0')).toMatch(
      /STRUCTURED-DATA at offset \d+: unterminated value of broken.key/,
    );
  });

  it('keeps a line with an unreadable timestamp, using the receive time', () => {
    const doc = rfc5424('rfc5424-bad-timestamp');
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'error.message')).toEqual([
      'TIMESTAMP "2024-13-45T99:00:00Z" is not an RFC 3339 time',
    ]);
    expect(doc.message).toBe('clock is wrong');
  });

  it('keeps non-ASCII host names and messages', () => {
    const doc = rfc5424('rsyslog-protocol23-unicode');
    expect(field(doc, 'host.hostname')).toBe('münchen-01');
    expect(doc.message).toBe('Gestartet: Überwachungsdienst ✓');
    expect(doc['@timestamp']).toBe('2024-06-01T10:00:00.000Z');
  });
});

describe('syslog parser: RFC 3164 and what devices send', () => {
  it('maps the §5.4 example 1, inferring the year from the receive time', () => {
    const doc = rfc3164('rfc3164-5.4-example-1');
    expect(doc['@timestamp']).toBe('2023-10-11T22:14:15.000Z');
    expect(field(doc, 'log.syslog.hostname')).toBe('mymachine');
    expect(field(doc, 'log.syslog.appname')).toBe('su');
    expect(field(doc, 'log.syslog.version')).toBeUndefined();
    expect(doc.message).toBe("'su root' failed for lonvick on /dev/pts/8");
  });

  it('reads a host without a tag (§5.4 example 2)', () => {
    const doc = rfc3164('rfc3164-5.4-example-2');
    expect(field(doc, 'host.hostname')).toBe('10.0.0.99');
    expect(field(doc, 'process.name')).toBeUndefined();
    expect(doc.message).toBe('Use the BFG!');
  });

  it('reads a zone and a year after the time (§5.4 example 3)', () => {
    const doc = rfc3164('rfc3164-5.4-example-3');
    expect(doc['@timestamp']).toBe('1987-08-24T11:34:00.000Z');
    expect(field(doc, 'process.pid')).toBe(10);
    expect(field(doc, 'process.name')).toBe('myproc');
    expect(fieldText(doc, 'message')).toMatch(/^%% It's time to make the do-nuts\./);
  });

  it('keeps everything after PRI as the message when the time is not recognised (§5.4 example 4)', () => {
    const doc = rfc3164('rfc3164-5.4-example-4');
    expect(doc.message).toBe(
      "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
    );
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'log.syslog.severity.name')).toBe('emergency');
  });

  it('reads rsyslog forward and file formats with RFC 3339 times, without PRI and with CRLF', () => {
    const forward = rfc3164('rsyslog-forward');
    expect(forward['@timestamp']).toBe('2024-01-02T02:04:05.123Z');
    expect(field(forward, 'process.name')).toBe('systemd');
    expect(field(forward, 'process.pid')).toBe(1);
    const file = rfc3164('rsyslog-file-format-crlf');
    expect(field(file, 'log.syslog.priority')).toBeUndefined();
    expect(field(file, 'log.level')).toBeUndefined();
    expect(field(file, 'process.name')).toBe('CRON');
    expect(file.message).toBe('(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)');
    const traditional = rfc3164('rsyslog-traditional-forward');
    expect(traditional['@timestamp']).toBe('2024-01-02T03:04:05.000Z');
    expect(field(traditional, 'process.pid')).toBe(2101);
  });

  it('puts a December time received in January in the previous year', () => {
    expect(rfc3164('year-rollover')['@timestamp']).toBe('2023-12-31T23:59:59.000Z');
    expect(rfc3164('rsyslog-traditional-file')['@timestamp']).toBe('2023-12-31T23:59:58.000Z');
  });

  it('puts a January time received on 31 December in the next year', () => {
    const ctx = { receivedAt: Date.UTC(2024, 11, 31, 23, 59, 0) };
    const doc = parseOne(
      syslogParser,
      { kind: 'text', text: '<14>Jan  1 00:00:05 host app: early' },
      ctx,
    );
    expect(doc['@timestamp']).toBe('2025-01-01T00:00:05.000Z');
  });

  it('uses a pinned default year that differs from the receive year (replaying old files)', () => {
    const ctx = { receivedAt: Date.UTC(2024, 5, 1), defaultYear: 2019 };
    const doc = parseOne(
      syslogParser,
      { kind: 'text', text: '<14>Dec 24 10:00:00 host app: old' },
      ctx,
    );
    expect(doc['@timestamp']).toBe('2019-12-24T10:00:00.000Z');
  });

  it('reads a line without a host name', () => {
    const doc = rfc3164('no-hostname');
    expect(field(doc, 'host')).toBeUndefined();
    expect(field(doc, 'process.name')).toBe('dhclient');
    expect(field(doc, 'process.pid')).toBe(812);
  });

  it('reads Cisco IOS sequence numbers, clock marks, zones and origin ids', () => {
    const ios = rfc3164('cisco-ios');
    expect(field(ios, 'event.sequence')).toBe(123);
    expect(ios['@timestamp']).toBe('2023-03-01T00:03:38.123Z');
    expect(field(ios, 'host')).toBeUndefined();
    expect(ios.message).toBe('%SYS-5-CONFIG_I: Configured from console by vty0 (10.1.1.1)');
    const origin = rfc3164('cisco-ios-origin-id');
    expect(field(origin, 'host.hostname')).toBe('router1');
    expect(origin.message).toBe('%SYS-5-CONFIG_I: Configured from console by vty0');
  });

  it('reads a year inside the BSD time (Cisco ASA)', () => {
    const doc = rfc3164('cisco-asa');
    expect(doc['@timestamp']).toBe('2024-01-02T10:00:00.000Z');
    expect(fieldText(doc, 'message')).toMatch(/^%ASA-6-302013: Built inbound TCP connection/);
  });

  it('strips octet-count framing and a leading BOM', () => {
    expect(rfc3164('octet-counted').message).toBe('framed message');
    expect(rfc3164('bom-start').message).toBe('after a byte-order mark');
  });

  it('keeps PRI-only lines whole as the message', () => {
    const doc = rfc3164('pri-only');
    expect(doc.message).toBe(
      'date=2024-01-02 time=03:04:05 devname=fw01 logid=0000000013 type=traffic action=accept',
    );
    expect(field(doc, 'log.syslog.facility.name')).toBe('local7');
  });

  it('copies the peer into log.source.address and related.ip', () => {
    const doc = rfc3164('rfc3164-5.4-example-1');
    expect(field(doc, 'log.source.address')).toBe('192.0.2.10:51514');
    expect(field(doc, 'related.ip')).toEqual(['192.0.2.10']);
    const v6 = parseOne(syslogParser, lineRecord('syslog/rfc3164.json', 'rfc3164-5.4-example-1'), {
      receivedAt: context.receivedAt,
      peer: { address: '2001:db8::1', port: 514 },
    });
    expect(field(v6, 'log.source.address')).toBe('[2001:db8::1]:514');
    const noPort = parseOne(syslogParser, lineRecord('syslog/rfc3164.json', 'no-hostname'), {
      receivedAt: context.receivedAt,
      peer: { address: 'relay.example' },
    });
    expect(field(noPort, 'log.source.address')).toBe('relay.example');
    expect(field(noPort, 'related')).toBeUndefined();
  });

  it('hands a CEF payload to the CEF parser, keeping the syslog header', () => {
    const result = syslogParser.parse(lineRecord('cef/spec.json', 'full-mapping'), context);
    expect(result.ok && result.parser).toBe('cef');
    if (!result.ok) return;
    const doc = result.events[0];
    expect(field(doc, 'log.syslog.hostname')).toBe('fw01.example.com');
    expect(field(doc, 'log.syslog.priority')).toBe(134);
    expect(field(doc, 'observer.vendor')).toBe('ExampleCorp');
    expect(field(doc, 'event.module')).toBe('cef');
  });
});

describe('syslog parser: detection and errors', () => {
  it('detects syslog shapes and nothing else', () => {
    for (const file of ['syslog/rfc5424.json', 'syslog/rfc3164.json']) {
      for (const fixture of lineFixtures(file)) {
        if (
          fixture.name === 'bom-start' ||
          fixture.name === 'rsyslog-file-format-crlf' ||
          fixture.name === 'rsyslog-traditional-file'
        )
          continue;
        expect(syslogParser.detect({ kind: 'text', text: fixture.line }), fixture.name).toBe(true);
      }
    }
    expect(syslogParser.detect({ kind: 'text', text: 'Dec 31 23:59:58 web01 kernel: x' })).toBe(
      true,
    );
    expect(syslogParser.detect({ kind: 'text', text: '2024-01-02T03:04:05Z host app: x' })).toBe(
      true,
    );
    expect(syslogParser.detect({ kind: 'text', text: 'hello world' })).toBe(false);
    expect(syslogParser.detect({ kind: 'text', text: '<html>' })).toBe(false);
    expect(syslogParser.detect({ kind: 'json', value: { a: 1 } })).toBe(false);
  });

  it.each(lineFixtures('syslog/invalid.json'))(
    'rejects $name naming the position',
    ({ line, path }) => {
      const error = parseError(syslogParser, { kind: 'text', text: line });
      expect(error.parser).toBe('syslog');
      expect(error.path).toBe(path);
      expect(error.message.startsWith(`${path ?? ''}: PRI`)).toBe(true);
    },
  );

  it('rejects empty lines and non-text records', () => {
    expect(parseError(syslogParser, { kind: 'text', text: '\r\n' }).message).toBe('empty record');
    expect(parseError(syslogParser, { kind: 'json', value: { a: 1 } }).message).toBe(
      'expected a text record',
    );
  });

  it('accepts a JSON string record as a line', () => {
    const doc = parseOne(syslogParser, {
      kind: 'json',
      value: '<14>Jan  2 03:04:05 host app: from json',
    });
    expect(doc.message).toBe('from json');
  });
});
