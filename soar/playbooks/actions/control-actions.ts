import { z } from 'zod';
import { duration as durationOf } from '../playbook-schema.ts';

const duration = durationOf('30d');

/** Inputs of the steps the runner carries out itself. */
export const CONTROL_INPUTS = {
  approval: z.strictObject({
    prompt: z.string().min(1).max(2_000).describe('What the approver is asked.'),
    approvers: z
      .array(z.string().min(1).max(200))
      .max(50)
      .default([])
      .describe('Roles or principal ids that may decide; empty: anyone holding playbooks:approve.'),
    timeout: duration.default('1h').describe('When no one has decided by then, `default` applies.'),
    default: z.enum(['approve', 'reject']).default('reject'),
  }),
  wait: z.strictObject({ duration }),
  'playbook.run': z.strictObject({
    playbook: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    vars: z.record(z.string(), z.unknown()).default({}),
  }),
} as const;
