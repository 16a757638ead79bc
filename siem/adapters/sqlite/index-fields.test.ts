import { describe, expect, it } from 'vitest';
import { forEachLeaf } from '../../events/document-fields.ts';
import type { JsonObject } from '../../parsers/index.ts';
import { indexFields, promotedValues } from './index-fields.ts';
import { ARRAY_MARK, PROMOTED_FIELDS, UNINDEXED_TEXT_FIELDS } from './layout.ts';

/** The definition indexFields must match: one leaf walk with dotted paths. */
function reference(doc: JsonObject, fields: readonly string[]) {
  const values = fields.map(() => [] as string[]);
  const text: string[] = [];
  forEachLeaf(doc, (path, value) => {
    const s = String(value);
    if (!UNINDEXED_TEXT_FIELDS.has(path)) text.push(s);
    const slot = fields.indexOf(path);
    if (slot >= 0) values[slot]?.push(s);
  });
  return {
    text: text.join(' '),
    promoted: values.map((v) =>
      v.length === 0 ? null : v.length === 1 ? v[0] : ARRAY_MARK + JSON.stringify(v),
    ),
  };
}

describe('indexFields', () => {
  const doc: JsonObject = {
    '@timestamp': '2026-01-01T00:00:00.000Z',
    event: {
      code: '4625',
      category: ['authentication', 'iam'],
      ingested: '2026-01-01T00:00:01.000Z',
      outcome: null,
    },
    host: { name: 'web-01', ip: ['10.0.0.1'] },
    user: { name: 'bob' },
    process: { pid: 42, args: ['cmd.exe', '/c', 'whoami'], hash: { sha256: 'ab'.repeat(32) } },
    threat: { technique: [{ id: 'T1059' }, { id: 'T1003' }] },
    ecs: { version: '8.17.0' },
    labels: { flag: true },
    message: 'An account failed to log on',
  };

  it('gives the same text and promoted values as a plain leaf walk', () => {
    expect(indexFields(doc, PROMOTED_FIELDS)).toEqual(reference(doc, PROMOTED_FIELDS));
  });

  it('leaves dates out of the text and keeps several values of a promoted field', () => {
    const fields = indexFields(doc, PROMOTED_FIELDS);
    expect(fields.text).not.toContain('2026-01-01');
    expect(fields.text).toContain('whoami');
    expect(fields.text).toContain('true');
    const category = fields.promoted[PROMOTED_FIELDS.indexOf('event.category')];
    expect(promotedValues(category ?? '')).toEqual(['authentication', 'iam']);
    expect(fields.promoted[PROMOTED_FIELDS.indexOf('event.outcome')]).toBeNull();
  });
});
