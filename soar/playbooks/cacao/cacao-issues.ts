/** Where a problem is in a CACAO document: `['workflow', 'action--…', 'commands', 0, 'type']`. */
export type Path = readonly PropertyKey[];

/** One thing a CACAO document says that cannot be imported. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
}

/** Problems gathered while reading a document (all of them, not only the first). */
export class Issues {
  readonly list: Issue[] = [];

  add(path: Path, message: string): void {
    this.list.push({ path, message });
  }

  /** True while no problem has been found (a method: the list grows between calls). */
  none(): boolean {
    return this.list.length === 0;
  }
}

/** `an array`, `null`, `a string`, … for messages about a value of the wrong kind. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** A value quoted for a message: strings in JSON quotes, others by kind. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
}
