import { describe, expect, it } from 'vitest';
import { k8sAuditParser } from './k8s-audit.ts';
import { field, jsonRecord, parseError, parseOk, parseOne } from './test-fixtures.ts';

describe('k8s-audit parser', () => {
  it('gives each stage of one request its own event id, keeping the raw auditID', () => {
    const events = parseOk(k8sAuditParser, jsonRecord('k8s-audit/event-list.json'));
    const ids = events.map((e) => field(e, 'event.id'));
    expect(new Set(ids).size).toBe(events.length);
    expect(field(events[0], 'kubernetes.audit.auditID')).toBe(
      field(events[1], 'kubernetes.audit.auditID'),
    );
  });

  it('makes a pods/exec create recognisable and maps it to ECS', () => {
    const doc = parseOne(k8sAuditParser, jsonRecord('k8s-audit/pod-exec.json'));
    expect(field(doc, 'event.action')).toBe('create');
    expect(field(doc, 'kubernetes.audit.objectRef')).toEqual({
      resource: 'pods',
      namespace: 'payments',
      name: 'api-7d9f8c6b5-x2x9k',
      apiVersion: 'v1',
      subresource: 'exec',
    });
    expect(doc['@timestamp']).toBe('2024-03-05T10:20:30.123Z');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2024-03-05T10:20:30.123456Z');
    expect(field(doc, 'event')).toEqual({
      kind: 'event',
      module: 'kubernetes',
      dataset: 'kubernetes.audit',
      action: 'create',
      id: '8c5a1f40-6bd5-4f7e-9bd8-0d0b6b3f2a11-ResponseComplete',
      outcome: 'success',
      start: '2024-03-05T10:20:30.123Z',
      end: '2024-03-05T10:20:42.654Z',
    });
    expect(field(doc, 'user.name')).toBe('mallory@example.com');
    expect(field(doc, 'source')).toEqual({ ip: '198.51.100.17', address: '198.51.100.17' });
    expect(field(doc, 'related.ip')).toEqual(['198.51.100.17', '10.0.0.2']);
    expect(field(doc, 'user_agent.original')).toBe(
      'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
    );
    expect(field(doc, 'url')).toEqual({
      original:
        '/api/v1/namespaces/payments/pods/api-7d9f8c6b5-x2x9k/exec?command=sh&container=api&stdin=true&stdout=true&tty=true',
      path: '/api/v1/namespaces/payments/pods/api-7d9f8c6b5-x2x9k/exec',
      query: 'command=sh&container=api&stdin=true&stdout=true&tty=true',
    });
    expect(field(doc, 'http.response.status_code')).toBe(101);
    expect(field(doc, 'orchestrator')).toEqual({
      type: 'kubernetes',
      namespace: 'payments',
      api_version: 'v1',
      resource: { type: 'pods', name: 'api-7d9f8c6b5-x2x9k' },
    });
    expect(field(doc, 'kubernetes.audit.stage')).toBe('ResponseComplete');
    expect(field(doc, 'kubernetes.audit.user.groups')).toEqual([
      'system:authenticated',
      'oidc:developers',
    ]);
    expect(field(doc, 'kubernetes.audit.annotations')).toEqual({
      'authorization_k8s_io/decision': 'allow',
      'authorization_k8s_io/reason':
        'RBAC: allowed by ClusterRoleBinding "developers-exec" of ClusterRole "pod-exec" to Group "oidc:developers"',
    });
    expect(field(doc, 'kubernetes.audit.requestReceivedTimestamp')).toBe(
      '2024-03-05T10:20:30.123456Z',
    );
  });

  it('yields one event per item of an EventList', () => {
    const events = parseOk(k8sAuditParser, jsonRecord('k8s-audit/event-list.json'));
    expect(events).toHaveLength(3);
    const [received, forbidden, binding] = events;
    expect(field(received, 'kubernetes.audit.stage')).toBe('RequestReceived');
    expect(field(received, 'event.outcome')).toBeUndefined();
    expect(field(received, 'event.end')).toBeUndefined();
    expect(field(received, 'user.id')).toBe('5b7a6c0e-11aa-4b1e-9f0a-1a2b3c4d5e6f');
    expect(field(forbidden, 'event.outcome')).toBe('failure');
    expect(field(forbidden, 'http.response.status_code')).toBe(403);
    expect(field(forbidden, 'kubernetes.audit.responseStatus.reason')).toBe('Forbidden');
    // Both stages of one request share @timestamp (the time the request was received).
    expect(received?.['@timestamp']).toBe(forbidden?.['@timestamp']);
    expect(field(binding, 'user.effective.name')).toBe('system:serviceaccount:ops:deployer');
    expect(field(binding, 'related.user')).toEqual([
      'kubernetes-admin',
      'system:serviceaccount:ops:deployer',
    ]);
    expect(field(binding, 'orchestrator.api_version')).toBe('rbac.authorization.k8s.io/v1');
    expect(field(binding, 'orchestrator.namespace')).toBeUndefined();
    expect(field(binding, 'kubernetes.audit.requestObject.roleRef.name')).toBe('cluster-admin');
    expect(field(binding, 'kubernetes.audit.requestObject.metadata.creationTimestamp')).toBeNull();
  });

  it('detects audit events and lists only', () => {
    expect(k8sAuditParser.detect(jsonRecord('k8s-audit/pod-exec.json'))).toBe(true);
    expect(k8sAuditParser.detect(jsonRecord('k8s-audit/event-list.json'))).toBe(true);
    expect(
      k8sAuditParser.detect({ kind: 'json', value: { apiVersion: 'v1', kind: 'Event' } }),
    ).toBe(false);
    expect(
      k8sAuditParser.detect({
        kind: 'json',
        value: { apiVersion: 'audit.k8s.io/v1', kind: 'Policy' },
      }),
    ).toBe(false);
  });

  it('names the item and field of an invalid time', () => {
    const error = parseError(k8sAuditParser, {
      kind: 'json',
      value: {
        kind: 'EventList',
        apiVersion: 'audit.k8s.io/v1',
        items: [{ verb: 'get' }, { verb: 'get', stageTimestamp: 'soon' }],
      },
    });
    expect(error.message).toBe('items[1].stageTimestamp: not a valid timestamp');
    expect(error.path).toBe('items[1].stageTimestamp');
    const single = parseError(k8sAuditParser, {
      kind: 'json',
      value: { kind: 'Event', requestReceivedTimestamp: 5 },
    });
    expect(single.path).toBe('requestReceivedTimestamp');
  });

  it('rejects malformed lists and non-objects', () => {
    expect(
      parseError(k8sAuditParser, { kind: 'json', value: { kind: 'EventList', items: 'x' } })
        .message,
    ).toBe('items: expected an array, got a string');
    expect(
      parseError(k8sAuditParser, { kind: 'json', value: { kind: 'EventList', items: [null] } })
        .message,
    ).toBe('items[0]: expected an object, got null');
    expect(parseError(k8sAuditParser, { kind: 'json', value: 'Event' }).message).toBe(
      'expected a JSON object, got a string',
    );
  });

  it('uses the receive time for an event without times', () => {
    const doc = parseOne(k8sAuditParser, {
      kind: 'json',
      value: { kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb: 'list' },
    });
    expect(doc['@timestamp']).toBe('2024-01-03T12:00:00.000Z');
    expect(field(doc, 'orchestrator')).toEqual({ type: 'kubernetes' });
  });
});
