import type { IngestBudget } from '../ingest/ingest-budget.ts';
import type {
  IngestItem,
  IngestOptions,
  IngestPipeline,
  ItemResult,
} from '../ingest/ingest-pipeline.ts';

export const CHUNK_ITEMS = 1000;
const CHUNKS_IN_FLIGHT = 2;

/**
 * Feeds items to the pipeline in chunks as they are decoded, so a large request is parsed while
 * its earlier chunks are being stored, and memory is bounded by the chunks in flight, not by the
 * body. A chunk that does not fit the ingest budget is answered `overloaded` item by item.
 */
export function createChunkedIngest(
  pipeline: IngestPipeline,
  budget: IngestBudget,
  options: IngestOptions,
) {
  const results: ItemResult[] = [];
  const running: Promise<void>[] = [];
  let buffer: IngestItem[] = [];
  let bufferBytes = 0;

  const submit = async (items: IngestItem[], bytes: number, offset: number): Promise<void> => {
    if (!budget.tryAcquire(bytes)) {
      items.forEach((_, i) => {
        results[offset + i] = {
          status: 'overloaded',
          ids: [],
          error: { code: 'SIEM_OVERLOADED', message: 'ingest is at capacity; retry later' },
        };
      });
      return;
    }
    try {
      const chunkResults = await pipeline.ingest(items, options);
      chunkResults.forEach((r, i) => (results[offset + i] = r));
    } finally {
      budget.release(bytes);
    }
  };

  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const items = buffer;
    const bytes = bufferBytes;
    const offset = results.length;
    results.length += items.length;
    buffer = [];
    bufferBytes = 0;
    running.push(submit(items, bytes, offset));
    if (running.length >= CHUNKS_IN_FLIGHT) await running.shift();
  };

  return {
    /** Adds one item of `bytes` raw bytes; resolves when there is room for more. */
    async add(item: IngestItem, bytes: number): Promise<void> {
      buffer.push(item);
      bufferBytes += bytes;
      if (buffer.length >= CHUNK_ITEMS) await flush();
    },
    /** Submits what is left and waits for every chunk; results are in item order. */
    async finish(): Promise<ItemResult[]> {
      await flush();
      await Promise.all(running);
      return results;
    },
    /** Waits for chunks already submitted (after an error, so nothing is left running). */
    async settle(): Promise<void> {
      await Promise.allSettled(running);
    },
  };
}
