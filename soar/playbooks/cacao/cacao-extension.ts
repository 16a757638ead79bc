import { uuidV5 } from './cacao-ids.ts';

/**
 * The `x-claytom` CACAO extension: what a ClayTom playbook holds that CACAO cannot say (the
 * trigger, exact vars, step conditions, loops, retries, actions without a CACAO command), carried
 * through `extension_definitions` + `playbook_extensions` / `step_extensions`.
 */
export const EXTENSION_NAME = 'x-claytom';
export const EXTENSION_VERSION = '1.0.0';

/** The same id in every export, so that any importer recognises the extension by it. */
export const EXTENSION_ID = `extension-definition--${uuidV5('extension-definition:x-claytom')}`;

/** The command type of a step whose action has no CACAO command (its action is in the extension). */
export const ACTION_COMMAND = 'x-claytom-action';

/**
 * Extension property names of our step and playbook fields: CACAO extension property names are
 * at least 3 characters of a-z, 0-9 and _, so `id` and `if` are renamed.
 */
export const STEP_EXTENSION_NAMES: Readonly<Record<string, string>> = {
  id: 'step_id',
  if: 'condition',
};
export const PLAYBOOK_EXTENSION_NAMES: Readonly<Record<string, string>> = { id: 'playbook_id' };

/** The digest of the native reading a carried `with` (or `vars`) was exported next to. */
export const NATIVE_DIGEST = 'native_digest';

export const extensionName = (names: Readonly<Record<string, string>>, field: string): string =>
  names[field] ?? field;

/** Our field for an extension property (the inverse of `extensionName`). */
export function fieldOf(names: Readonly<Record<string, string>>, property: string): string {
  return Object.entries(names).find(([, name]) => name === property)?.[0] ?? property;
}

/** The extension-definition object (extension-definition/extension-definition.json). */
export function extensionDefinition(createdBy: string): Record<string, unknown> {
  return {
    type: 'extension-definition',
    name: EXTENSION_NAME,
    description:
      'ClayTom SecOps playbook fields CACAO cannot express. playbook_extensions: trigger, vars (exact values) and any of playbook_id, name, description, enabled that differ from the CACAO properties. step_extensions: step_id and any of name, action, with, needs, when, condition, for_each, max_parallel, timeout, retry, continue_on_error that differ from what the CACAO step says; native_digest guards a carried with or vars against later edits of the CACAO properties.',
    created_by: createdBy,
    schema: 'https://claytom.dev/schemas/cacao-x-claytom-1.0.0.json',
    version: EXTENSION_VERSION,
  };
}
