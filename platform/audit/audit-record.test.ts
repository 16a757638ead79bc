import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  isRecordDocument,
  parseAuditEntry,
  toRecordDocument,
} from './audit-record.ts';
import type { AuditEntry } from './audit-record.ts';

const base: AuditEntry = {
  actor: { id: 'u1', kind: 'user' },
  tenantId: 't1',
  action: 'rbac.role.create',
  resource: { type: 'role', id: 'admin' },
  outcome: 'success',
};
const key = Buffer.alloc(32, 1);

describe('audit records', () => {
  it('builds a document: fields as given, seq and ISO time added, sensitive values HMACed', () => {
    const doc = toRecordDocument(
      { ...base, sensitive: { password: 'pw' } },
      7,
      Date.UTC(2026, 0, 2),
      key,
    );
    expect(doc).toMatchObject({ ...base, seq: 7, time: '2026-01-02T00:00:00.000Z' });
    expect(doc.sensitive?.password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(isRecordDocument(JSON.parse(encodeRecord(doc).canonical))).toBe(true);
    expect(isRecordDocument({ ...doc, sensitive: { password: 'pw' } })).toBe(false);
  });

  it.each([
    ['an unknown member', { ...base, resourceType: 'role' }],
    ['an unknown actor kind', { ...base, actor: { id: 'u1', kind: 'robot' } }],
    ['an action that is not dotted lower case', { ...base, action: 'CreateRole' }],
    ['an empty tenant', { ...base, tenantId: '' }],
    ['an outcome outside the list', { ...base, outcome: 'ok' }],
    ['a sensitive value that is not a string', { ...base, sensitive: { pin: 1234 } }],
  ])('refuses %s, naming the field', (_name, input) => {
    expect(() => parseAuditEntry(input)).toThrow(
      expect.objectContaining({
        code: 'AUDIT_ENTRY_INVALID',
        issues: expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]),
      }),
    );
  });

  it('refuses details that are not JSON or too large', () => {
    const notJson = toRecordDocument({ ...base, details: { at: new Date(0) } }, 1, 0, key);
    expect(() => encodeRecord(notJson)).toThrow(
      expect.objectContaining({ code: 'AUDIT_ENTRY_INVALID' }),
    );
    const huge = toRecordDocument({ ...base, details: { blob: 'x'.repeat(70_000) } }, 1, 0, key);
    expect(() => encodeRecord(huge)).toThrow(
      expect.objectContaining({ code: 'AUDIT_ENTRY_INVALID' }),
    );
  });
});
