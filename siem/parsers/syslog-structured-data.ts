import { isObject, setOwn } from './json-access.ts';
import type { JsonObject, JsonValue } from './parser.ts';

export type StructuredDataResult =
  | { readonly ok: true; readonly value: JsonObject; readonly end: number }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/**
 * RFC 5424 STRUCTURED-DATA starting at `start` (which holds `[`): one or more
 * `[SD-ID PARAM="VALUE" ...]` elements. Inside a value `\"`, `\\` and `\]` are escapes; any other
 * backslash is kept as written (RFC 5424 §6.3.3). The result maps each SD-ID to its parameters;
 * a parameter repeated inside one element becomes an array.
 */
export function parseStructuredData(line: string, start: number): StructuredDataResult {
  const elements: JsonObject = {};
  let pos = start;
  while (line.charCodeAt(pos) === 0x5b /* [ */) {
    const idStart = pos + 1;
    pos = scanName(line, idStart);
    if (pos === idStart) return { ok: false, message: 'empty SD-ID', offset: idStart };
    const id = line.slice(idStart, pos);
    const seen = Object.hasOwn(elements, id) ? elements[id] : undefined;
    const params = isObject(seen) ? seen : {};
    setOwn(elements, id, params);
    for (;;) {
      const code = line.charCodeAt(pos);
      if (code === 0x5d /* ] */) {
        pos++;
        break;
      }
      if (code !== 0x20)
        return { ok: false, message: `expected " " or "]" in [${id}]`, offset: pos };
      while (line.charCodeAt(pos) === 0x20) pos++;
      if (line.charCodeAt(pos) === 0x5d) continue;
      const nameStart = pos;
      pos = scanName(line, nameStart);
      if (
        pos === nameStart ||
        line.charCodeAt(pos) !== 0x3d /* = */ ||
        line.charCodeAt(pos + 1) !== 0x22
      ) {
        return { ok: false, message: `expected PARAM-NAME="VALUE" in [${id}]`, offset: nameStart };
      }
      const name = line.slice(nameStart, pos);
      const value = readQuoted(line, pos + 2);
      if (value === undefined)
        return { ok: false, message: `unterminated value of ${id}.${name}`, offset: pos + 1 };
      addParam(params, name, value.text);
      pos = value.end;
    }
  }
  return { ok: true, value: elements, end: pos };
}

/** SD-NAME: printable US-ASCII except `=`, space, `]` and `"`. */
function scanName(line: string, start: number): number {
  let pos = start;
  while (pos < line.length && pos - start < 64) {
    const code = line.charCodeAt(pos);
    if (code <= 0x20 || code >= 0x7f || code === 0x3d || code === 0x5d || code === 0x22) break;
    pos++;
  }
  return pos;
}

function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let chunk = start;
  for (let pos = start; pos < line.length; pos++) {
    const code = line.charCodeAt(pos);
    if (code === 0x22) return { text: text + line.slice(chunk, pos), end: pos + 1 };
    if (code === 0x5c /* \ */) {
      const next = line.charCodeAt(pos + 1);
      if (next === 0x22 || next === 0x5c || next === 0x5d) {
        text += line.slice(chunk, pos);
        chunk = pos + 1;
        pos++;
      }
    }
  }
  return undefined;
}

function addParam(params: JsonObject, name: string, value: string): void {
  const existing: JsonValue | undefined = Object.hasOwn(params, name) ? params[name] : undefined;
  if (existing === undefined) setOwn(params, name, value);
  else if (Array.isArray(existing)) existing.push(value);
  else setOwn(params, name, [existing, value]);
}
