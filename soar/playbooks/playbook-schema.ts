import { z } from 'zod';
import { SEVERITIES } from '../../detections/index.ts';
import { SLA_CLOCKS } from '../sla/sla.ts';

const DURATION = /^(\d{1,7})(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `250ms`, `30s`, `5m`, `2h`, `1d` in milliseconds. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (match === null) throw new TypeError(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration string of at most `max`. */
export const duration = (max: string) =>
  z
    .string()
    .regex(DURATION, 'a duration such as 500ms, 30s, 5m, 2h or 1d')
    .refine(
      (text) => !DURATION.test(text) || durationMs(text) <= durationMs(max),
      `at most ${max}`,
    );

export const STEP_ID = /^[a-z][a-z0-9_]{0,62}$/;
export const PLAYBOOK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ACTION_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

const stepId = z
  .string()
  .regex(STEP_ID, 'lower-case letters, digits and _, starting with a letter (at most 63)');

/** A JSONata expression (https://docs.jsonata.org), optionally wrapped in `${{ }}`. */
const expression = z.string().min(1).max(4_000);

export const stepSchema = z
  .strictObject({
    id: stepId.describe('Unique within the playbook; later steps read `steps.<id>.output`.'),
    name: z.string().min(1).max(200).optional().describe('A label for people.'),
    action: z
      .string()
      .regex(ACTION_NAME, 'an action name such as http.request or slack.post')
      .describe('The built-in action this step runs (see the action catalogue).'),
    with: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The action's inputs. Strings may hold `${{ expression }}` templates; a value that is only a template keeps the expression's type. `{ secret: path }` reads a secret at run time.",
      ),
    needs: z
      .array(stepId)
      .max(50)
      .default([])
      .describe('Steps that must finish first. Steps with no path between them run in parallel.'),
    if: expression
      .optional()
      .describe('Runs the step only when this expression is truthy; otherwise it is skipped.'),
    when: z
      .enum(['success', 'failure', 'always'])
      .default('success')
      .describe(
        '`success`: every needed step completed; `failure`: one of them failed (a failure handler); `always`: either.',
      ),
    for_each: expression
      .optional()
      .describe('Runs the action once per item of this list, as `item` (and `index`).'),
    max_parallel: z.int().min(1).max(50).default(5).describe('Items of a `for_each` run at once.'),
    timeout: duration('1d').default('60s').describe('Deadline of one attempt.'),
    retry: z
      .strictObject({
        attempts: z.int().min(1).max(20).describe('Tries in all, counting the first.'),
        backoff: z.enum(['fixed', 'exponential']).default('exponential'),
        delay: duration('1h').default('1s').describe('Wait before the second try.'),
      })
      .optional(),
    continue_on_error: z
      .boolean()
      .default(false)
      .describe('A failure of this step does not fail the run.'),
  })
  .describe('One step of the playbook: an action with its inputs.');

export const alertTriggerSchema = z.strictObject({
  rules: z.array(z.string().min(1).max(200)).max(200).optional().describe('Rule ids or titles.'),
  severities: z.array(z.enum(SEVERITIES)).max(5).optional(),
  tags: z
    .array(z.string().min(1).max(200))
    .max(100)
    .optional()
    .describe('Matches an alert carrying any of these tags (`attack.t1059.001`).'),
  where: expression.optional().describe('A JSONata condition over `alert`.'),
});

export const triggerSchema = z
  .strictObject({
    alert: alertTriggerSchema.optional().describe('Starts a run for each new alert that matches.'),
    schedule: z
      .strictObject({
        cron: z.string().min(9).max(120).describe('Five-field cron expression, in UTC.'),
      })
      .optional(),
    sla_breach: z
      .strictObject({
        clocks: z.array(z.enum(SLA_CLOCKS)).min(1).max(2).optional(),
        severities: z.array(z.enum(SEVERITIES)).max(5).optional(),
      })
      .optional()
      .describe(
        "Escalation: starts a run when an alert's acknowledge or resolve clock breaches its SLA (e.g. page the on-call).",
      ),
    manual: z.boolean().optional().describe('Can be started through the API.'),
  })
  .refine(
    (trigger) =>
      trigger.alert !== undefined ||
      trigger.schedule !== undefined ||
      trigger.sla_breach !== undefined ||
      trigger.manual,
    'a trigger needs alert, schedule, sla_breach or manual',
  );

export const playbookSchema = z
  .strictObject({
    id: z
      .string()
      .regex(PLAYBOOK_ID, 'lower-case letters, digits and -, at most 63')
      .describe('Stable id; a new upload with the same id is a new version.'),
    name: z.string().min(1).max(200),
    description: z.string().max(4_000).optional(),
    enabled: z.boolean().default(true),
    trigger: triggerSchema,
    vars: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.unknown())
      .default({})
      .describe('Constants the steps read as `vars.<name>`.'),
    steps: z.array(stepSchema).min(1).max(200),
  })
  .describe('A ClayTom SecOps playbook.');

export type PlaybookDefinition = z.output<typeof playbookSchema>;
export type StepDefinition = z.output<typeof stepSchema>;
export type AlertTrigger = z.output<typeof alertTriggerSchema>;

/** The published JSON schema of playbook documents (what authors write, before defaults). */
export function playbookJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://claytom.dev/schemas/playbook.schema.json',
    title: 'ClayTom SecOps playbook',
    ...z.toJSONSchema(playbookSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
