/** Latency samples in milliseconds, kept exactly (a run records at most a few hundred thousand). */
export class LatencyRecorder {
  #values = new Float64Array(4096);
  #length = 0;

  record(ms: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = ms;
  }

  get count(): number {
    return this.#length;
  }

  /** A copy of the samples recorded so far, in recording order. */
  toArray(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Nearest-rank percentiles over the samples of every part (NaN when there are none). */
export function summarizeLatencies(parts: readonly Float64Array[]): LatencySummary {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  all.sort();
  const at = (p: number): number => {
    if (all.length === 0) return NaN;
    const rank = Math.min(all.length - 1, Math.max(0, Math.ceil((p / 100) * all.length) - 1));
    return all[rank] ?? NaN;
  };
  return {
    count: all.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: all.length === 0 ? NaN : (all[all.length - 1] ?? NaN),
  };
}
