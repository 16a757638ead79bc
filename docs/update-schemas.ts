// npm run docs:schemas: writes the JSON schemas of documents people author (playbooks).
import { writeFileSync } from 'node:fs';
import { playbookJsonSchema } from '../soar/index.ts';

const file = new URL('schemas/playbook.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
