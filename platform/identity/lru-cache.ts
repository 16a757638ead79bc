/**
 * A bounded least-recently-used map with per-entry expiry. Keys are token hashes, never tokens.
 */
export function createLruCache<V>(maxEntries: number) {
  const entries = new Map<string, { value: V; until: number }>();
  return {
    get(key: string, now: number): V | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.until <= now) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key: string, value: V, until: number): void {
      entries.delete(key);
      entries.set(key, { value, until });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    clear(): void {
      entries.clear();
    },
    get size(): number {
      return entries.size;
    },
  };
}
