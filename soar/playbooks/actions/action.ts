import type { z } from 'zod';

/** What an action can use while it runs, besides its inputs. */
export interface ActionContext {
  readonly tenantId: string;
  readonly runId: string;
  readonly stepId: string;
  /** Stable across retries and redeliveries of the same step (and loop item): send it to peers that dedupe. */
  readonly idempotencyKey: string;
  readonly attempt: number;
  /** Aborted at the step's timeout. */
  readonly signal: AbortSignal;
  /** The alert that started the run, when one did. */
  readonly alertId: string | null;
  /** Who the run acts as in audit records and timelines. */
  readonly actor: { readonly kind: string; readonly id: string };
}

/**
 * A built-in action: a named, typed operation a step runs. `run` receives inputs already
 * rendered and validated against `input`, with secrets resolved; it returns the step's output
 * (JSON), or throws to fail the attempt.
 */
export interface ActionDefinition<Input = unknown> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Input>;
  /**
   * The integration it talks to (`slack`, `http`, `pagerduty`): its concurrency lane and the key
   * of its rate limit.
   */
  readonly integration: string;
  /** Running it twice has no further effect, or the peer dedupes on the idempotency key. */
  readonly idempotent: boolean;
  run(input: Input, context: ActionContext): Promise<unknown>;
}

/**
 * Steps the runner itself carries out instead of an action body: `approval` (waits for a
 * decision), `wait` (a durable timer) and `playbook.run` (a sub-playbook).
 */
export const CONTROL_ACTIONS = ['approval', 'wait', 'playbook.run'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export function isControlAction(name: string): name is ControlAction {
  return (CONTROL_ACTIONS as readonly string[]).includes(name);
}

/** The actions a runner knows, by name. */
export type ActionCatalog = ReadonlyMap<string, ActionDefinition<never>>;
