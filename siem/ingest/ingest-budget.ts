/**
 * A bounded budget of bytes in flight across every input. Work that does not fit is refused
 * (HTTP 429, syslog TCP pauses) rather than queued: memory stays bounded however fast senders
 * are.
 */
export interface IngestBudget {
  /** Takes `bytes` if they fit; false when they do not (nothing is taken). */
  tryAcquire(bytes: number): boolean;
  release(bytes: number): void;
  readonly inUse: () => number;
  readonly limit: number;
}

export function createIngestBudget(
  limit: number,
  onChange?: (inUse: number) => void,
): IngestBudget {
  let inUse = 0;
  return {
    tryAcquire(bytes) {
      // A single unit larger than the whole budget still gets in when nothing else is running,
      // so one oversized-but-allowed request can never be refused forever.
      if (inUse > 0 && inUse + bytes > limit) return false;
      inUse += bytes;
      onChange?.(inUse);
      return true;
    },
    release(bytes) {
      inUse = Math.max(0, inUse - bytes);
      onChange?.(inUse);
    },
    inUse: () => inUse,
    limit,
  };
}
