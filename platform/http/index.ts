export { defineRoute, idOf, openApiPath } from './route.ts';
export type {
  AnyRoute,
  AuditSubject,
  RouteAudit,
  HttpMethod,
  RouteAccess,
  RouteContext,
  RouteDefinition,
  RouteResponse,
} from './route.ts';
export { buildRouter, principalOf } from './router-builder.ts';
export type { AuditedCall, RouteAuditor, RouterOptions } from './router-builder.ts';
export { toOpenApiDocument } from './openapi.ts';
export type { OpenApiInfo, SecuritySchemes } from './openapi.ts';
export { readBodyUpTo } from './body.ts';
