import {
  NATIVE_DIGEST,
  PLAYBOOK_EXTENSION_NAMES,
  STEP_EXTENSION_NAMES,
  fieldOf,
} from './cacao-extension.ts';
import { claimId, digestOf, playbookSlug, stepSlug } from './cacao-ids.ts';
import type { Path } from './cacao-issues.ts';
import type { CacaoReading, NativeStep } from './cacao-read.ts';

/**
 * Where one of our fields came from: `path` in the CACAO document. `exact` when the field is
 * written there as it is (the extension), so a problem deeper in it is deeper at `path` too.
 */
export interface FieldOrigin {
  readonly field: readonly PropertyKey[];
  readonly path: Path;
  readonly exact: boolean;
}

/** The CACAO step one of our steps came from, and where each of its fields did. */
export interface StepOrigin {
  readonly key: string;
  readonly action: string;
  readonly fields: readonly FieldOrigin[];
}

/** Our playbook (its document form, before validation) put together from a CACAO reading. */
export interface Assembled {
  readonly playbook: Record<string, unknown>;
  /** By index of `playbook.steps`. */
  readonly steps: readonly StepOrigin[];
  readonly top: readonly FieldOrigin[];
  readonly warnings: readonly string[];
}

const STEP_FIELDS = new Set([
  'name',
  'action',
  'with',
  'needs',
  'when',
  'if',
  'for_each',
  'max_parallel',
  'timeout',
  'retry',
  'continue_on_error',
]);
const PLAYBOOK_FIELDS = new Set(['id', 'name', 'description', 'enabled', 'trigger', 'vars']);

/**
 * Our playbook from a CACAO reading. With `extensions`, the x-claytom extension's fields replace
 * what the CACAO properties say (a carried `with` or `vars` only while the CACAO properties it was
 * exported with are unchanged, by digest; carried `needs` only to order the same steps).
 */
export function assemble(reading: CacaoReading, extensions: boolean): Assembled {
  const warnings: string[] = [];
  const extensionOf = (step: NativeStep): Readonly<Record<string, unknown>> | undefined =>
    extensions ? step.extension : undefined;

  // Ids from the step names first, exactly as the exporter's own reading made them (so they do
  // not depend on which steps carry an id in the extension); then the extension's ids.
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  for (const step of reading.steps)
    ids.set(step.key, claimId(stepSlug(step.name ?? '', step.uuid), taken));
  for (const step of reading.steps) {
    const id = extensionOf(step)?.[STEP_EXTENSION_NAMES.id ?? 'id'];
    if (typeof id === 'string') {
      ids.set(step.key, id);
      taken.add(id);
    }
  }
  const idOf = (key: string): string => ids.get(key) ?? key;

  const steps: Record<string, unknown>[] = [];
  const origins: StepOrigin[] = [];
  for (const native of reading.steps) {
    const at = (...rest: PropertyKey[]): Path => ['workflow', native.key, ...rest];
    const id = idOf(native.key);
    const step: Record<string, unknown> = {
      id,
      ...(native.name === undefined ? {} : { name: native.name }),
      action: native.action.action,
      with: native.action.with,
      needs: native.needs.map(idOf),
      when: native.when,
      ...(native.timeout === undefined ? {} : { timeout: native.timeout }),
    };
    const fields: FieldOrigin[] = [
      { field: [], path: at(), exact: false },
      { field: ['id'], path: at('name'), exact: false },
      { field: ['name'], path: at('name'), exact: false },
      { field: ['action'], path: native.action.withPath, exact: false },
      { field: ['with'], path: native.action.withPath, exact: false },
      { field: ['timeout'], path: at('timeout'), exact: false },
    ];
    const extension = extensionOf(native);
    let nativeWith = true;
    if (extension !== undefined) {
      const stale =
        native.action.fromCommand &&
        typeof extension[NATIVE_DIGEST] === 'string' &&
        extension[NATIVE_DIGEST] !== digestOf(native.action.with);
      if (stale)
        warnings.push(
          `${native.key}: its command changed after the x-claytom extension was written; the command is used, the extension's action and with are not`,
        );
      for (const [property, value] of Object.entries(extension)) {
        const field = fieldOf(STEP_EXTENSION_NAMES, property);
        const path = [...native.extensionPath, property];
        if (field === 'id') {
          fields.push({ field: ['id'], path, exact: true });
          continue;
        }
        if (!STEP_FIELDS.has(field) || (stale && (field === 'action' || field === 'with')))
          continue;
        if (field === 'needs') {
          const derived = step.needs as string[];
          if (
            Array.isArray(value) &&
            value.length === derived.length &&
            derived.every((need) => value.includes(need))
          )
            step.needs = value;
          else
            warnings.push(
              `${native.key}: the extension's needs differ from the workflow's pointers; the pointers are used`,
            );
          continue;
        }
        if (field === 'with' || field === 'action') nativeWith = false;
        if (value === null) Reflect.deleteProperty(step, field);
        else step[field] = value;
        fields.push({ field: [field], path, exact: true });
      }
    }
    if (nativeWith) {
      warnings.push(...native.action.warnings);
      // A manual step's CACAO timeout is its approval's timeout.
      if (native.action.action === 'approval')
        fields.push({ field: ['with', 'timeout'], path: at('timeout'), exact: false });
    }
    if (native.delay !== undefined) {
      const wait = {
        id: claimId(`${id.slice(0, 56)}_delay`, taken),
        action: 'wait',
        with: { duration: native.delay },
        needs: step.needs,
        when: step.when,
      };
      steps.push(wait);
      origins.push({
        key: native.key,
        action: 'wait',
        fields: [{ field: [], path: at('delay'), exact: false }],
      });
      step.needs = [wait.id];
      step.when = 'success';
    }
    steps.push(step);
    origins.push({ key: native.key, action: String(step.action), fields });
  }

  const id = playbookSlug(reading.name, reading.uuid);
  const playbook: Record<string, unknown> = {
    id,
    name: reading.name === '' ? id : reading.name,
    ...(reading.description === undefined ? {} : { description: reading.description }),
    trigger: { manual: true },
    vars: reading.vars,
    steps,
  };
  const top: FieldOrigin[] = [
    { field: [], path: [], exact: false },
    { field: ['id'], path: ['name'], exact: false },
    { field: ['name'], path: ['name'], exact: false },
    { field: ['description'], path: ['description'], exact: false },
    { field: ['steps'], path: ['workflow'], exact: false },
    { field: ['vars'], path: ['playbook_variables'], exact: false },
  ];
  const extension = extensions ? reading.extension : undefined;
  let nativeVars = true;
  if (extension !== undefined) {
    const stale =
      typeof extension[NATIVE_DIGEST] === 'string' &&
      extension[NATIVE_DIGEST] !== digestOf(reading.vars);
    if (stale)
      warnings.push(
        'playbook_variables changed after the x-claytom extension was written; they are used, the extension vars are not',
      );
    for (const [property, value] of Object.entries(extension)) {
      const field = fieldOf(PLAYBOOK_EXTENSION_NAMES, property);
      if (!PLAYBOOK_FIELDS.has(field) || (stale && field === 'vars')) continue;
      if (field === 'vars') nativeVars = false;
      if (value === null) Reflect.deleteProperty(playbook, field);
      else playbook[field] = value;
      top.push({ field: [field], path: [...reading.extensionPath, property], exact: true });
    }
  }
  if (nativeVars) {
    warnings.push(...reading.varWarnings);
    for (const [name, path] of reading.varPaths)
      top.push({ field: ['vars', name], path, exact: false });
  }
  return { playbook, steps: origins, top, warnings };
}
