// npm run docs:config: writes the configuration reference into README.md between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference } from '../platform/config/index.ts';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const updated = readme.replace(
  /(<!-- config-reference:start -->\n)[\s\S]*?(\n?<!-- config-reference:end -->)/,
  (_match, start: string) => `${start}${configReference()}\n<!-- config-reference:end -->`,
);
writeFileSync(file, updated);
