import { describe, expect, it } from 'vitest';
import { createMetrics } from './index.ts';

describe('createMetrics', () => {
  it('renders counters with labels in the Prometheus text format', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const rejected = metrics.counter('ingest_rejected_total', 'Rejected items', ['reason']);
    rejected.inc({ reason: 'malformed' }, 2);
    const text = await metrics.render();
    expect(text).toContain('# HELP secops_ingest_rejected_total Rejected items');
    expect(text).toContain('secops_ingest_rejected_total{reason="malformed"} 2');
  });

  it('returns the same metric when a module asks twice, and keeps registries apart', () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    expect(a.counter('x_total', 'x')).toBe(a.counter('x_total', 'x'));
    expect(a.counter('x_total', 'x')).not.toBe(b.counter('x_total', 'x'));
  });
});
