export { createApp } from './create-app.ts';
export type { App, AppOptions, StartedApp } from './create-app.ts';
export type { BootstrapSecrets } from './bootstrap.ts';
export { openRelationalStore, createLoggerFor, eventStorePath } from './infrastructure.ts';
export { openState } from './state.ts';
export type { PlatformState } from './state.ts';
export { rotateSecretsMasterKey } from './secrets-admin.ts';
