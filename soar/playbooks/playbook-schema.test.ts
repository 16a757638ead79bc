import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from './playbook-schema.ts';

describe('published playbook JSON schema', () => {
  it('matches the schema the code validates with (run `npm run docs:schemas` after a change)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../docs/schemas/playbook.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(playbookJsonSchema());
  });

  it('describes steps, needs and the trigger', () => {
    const schema = playbookJsonSchema() as {
      required: string[];
      properties: Record<string, { items?: { required?: string[] } }>;
    };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'name', 'trigger', 'steps']));
    expect(schema.properties.steps?.items?.required).toEqual(['id', 'action']);
  });
});
