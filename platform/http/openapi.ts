import { z } from 'zod';
import type { AnyRoute, RouteAccess } from './route.ts';
import { openApiPath } from './route.ts';

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

/** Security schemes the platform's routes use; `custom` routes name one of these. */
export type SecuritySchemes = Readonly<Record<string, Record<string, unknown>>>;

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io,
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const PROBLEM_RESPONSE = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function securityOf(access: RouteAccess): Record<string, unknown> {
  switch (access.kind) {
    case 'public':
      return { security: [] };
    case 'permission':
      return { security: [{ bearerAuth: [] }], 'x-permission': access.permission };
    case 'custom':
      return { security: [{ [access.scheme]: [] }] };
  }
}

/**
 * The OpenAPI 3.1 document of a set of routes, generated from their zod schemas and access
 * declarations (each operation carries `x-permission`, and `x-audit-action` when audited): there
 * is no hand-written copy to drift.
 */
export function toOpenApiDocument(
  routes: readonly AnyRoute[],
  info: OpenApiInfo,
  securitySchemes: SecuritySchemes,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const type = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [type]: { schema: schemaOf(response.schema, 'output') } } }
          : response.contentType
            ? { content: { [type]: {} } }
            : {}),
      };
    }
    for (const status of ['400', '401', '403', '404', '429', '500']) {
      if (route.access.kind !== 'permission' && (status === '401' || status === '403')) continue;
      responses[status] ??= PROBLEM_RESPONSE;
    }
    const operation = {
      operationId: `${route.method}${path.replaceAll(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...securityOf(route.access),
      ...(route.audit ? { 'x-audit-action': route.audit.action } : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or sat_ API token' },
        ...securitySchemes,
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'request_id'],
          properties: {
            type: { type: 'string', format: 'uri-reference' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            code: { type: 'string' },
            request_id: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
