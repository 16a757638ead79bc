import { describe, expect, it } from 'vitest';
import { cefParser, parseCefTime } from './cef.ts';
import { context, field, lineFixtures, lineRecord, parseError, parseOne } from './test-fixtures.ts';

const cef = (name: string) => parseOne(cefParser, lineRecord('cef/spec.json', name));

describe('cef parser', () => {
  it('maps the spec example behind a syslog header: header, syslog fields and ECS', () => {
    const doc = cef('spec-basic');
    expect(field(doc, 'cef')).toEqual({
      version: '0',
      device: {
        vendor: 'Security',
        product: 'threatmanager',
        version: '1.0',
        event_class_id: '100',
      },
      name: 'worm successfully stopped',
      severity: '10',
      extensions: { sourceAddress: '10.0.0.1', destinationAddress: '2.1.2.2', sourcePort: '1232' },
    });
    expect(field(doc, 'observer')).toEqual({
      vendor: 'Security',
      product: 'threatmanager',
      version: '1.0',
    });
    expect(field(doc, 'event.code')).toBe('100');
    expect(field(doc, 'event.severity')).toBe(10);
    expect(field(doc, 'event.module')).toBe('cef');
    expect(field(doc, 'event.dataset')).toBe('cef');
    expect(field(doc, 'source')).toEqual({ ip: '10.0.0.1', port: 1232 });
    expect(field(doc, 'destination.ip')).toBe('2.1.2.2');
    expect(doc.message).toBe('worm successfully stopped');
    expect(field(doc, 'log.syslog.hostname')).toBe('host');
    expect(field(doc, 'host.hostname')).toBe('host');
    expect(doc['@timestamp']).toBe('2023-09-19T08:26:10.000Z');
    expect(field(doc, 'related.ip')).toEqual(['10.0.0.1', '2.1.2.2']);
  });

  it('unescapes \\| in the header and keeps bare pipes in extension values', () => {
    const doc = cef('spec-pipe-in-header');
    expect(field(doc, 'cef.name')).toBe('detected a | in message');
    expect(field(doc, 'event.action')).toBe('blocked a |');
    expect(field(doc, 'destination.ip')).toBe('1.1.1.1');
  });

  it('unescapes backslashes in header and extension', () => {
    const doc = cef('spec-backslash');
    expect(field(doc, 'cef.name')).toBe('detected a \\ in packet');
    expect(field(doc, 'event.action')).toBe('blocked a \\');
  });

  it('unescapes \\= and does not split on it', () => {
    const doc = cef('spec-equals');
    expect(field(doc, 'event.action')).toBe('blocked a =');
    expect(field(doc, 'destination.ip')).toBe('1.1.1.1');
  });

  it('unescapes \\n and \\r; msg becomes the message', () => {
    expect(cef('spec-multiline').message).toBe('Detected a threat.\n No action needed.\r');
  });

  it('maps the standard keys to ECS as Elastic does', () => {
    const doc = cef('full-mapping');
    expect(doc['@timestamp']).toBe('2024-01-03T10:59:58.123Z');
    expect(field(doc, 'event.start')).toBe('2024-01-03T10:59:50.000Z');
    expect(field(doc, 'event.end')).toBe('2024-01-03T10:59:59.000Z');
    expect(field(doc, 'event.severity')).toBe(7);
    expect(field(doc, 'event.action')).toBe('blocked');
    expect(field(doc, 'event.outcome')).toBe('failure');
    expect(field(doc, 'event.code')).toBe('threat:1000');
    expect(field(doc, 'source')).toEqual({
      ip: '192.0.2.10',
      port: 51515,
      bytes: 1024,
      domain: 'laptop-17',
      mac: '00-0C-29-EB-35-DE',
      user: { name: 'alice' },
      geo: { location: { lat: 52.52, lon: 13.4 } },
    });
    expect(field(doc, 'destination')).toEqual({
      ip: '203.0.113.80',
      port: 443,
      bytes: 4096,
      domain: 'evil.example',
      mac: '00-50-56-F5-7F-47',
      user: { name: 'svc-web' },
    });
    expect(field(doc, 'network')).toEqual({
      transport: 'tcp',
      protocol: 'https',
      direction: 'outbound',
    });
    expect(field(doc, 'observer')).toMatchObject({
      ip: '192.0.2.1',
      hostname: 'fw01',
      name: 'FW-SN-0042',
      product: 'NGFW',
    });
    expect(field(doc, 'process.pid')).toBe(911);
    expect(field(doc, 'url.original')).toBe('https://evil.example/c2?id=7');
    expect(field(doc, 'http.request.method')).toBe('POST');
    expect(field(doc, 'user_agent.original')).toBe('curl/8.4.0');
    expect(field(doc, 'file')).toEqual({
      name: 'payload.bin',
      path: '/tmp/payload.bin',
      size: 2048,
    });
    expect(field(doc, 'labels')).toEqual({
      policy_name: 'Outbound Block',
      threat_category: 'Malware',
      risk_score: '98',
    });
    expect(doc.message).toBe('Connection to a known command and control host');
    expect(field(doc, 'related.user')).toEqual(['alice', 'svc-web']);
    expect(field(doc, 'related.hosts')).toEqual(['laptop-17', 'evil.example', 'fw01']);
    // Raw values stay under cef.extensions with their full names.
    expect(field(doc, 'cef.extensions.deviceCustomString1')).toBe('Outbound Block');
    expect(field(doc, 'cef.extensions.deviceCustomString1Label')).toBe('Policy Name');
    expect(field(doc, 'cef.extensions.deviceReceiptTime')).toBe('Jan 03 2024 10:59:58.123 UTC');
    expect(field(doc, 'cef.extensions.requestUrl')).toBe('https://evil.example/c2?id=7');
    expect(field(doc, 'error')).toBeUndefined();
  });

  it('keeps an unescaped = inside a value that is not preceded by a space', () => {
    const doc = cef('unescaped-equals-in-url');
    expect(field(doc, 'url.original')).toBe(
      'http://vpx.example.net/FFC/login_post.html?abc=def&x=1',
    );
    expect(field(doc, 'cef.extensions.method')).toBe('GET');
    expect(field(doc, 'event.action')).toBe('not blocked');
  });

  it('keeps vendor keys, values with spaces and pipes, and Windows paths', () => {
    const doc = cef('vendor-keys-and-spaces');
    expect(field(doc, 'cef.extensions.deviceCustomString6')).toBe(
      'ContainerImageName | ContainerName | ContainerID',
    );
    expect(field(doc, 'file.path')).toBe('C:\\Users\\trend\\Desktop\\eicar.exe');
    expect(field(doc, 'cef.extensions.TrendMicroDsFileSHA1')).toBe(
      '3395856CE81F2B7382DEE72602F798B642F14140',
    );
    expect(field(doc, 'cef.extensions')).toMatchObject({
      'ad.Error_,Code': '3221225578',
      'ad.field[0]': 'field0',
    });
    expect(field(doc, 'labels')).toEqual({
      host_id: '1',
      container: 'ContainerImageName | ContainerName | ContainerID',
    });
    expect(field(doc, 'observer.hostname')).toBe('hostname');
  });

  it('keeps values that do not fit their ECS type raw and lists them in error.message', () => {
    const line = lineRecord('cef/spec.json', 'bad-values');
    const doc = parseOne(cefParser, line);
    expect(field(doc, 'cef.extensions')).toEqual({
      sourceAddress: 'not-an-ip',
      sourcePort: '99999',
      deviceReceiptTime: 'yesterday',
      sourceMacAddress: 'zz:zz',
      bytesIn: 'lots',
    });
    expect(field(doc, 'source')).toBeUndefined();
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'event.severity')).toBe(9);
    expect(field(doc, 'error.message')).toEqual([
      'cef.extensions.sourceAddress: "not-an-ip" is not a valid ip',
      'cef.extensions.sourcePort: "99999" is not a valid port',
      'cef.extensions.deviceReceiptTime: "yesterday" is not a valid time',
      'cef.extensions.sourceMacAddress: "zz:zz" is not a valid mac',
      'cef.extensions.bytesIn: "lots" is not a valid integer',
    ]);
    expect(field(doc, 'event.original')).toBe(line.kind === 'text' ? line.text : '');
  });

  it('accepts a header without the trailing pipe', () => {
    const doc = cef('no-trailing-pipe');
    expect(field(doc, 'cef.severity')).toBe('Low');
    expect(field(doc, 'event.severity')).toBe(0);
    expect(field(doc, 'cef.extensions')).toBeUndefined();
  });

  it('keeps non-ASCII values and drops the CRLF', () => {
    const doc = cef('unicode-and-crlf');
    expect(field(doc, 'source.user.name')).toBe('jürgen');
    expect(doc.message).toBe('Kennwort ungültig für Benutzer jürgen ✗');
    expect(field(doc, 'event.outcome')).toBe('failure');
  });

  it('records duplicate keys as an array and maps the last one', () => {
    const doc = parseOne(cefParser, {
      kind: 'text',
      text: 'CEF:0|V|P|1|1|N|1|src=192.0.2.1 src=192.0.2.2',
    });
    expect(field(doc, 'cef.extensions.sourceAddress')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(field(doc, 'source.ip')).toBe('192.0.2.2');
  });

  it('keeps extension text that is not a key=value pair in event.original', () => {
    const doc = parseOne(cefParser, {
      kind: 'text',
      text: 'CEF:0|V|P|1|1|N|1|stray words src=192.0.2.1',
    });
    expect(field(doc, 'source.ip')).toBe('192.0.2.1');
    expect(field(doc, 'error.message')).toEqual([
      'extension text before the first key at offset 18 is not a key=value pair',
    ]);
    expect(field(doc, 'event.original')).toBe('CEF:0|V|P|1|1|N|1|stray words src=192.0.2.1');
  });

  it('reads the CEF time formats', () => {
    expect(parseCefTime('1704279590000', context)?.iso).toBe('2024-01-03T10:59:50.000Z');
    expect(parseCefTime('Jan 03 2024 10:59:58', context)?.iso).toBe('2024-01-03T10:59:58.000Z');
    expect(parseCefTime('Jan 03 2024 10:59:58.5 GMT+01:00', context)?.iso).toBe(
      '2024-01-03T09:59:58.500Z',
    );
    expect(parseCefTime('Dec 30 10:00:00 EST', context)?.iso).toBe('2023-12-30T15:00:00.000Z');
    expect(parseCefTime('2024-01-03T10:59:58+02:00', context)?.iso).toBe(
      '2024-01-03T08:59:58.000Z',
    );
    expect(parseCefTime('Jan 03 2024 10:59:58 Mars/Olympus', context)).toBeUndefined();
  });

  it('detects only lines starting with CEF:', () => {
    expect(cefParser.detect({ kind: 'text', text: 'CEF:0|a|b|c|d|e|f|' })).toBe(true);
    expect(
      cefParser.detect({ kind: 'text', text: '<134>Jan  3 11:00:00 fw CEF:0|a|b|c|d|e|f|' }),
    ).toBe(false);
    expect(cefParser.detect({ kind: 'json', value: { CEF: 1 } })).toBe(false);
  });

  it.each(lineFixtures('cef/invalid.json'))('rejects $name', ({ line, path }) => {
    const error = parseError(cefParser, { kind: 'text', text: line });
    expect(error.parser).toBe('cef');
    expect(error.path).toBe(path);
  });

  it('names the problem in the message', () => {
    expect(
      parseError(cefParser, { kind: 'text', text: 'CEF:0|Vendor|Product|1.0|100' }).message,
    ).toBe('offset 28: header has 5 of the 7 "|"-separated fields');
    expect(parseError(cefParser, { kind: 'text', text: 'CEF:x|V|P|1|1|N|1|' }).message).toBe(
      'offset 4: version "x" is not a number',
    );
    expect(parseError(cefParser, { kind: 'json', value: 3 }).message).toBe(
      'expected a text record',
    );
    expect(parseError(cefParser, { kind: 'text', text: '<999>x' }).path).toBe('offset 1');
  });
});
