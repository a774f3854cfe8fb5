import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../http/addRoute.js';
import { buildOpenApi } from '../openapi/buildOpenApi.js';

/** This package's version, from its package.json (one level above `src/` and `dist/`). */
export function serverVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** `GET /api/v1/openapi.json`, built once from the complete route table. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  let document: string | undefined;
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    permission: 'public',
    site: 'global',
    doc: {
      summary: 'This OpenAPI 3.1 document',
      tags: ['public'],
      responses: { 200: { description: 'The document' } },
    },
    handler: async ({ reply }) => {
      document ??= JSON.stringify(buildOpenApi(app.veil.routes, { version: serverVersion() }));
      return reply.type('application/json; charset=utf-8').send(document);
    },
  });
}
