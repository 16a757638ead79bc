import { isObject, setOwn } from './json-access.ts';
import type { JsonObject, JsonValue } from './parser.ts';

/**
 * Copy-on-write edits of one JSON object, for enriching documents that arrive already shaped
 * without copying them whole: the object itself is never changed; it is copied (one level) at the
 * first write that changes a value. As with a compacted draft merged over the object, `undefined`
 * (an absent source field), non-finite numbers, empty arrays and the value already there change
 * nothing, and a name the object lacks is added after its own names, in the order written. A base
 * that is not an object (absent, a string, an array) gives way to a new object.
 */
export class ObjectPatch {
  readonly #base: JsonObject | undefined;
  #copy: JsonObject | undefined;

  constructor(base: JsonValue | undefined) {
    this.#base = isObject(base) ? base : undefined;
  }

  /** The current value of an own member. */
  get(key: string): JsonValue | undefined {
    const from = this.#copy ?? this.#base;
    return from !== undefined && Object.hasOwn(from, key) ? from[key] : undefined;
  }

  /** The current value of an own member when it is an object. */
  object(key: string): JsonObject | undefined {
    const value = this.get(key);
    return isObject(value) ? value : undefined;
  }

  /** Sets an own member, copying the object first if this is the first change. */
  set(key: string, value: JsonValue | undefined): this {
    if (value === undefined) return this;
    if (typeof value === 'number' && !Number.isFinite(value)) return this;
    if (Array.isArray(value) && value.length === 0) return this;
    const from = this.#copy ?? this.#base;
    // Ownership is checked only for an equal value: most writes differ, and this runs for each.
    if (from?.[key] === value && Object.hasOwn(from, key)) return this;
    const copy = (this.#copy ??= { ...this.#base });
    if (key === '__proto__') setOwn(copy, key, value);
    else copy[key] = value;
    return this;
  }

  /** Writes the object `patch` made, when it made one (a patch that wrote nothing adds nothing). */
  setPatch(key: string, patch: ObjectPatch): this {
    return this.set(key, patch.result());
  }

  /** Writes `fields`, in their order, into (a patch of) the object at `key`. */
  merge(key: string, fields: Readonly<Record<string, string | undefined>> | undefined): this {
    if (fields === undefined) return this;
    const patch = new ObjectPatch(this.get(key));
    for (const name of Object.keys(fields)) patch.set(name, fields[name]);
    return this.setPatch(key, patch);
  }

  /** The edited object, or `undefined` when no write changed anything. */
  result(): JsonObject | undefined {
    return this.#copy;
  }
}
