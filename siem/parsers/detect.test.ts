import { describe, expect, it } from 'vitest';
import { SiemError } from '../errors.ts';
import { detectParser, parseRecord, parsers, toSiemError } from './index.ts';
import type { ParseResult, Parser, RawRecord } from './index.ts';
import { context, jsonRecord, lineRecord, textRecord } from './test-fixtures.ts';

const detected = (record: RawRecord) => detectParser(record).parser.id;

describe('auto detection', () => {
  it('picks each JSON format by shape', () => {
    expect(detected(jsonRecord('cloudtrail/log-file.json'))).toBe('cloudtrail');
    expect(detected(jsonRecord('cloudtrail/console-login-root.json'))).toBe('cloudtrail');
    expect(detected(jsonRecord('k8s-audit/pod-exec.json'))).toBe('k8s-audit');
    expect(detected(jsonRecord('k8s-audit/event-list.json'))).toBe('k8s-audit');
    expect(detected(jsonRecord('evtx-dump/security-4624.json'))).toBe('evtx-dump');
    expect(detected(jsonRecord('github-audit/org-audit-log.json'))).toBe('github-audit');
    expect(detected(jsonRecord('github-audit/protected-branch-destroy.json'))).toBe('github-audit');
    expect(detected(jsonRecord('winlogbeat/sysmon-1.json'))).toBe('winlogbeat');
    expect(detected(jsonRecord('winlogbeat/security-4624.json'))).toBe('winlogbeat');
    expect(detected(jsonRecord('ecs/filebeat-nginx.json'))).toBe('ecs');
    expect(detected(jsonRecord('ecs/dotted-keys.json'))).toBe('ecs');
    expect(detected(jsonRecord('json/app-log.json'))).toBe('json');
    expect(detected(jsonRecord('json/zap-log.json'))).toBe('json');
  });

  it('picks CEF, syslog or text for lines', () => {
    expect(detected(lineRecord('cef/spec.json', 'spec-equals'))).toBe('cef');
    expect(detected(lineRecord('cef/spec.json', 'full-mapping'))).toBe('syslog');
    expect(detected(lineRecord('syslog/rfc5424.json', 'rfc5424-6.5-example-1'))).toBe('syslog');
    expect(detected(lineRecord('syslog/rfc3164.json', 'octet-counted'))).toBe('syslog');
    expect(detected(lineRecord('text/lines.json', 'plain'))).toBe('text');
  });

  it('treats JSON lines as JSON and JSON strings as lines', () => {
    expect(detected(textRecord('evtx-dump/sysmon-1.jsonl'))).toBe('evtx-dump');
    expect(
      detected({
        kind: 'text',
        text: '\ufeff{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"X"}',
      }),
    ).toBe('cloudtrail');
    expect(detected({ kind: 'text', text: '{not json' })).toBe('text');
    expect(detected({ kind: 'json', value: 'CEF:0|a|b|c|d|e|f|' })).toBe('cef');
    expect(detected({ kind: 'text', text: '\ufeffCEF:0|a|b|c|d|e|f|' })).toBe('cef');
  });
});

describe('parseRecord', () => {
  it('parses syslog-wrapped CEF as CEF under auto, keeping the header', () => {
    const result = parseRecord(lineRecord('cef/spec.json', 'spec-basic'), 'auto', context);
    expect(result.ok && result.parser).toBe('cef');
  });

  it('uses the named parser when one is given', () => {
    const result = parseRecord(jsonRecord('cloudtrail/console-login-root.json'), 'json', context);
    expect(result.ok && result.parser).toBe('json');
    const text = parseRecord({ kind: 'text', text: 'CEF:0|a|b|c|d|e|f|' }, 'text', context);
    expect(text.ok && text.events[0]?.message).toBe('CEF:0|a|b|c|d|e|f|');
  });

  it('reports failures of the detected parser', () => {
    const result = parseRecord(jsonRecord('cloudtrail/bad-time.json'), 'auto', context);
    expect(result).toEqual({
      ok: false,
      error: {
        parser: 'cloudtrail',
        message: 'Records[3].eventTime: not a valid timestamp',
        path: 'Records[3].eventTime',
      },
    });
  });

  it('returns an exception thrown inside a parser as a failure', () => {
    const throwing: Parser = {
      id: 'json',
      detect: () => true,
      parse: (): ParseResult => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const original = parsers.json;
    (parsers as Record<string, Parser>).json = throwing;
    try {
      expect(parseRecord({ kind: 'json', value: {} }, 'json', context)).toEqual({
        ok: false,
        error: {
          parser: 'json',
          message: 'internal parser error (Maximum call stack size exceeded)',
        },
      });
    } finally {
      (parsers as Record<string, Parser>).json = original;
    }
  });

  it('survives deeply nested JSON', () => {
    let value: unknown = {};
    for (let i = 0; i < 20_000; i++) value = { 'a.b': value };
    const result = parseRecord(
      { kind: 'json', value: { '@timestamp': 0, deep: value } as never },
      'ecs',
      context,
    );
    expect(typeof result.ok).toBe('boolean');
  });

  it('has every JSON parser name unreadable JSON and values that are not objects', () => {
    for (const id of [
      'ecs',
      'cloudtrail',
      'k8s-audit',
      'winlogbeat',
      'evtx-dump',
      'github-audit',
      'json',
    ] as const) {
      const invalid = parseRecord({ kind: 'text', text: '{"a": ' }, id, context);
      expect(invalid.ok || invalid.error.message, id).toMatch(/^not valid JSON \(.+\)$/);
      const scalar = parseRecord({ kind: 'json', value: true }, id, context);
      expect(scalar.ok || scalar.error.message, id).toMatch(
        /expected a JSON object, got a boolean$/,
      );
    }
  });

  it('registers every parser under its id', () => {
    for (const [id, parser] of Object.entries(parsers)) expect(parser.id).toBe(id);
  });
});

describe('toSiemError', () => {
  it('turns a failure into a SIEM_PARSE_FAILED error with the path as an issue', () => {
    const error = toSiemError({
      parser: 'cloudtrail',
      message: 'Records[3].eventTime: not a valid timestamp',
      path: 'Records[3].eventTime',
    });
    expect(error).toBeInstanceOf(SiemError);
    expect(error.code).toBe('SIEM_PARSE_FAILED');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ parser: 'cloudtrail', path: 'Records[3].eventTime' });
    expect(error.issues).toEqual([
      { path: 'Records[3].eventTime', message: 'Records[3].eventTime: not a valid timestamp' },
    ]);
  });
});
