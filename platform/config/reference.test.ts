import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/services.ts';
import { configReference, envBindings } from './index.ts';

describe('configuration reference', () => {
  it('lists every environment variable with its key and default', () => {
    const table = configReference();
    for (const b of envBindings) expect(table).toContain(`| \`${b.env}\` | \`${b.key}\` |`);
    expect(table).toContain('| `SECOPS_PORT` | `server.port` | `8080` |');
  });

  it('is what the README shows (regenerate with npm run docs:config)', () => {
    const readme = readFileSync(`${repoRoot}/README.md`, 'utf8');
    const section =
      /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(
        readme,
      )?.[1];
    expect(section).toBe(configReference());
  });
});
