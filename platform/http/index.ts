export { defineRoute, openApiPath } from './route.ts';
export type {
  AnyRoute,
  HttpMethod,
  RouteAccess,
  RouteContext,
  RouteDefinition,
  RouteResponse,
} from './route.ts';
export { buildRouter, principalOf } from './router-builder.ts';
export type { RouterOptions } from './router-builder.ts';
export { toOpenApiDocument } from './openapi.ts';
export type { OpenApiInfo, SecuritySchemes } from './openapi.ts';
