import type { Severity } from '../../detections/index.ts';
import type { SlaClock, SlaPolicy } from './sla.ts';

/** A warning or breach of one clock of one alert, recorded once. */
export interface SlaEvent {
  readonly tenantId: string;
  readonly alertId: string;
  readonly clock: SlaClock;
  readonly level: 'warning' | 'breach';
  /** When the monitor saw it. */
  readonly at: number;
  /** When the clock was (or is) due. */
  readonly dueAt: number;
  readonly severity: Severity;
}

/** SLA policies per tenant and the clock events recorded; joins the caller's unit of work. */
export interface SlaStore {
  /** The tenant's policy for every severity: its own where set, else the default. */
  policies(tenantId: string): Promise<Readonly<Record<Severity, SlaPolicy>>>;
  setPolicy(tenantId: string, policy: SlaPolicy, at: number): Promise<void>;
  /** Records events; returns those not recorded before (each clock warns and breaches once). */
  record(events: readonly SlaEvent[]): Promise<SlaEvent[]>;
}
