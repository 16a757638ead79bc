import { configSchema, envBindings } from './schema.ts';

function defaultOf(key: string, defaults: Record<string, unknown>): string {
  let node: unknown = defaults;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (node === undefined) return '(unset)';
  if (node === '') return '(empty)';
  return `\`${typeof node === 'string' ? node : JSON.stringify(node)}\``;
}

/**
 * The configuration reference as a Markdown table, from the same table that drives loading:
 * every environment variable, the config-file key it sets, its default and what it does.
 */
export function configReference(): string {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const rows = envBindings.map(
    (b) => `| \`${b.env}\` | \`${b.key}\` | ${defaultOf(b.key, defaults)} | ${b.doc} |`,
  );
  return [
    '| Environment variable | Config file key | Default | Meaning |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
