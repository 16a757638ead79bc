export { createApi, PLATFORM_PATHS } from './create-api.ts';
export type { ApiDeps, DependencyState } from './create-api.ts';
export { toProblem, STATUS_OF_KIND } from './problem-details.ts';
export type { Problem } from './problem-details.ts';
