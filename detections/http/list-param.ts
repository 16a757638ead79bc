import { z } from 'zod';

/** A list parameter: repeated (`?severity=high&severity=critical`), comma-separated, or both. */
export function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .union([z.string().max(256), z.array(z.string().max(256)).max(32)])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(z.enum(values)).min(1, `one or more of ${values.join(', ')}`));
}
