export { systemClock, createManualClock } from './clock.ts';
export type { Clock, ManualClock } from './clock.ts';
