import { z } from 'zod';
import { CompileIssue, isCompileIssue } from './compile-issue.ts';
import type { ConditionNode } from './condition.ts';
import { namesMatching, parseCondition } from './condition.ts';
import { compileItem } from './detection-item.ts';
import type { ItemOptions } from './detection-item.ts';
import { and, or } from './detection-tree.ts';
import type { DetectionNode } from './detection-tree.ts';

/** What a Sigma rule says about itself (everything but the detection). */
export interface SigmaRuleMeta {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly status?: string;
  readonly level?: string;
  readonly description?: string;
  /** Kept and shown with every match: the Detection Rule License requires the attribution. */
  readonly author?: string;
  readonly license?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly date?: string;
  readonly modified?: string;
  readonly logsource: Logsource;
  /** Fields the rule suggests showing with a match. */
  readonly fields: readonly string[];
}

export interface Logsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** A rule whose detection compiled: a tree over Sigma field names (mapped when loaded). */
export interface CompiledRule {
  readonly meta: SigmaRuleMeta;
  readonly detection: DetectionNode;
  /** Sigma field names the detection reads (for mapping and reporting). */
  readonly fieldNames: readonly string[];
}

const text = z.string().trim().min(1);
const stringList = z.union([z.array(z.string()), z.string().transform((s) => [s])]);
const dateLike = z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 10))]);

const ruleSchema = z.object({
  title: text.max(512),
  id: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
  status: z.enum(['stable', 'test', 'experimental', 'deprecated', 'unsupported']).optional(),
  level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
  description: z.string().optional(),
  author: z.string().optional(),
  license: z.string().optional(),
  tags: z.array(z.string()).optional(),
  references: stringList.optional(),
  falsepositives: z.union([stringList, z.null()]).optional(),
  date: dateLike.optional(),
  modified: dateLike.optional(),
  fields: z.array(z.string()).optional(),
  logsource: z.object({
    product: z.string().optional(),
    category: z.string().optional(),
    service: z.string().optional(),
    definition: z.unknown().optional(),
  }),
  detection: z.record(z.string(), z.unknown()),
});

/** Compiles one YAML document that is a Sigma detection rule; throws a located `CompileIssue`. */
export function compileRule(document: unknown, options: ItemOptions): CompiledRule {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw CompileIssue.invalid('a rule must be a YAML mapping');
  const record = document as Record<string, unknown>;
  if ('action' in record)
    throw CompileIssue.unsupported(
      'action',
      `rule collections ('action: ${String(record.action)}') are Sigma v1 and not supported`,
      ['action'],
    );
  const parsed = ruleSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    throw CompileIssue.invalid(
      `${path.length > 0 ? path.join('.') : 'rule'}: ${issue?.message ?? 'invalid'}`,
      path,
    );
  }
  const rule = parsed.data;
  const { condition, timeframe, ...searches } = rule.detection;
  if (timeframe !== undefined)
    throw CompileIssue.unsupported(
      'timeframe',
      'detection.timeframe belongs to Sigma v1 aggregations; use a correlation rule',
      ['detection', 'timeframe'],
    );
  const compiled = new Map<string, DetectionNode>();
  const fieldNames = new Set<string>();
  for (const [name, search] of Object.entries(searches)) {
    compiled.set(name, compileSearch(search, ['detection', name], options, fieldNames));
  }
  const detection = compileConditions(condition, compiled);
  return {
    meta: {
      ...(rule.id !== undefined ? { id: rule.id } : {}),
      ...(rule.name !== undefined ? { name: rule.name } : {}),
      title: rule.title,
      ...(rule.status !== undefined ? { status: rule.status } : {}),
      ...(rule.level !== undefined ? { level: rule.level } : {}),
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      ...(rule.author !== undefined ? { author: rule.author } : {}),
      ...(rule.license !== undefined ? { license: rule.license } : {}),
      ...(rule.date !== undefined ? { date: rule.date } : {}),
      ...(rule.modified !== undefined ? { modified: rule.modified } : {}),
      tags: rule.tags ?? [],
      references: rule.references ?? [],
      falsepositives: rule.falsepositives ?? [],
      fields: rule.fields ?? [],
      logsource: {
        ...(rule.logsource.product !== undefined ? { product: rule.logsource.product } : {}),
        ...(rule.logsource.category !== undefined ? { category: rule.logsource.category } : {}),
        ...(rule.logsource.service !== undefined ? { service: rule.logsource.service } : {}),
      },
    },
    detection,
    fieldNames: [...fieldNames],
  };
}

