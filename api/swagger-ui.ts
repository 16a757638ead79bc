import { createRequire } from 'node:module';
import express from 'express';

const require = createRequire(import.meta.url);
const assetsDir = (
  require('swagger-ui-dist') as { getAbsoluteFSPath: () => string }
).getAbsoluteFSPath();

/** Swagger UI served from swagger-ui-dist (no CDN): static assets and the page that loads them. */
export const swaggerUi = {
  assets: express.static(assetsDir, { index: false, fallthrough: true, maxAge: '1h' }),
  page: `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ClayTom SecOps API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`,
  init: (specUrl: string): string =>
    `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui', deepLinking: true });\n`,
};
