// npm run docs:schemas: writes the JSON schemas of documents people author (playbooks), in the
// repository's format (prettier), so the format check passes on what it writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { playbookJsonSchema } from '../soar/index.ts';

const file = new URL('schemas/playbook.schema.json', import.meta.url);
const text = await format(JSON.stringify(playbookJsonSchema()), {
  filepath: fileURLToPath(file),
});
writeFileSync(file, text);
