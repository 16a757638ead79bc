import { z } from 'zod';
import { PLACEHOLDERS } from './field-paths.ts';

/** The zod schema of a mapping data file (see README.md for the format). */

const PLACEHOLDER = /\{[^}]*\}/g;

/** A dotted event path: non-empty segments without surrounding spaces; may hold placeholders. */
const pathTemplate = z
  .string()
  .refine(
    (path) => path.split('.').every((segment) => segment !== '' && segment.trim() === segment),
    'expected a dotted path such as process.executable (no empty segments)',
  )
  .refine(
    (path) =>
      (path.match(PLACEHOLDER) ?? []).every((p) => (PLACEHOLDERS as readonly string[]).includes(p)),
    `unknown placeholder; use ${PLACEHOLDERS.join(', ')}`,
  );

const pathList = z.union([pathTemplate.transform((path) => [path]), z.array(pathTemplate).min(1)], {
  error: 'expected a path or a non-empty list of paths',
});

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const conditionValue = z.union(
  [
    scalar.transform((value) => ({ oneOf: [value] })),
    z
      .array(scalar)
      .min(1)
      .transform((values) => ({ oneOf: values })),
    z.strictObject({ exists: z.boolean() }),
  ],
  { error: 'expected a value, a non-empty list of values, or { exists: true|false }' },
);

const clause = z
  .record(z.string().pipe(pathTemplate), conditionValue)
  .refine((record) => Object.keys(record).length > 0, 'a clause needs at least one condition')
  .refine(
    (record) => Object.keys(record).every((field) => !field.includes('{')),
    'filter fields cannot hold placeholders',
  );

const filter = z.union([z.literal('all'), z.array(clause).min(1)], {
  error: "expected a non-empty list of clauses, or 'all'",
});

const fieldMap = z
  .record(
    z.string().refine((key) => key !== '' && key.trim() === key, 'expected a Sigma field name'),
    pathList,
  )
  .superRefine((fields, ctx) => {
    for (const [key, paths] of Object.entries(fields)) {
      const prefix = key.endsWith('.*') && key.length > 2;
      paths.forEach((path, index) => {
        if (!prefix && path.includes('{rest')) {
          ctx.addIssue({
            code: 'custom',
            path: [key, index],
            message: '{rest} is only defined for prefix entries (keys ending in .*)',
          });
        }
      });
      if (key.includes('*') && !prefix) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'only a trailing .* is allowed in a field name',
        });
      }
    }
  });

const attribute = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.toLowerCase());

const defaults = pathList.refine(
  (paths) => paths.every((path) => !path.includes('{rest')),
  'default templates can use {field} and {field:snake} only',
);

export const mappingEntrySchema = z
  .strictObject({
    product: attribute.optional(),
    category: attribute.optional(),
    service: attribute.optional(),
    description: z.string().optional(),
    filter,
    fields: fieldMap.optional(),
    default: defaults.optional(),
  })
  .refine(
    (entry) =>
      entry.product !== undefined || entry.category !== undefined || entry.service !== undefined,
    'a logsource needs a product, a category or a service',
  );

export const mappingFileSchema = z.strictObject({
  logsources: z.array(mappingEntrySchema).min(1),
});

export type MappingFileData = z.output<typeof mappingFileSchema>;
