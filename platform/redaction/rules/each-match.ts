/**
 * Calls `visit` for every match of a global regex, reusing the regex instead of cloning it as
 * `matchAll` does (a clone per call is the dominant cost on short strings). Rules run
 * synchronously and `visit` never reuses the same regex, so the shared `lastIndex` is safe.
 */
export function eachMatch(re: RegExp, text: string, visit: (match: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    visit(m);
  }
}

/** Offsets of the last capture group, which every context rule puts at the end of its match. */
export function trailingGroup(match: RegExpExecArray, group: number): [number, number] | undefined {
  const value = match[group];
  if (value === undefined) return undefined;
  const end = match.index + match[0].length;
  return [end - value.length, end];
}
