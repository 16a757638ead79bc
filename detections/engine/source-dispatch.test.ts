import { describe, expect, it } from 'vitest';
import { loadMappings, matchesFilter } from '../mappings/logsource-mapping.ts';
import { detectionStream } from '../../bench/fixtures/detection-stream.ts';
import { createSourceDispatch } from './source-dispatch.ts';

describe('source dispatch', () => {
  it('finds exactly the log sources whose filter holds', () => {
    const filters = loadMappings().logsources.map((source) => source.filter);
    const dispatch = createSourceDispatch(filters);
    for (const doc of detectionStream(600, 21)) {
      const expected = filters.flatMap((filter, id) => (matchesFilter(filter, doc) ? [id] : []));
      expect(dispatch.sourcesOf(doc)).toEqual(expected);
    }
  });

  it('handles unfiltered sources, clauses without equality and list values', () => {
    const dispatch = createSourceDispatch([
      null,
      [[{ field: 'a', exists: true }]],
      [
        [
          { field: 'event.category', oneOf: ['Process'] },
          { field: 'b', exists: false },
        ],
      ],
    ]);
    expect(dispatch.sourcesOf({})).toEqual([0]);
    expect(dispatch.sourcesOf({ a: 1, event: { category: ['network', 'process'] } })).toEqual([
      0, 1, 2,
    ]);
    expect(dispatch.sourcesOf({ b: 1, event: { category: 'PROCESS' } })).toEqual([0]);
  });
});