function compileConditions(
  condition: unknown,
  searches: ReadonlyMap<string, DetectionNode>,
): DetectionNode {
  const path = ['detection', 'condition'];
  if (condition === undefined)
    throw CompileIssue.invalid('detection has no condition', ['detection']);
  // A list of conditions (Sigma v1) means any of them.
  const list = Array.isArray(condition) ? (condition as unknown[]) : [condition];
  if (list.length === 0 || list.some((c) => typeof c !== 'string'))
    throw CompileIssue.invalid('detection.condition must be a string', path);
  const names = [...searches.keys()];
  try {
    return or(list.map((c) => toNode(parseCondition(c as string), searches, names)));
  } catch (err) {
    throw isCompileIssue(err) ? err.at(path) : err;
  }
}

function toNode(
  node: ConditionNode,
  searches: ReadonlyMap<string, DetectionNode>,
  names: readonly string[],
): DetectionNode {
  switch (node.kind) {
    case 'ref': {
      const found = searches.get(node.name);
      if (!found)
        throw CompileIssue.invalid(
          `condition names '${node.name}', which detection does not define`,
        );
      return found;
    }
    case 'of': {
      const matched = namesMatching(node.pattern, names);
      if (matched.length === 0)
        throw CompileIssue.invalid(`condition pattern '${node.pattern}' matches no detection`);
      const children = matched.map(
        (name) => searches.get(name) ?? ({ kind: 'const', value: false } as const),
      );
      return node.quantifier === 'all' ? and(children) : or(children);
    }
    case 'and':
      return and([toNode(node.left, searches, names), toNode(node.right, searches, names)]);
    case 'or':
      return or([toNode(node.left, searches, names), toNode(node.right, searches, names)]);
    case 'not':
      return { kind: 'not', child: toNode(node.child, searches, names) };
  }
}

/** A search: a map (all items), a list of maps (any map), or a list of keywords (any keyword). */
function compileSearch(
  search: unknown,
  path: (string | number)[],
  options: ItemOptions,
  fieldNames: Set<string>,
): DetectionNode {
  try {
    if (Array.isArray(search)) {
      const items = search as unknown[];
      if (items.length === 0) throw CompileIssue.invalid('an empty list matches nothing', path);
      const maps = items.filter((i) => isMap(i));
      if (maps.length === items.length)
        return or(
          items.map((item, i) =>
            compileMap(item as Record<string, unknown>, [...path, i], options, fieldNames),
          ),
        );
      if (maps.length > 0)
        throw CompileIssue.invalid('a search list mixes maps and keywords', path);
      return compileItem('', items, options, true);
    }
    if (isMap(search)) return compileMap(search, path, options, fieldNames);
    if (typeof search === 'string' || typeof search === 'number')
      return compileItem('', [search], options, true);
    throw CompileIssue.invalid(
      'a search must be a map, a list of maps or a list of keywords',
      path,
    );
  } catch (err) {
    throw isCompileIssue(err) ? err.at(path) : err;
  }
}

function compileMap(
  map: Record<string, unknown>,
  path: (string | number)[],
  options: ItemOptions,
  fieldNames: Set<string>,
): DetectionNode {
  const entries = Object.entries(map);
  if (entries.length === 0) throw CompileIssue.invalid('an empty map matches nothing', path);
  return and(
    entries.map(([key, value]) => {
      try {
        const field = key.split('|')[0] ?? '';
        if (field !== '') fieldNames.add(field);
        const node = compileItem(key, value, options, field === '');
        if (key.includes('|fieldref') && typeof value === 'string') fieldNames.add(value);
        return node;
      } catch (err) {
        throw isCompileIssue(err) ? err.at([...path, key]) : err;
      }
    }),
  );
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
