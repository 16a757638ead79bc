import { describe, expect, it } from 'vitest';
import { contentId, normalizeEvent } from './normalize.ts';

describe('contentId', () => {
  it('is stable across versions (re-sent batches must keep deduplicating after an upgrade)', () => {
    expect(contentId('src-1', '{"message":"hello"}', 0)).toBe('xx_Dm1pP9irh5ArOFakf');
  });

  it('differs by source, content and position inside a multi-event record', () => {
    const a = contentId('s', 'x', 0);
    expect(contentId('t', 'x', 0)).not.toBe(a);
    expect(contentId('s', 'y', 0)).not.toBe(a);
    expect(contentId('s', 'x', 1)).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });
});

describe('normalizeEvent', () => {
  const context = {
    receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    source: { id: 's1', name: 'fw', tenantId: 'acme' },
    fallbackId: () => 'derived',
  };

  it('fills the fields every stored event has', () => {
    const doc: Record<string, unknown> = { message: 'x' };
    const out = normalizeEvent(doc as never, context);
    expect(out).toEqual({ ok: true, timestamp: context.receivedAt, id: 'derived' });
    expect(doc).toMatchObject({
      '@timestamp': '2026-01-02T03:04:05.006Z',
      event: { id: 'derived', ingested: '2026-01-02T03:04:05.006Z' },
      ecs: { version: '8.17.0' },
      secops: { source: { id: 's1', name: 'fw' }, tenant: 'acme' },
    });
  });

  it('takes the source and tenant from the ingest source, never from the event', () => {
    const doc: Record<string, unknown> = {
      message: 'x',
      secops: { tenant: 'other', source: { id: 'forged', name: 'forged' }, index: 'kept' },
    };
    normalizeEvent(doc as never, context);
    expect(doc.secops).toEqual({ tenant: 'acme', source: { id: 's1', name: 'fw' }, index: 'kept' });
  });

  it('keeps the sender’s event id and accepts epoch milliseconds', () => {
    const doc: Record<string, unknown> = {
      '@timestamp': 1_767_225_600_000,
      event: { id: 'given' },
    };
    expect(normalizeEvent(doc as never, context)).toEqual({
      ok: true,
      timestamp: 1_767_225_600_000,
      id: 'given',
    });
    expect(doc['@timestamp']).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses a timestamp that is not a date, naming the field', () => {
    expect(normalizeEvent({ '@timestamp': 'yesterday' }, context)).toMatchObject({
      ok: false,
      path: '@timestamp',
    });
    expect(normalizeEvent({ '@timestamp': { a: 1 } }, context)).toMatchObject({
      ok: false,
      path: '@timestamp',
    });
  });
});
