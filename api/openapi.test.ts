import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

let t: TestApp;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { 'x-permission'?: string; security?: unknown[] }>>;
};
beforeAll(async () => {
  t = await startTestApp();
  doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as typeof doc;
});
afterAll(async () => {
  await t.stop();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route mounted in the express app, from its router stack (not from the declarations). */
function mountedRoutes(stack: readonly Layer[]): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const path of [layer.route.path].flat()) {
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') out.push({ method, path });
      }
    } else if (layer.handle?.stack) out.push(...mountedRoutes(layer.handle.stack));
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route the server has mounted', () => {
    const router = (t.app.http as unknown as { router: { stack: Layer[] } }).router;
    const mounted = mountedRoutes(router.stack);
    expect(mounted.length).toBeGreaterThan(30);
    const missing = mounted.filter(
      ({ method, path }) =>
        doc.paths[path.replaceAll(/[:*]([A-Za-z0-9_]+)/g, '{$1}')]?.[method] === undefined,
    );
    expect(missing).toEqual([]);
  });

  it('declares the permission of every protected operation', () => {
    const search = doc.paths['/events/search']?.get;
    expect(search?.['x-permission']).toBe('events:read');
    expect(search?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/ingest']?.post?.security).toEqual([{ ingestToken: [] }]);
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it('serves Swagger UI from local assets', async () => {
    const page = await fetch(`${t.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/docs/init.js');
    expect(await (await fetch(`${t.url}/docs/init.js`)).text()).toContain('/openapi.json');
    const bundle = await fetch(`${t.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
  });
});
