export { createAccessStore, AccessError, MAX_ELEVATION_MINUTES } from './access-store.ts';
export type { AccessStore, Elevation, ElevationStatus, Role, Tenant } from './access-store.ts';
export { createPrincipalResolver } from './resolve-principal.ts';
export type { PrincipalResolver } from './resolve-principal.ts';
export { accessRoutes } from './access-routes.ts';
export { accessMigrations } from './migrations.ts';
