import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { pathOf, resolveStaticFile } from '../static/resolveStaticFile.js';

/** The demo site's HTML names its site key with this placeholder. */
export const SITE_KEY_PLACEHOLDER = '{{VEIL_SITE_KEY}}';
/** The loader and recorder: cached a day, revalidated with their ETag after that. */
const RECORDER_CACHE_CONTROL = 'public, max-age=86400, must-revalidate';
/** Vite's hashed build assets never change under their name. */
const IMMUTABLE_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;
/** Paths the dashboard's single-page fallback never answers. */
const RESERVED_PREFIXES = ['/api', '/r', '/ingest', '/demo', '/healthz'];

const recorderChunkParams = z.object({ chunk: z.string().regex(/^[a-z][a-z0-9-]{0,63}\.js$/) });

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Veil</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Veil is running</h1>
<p>The dashboard is not built yet. Run <code>npm run build</code> at the repository root, then reload.</p>
<p>The API answers under <code>/api/v1/</code>; its description is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body></html>
`;

function isReserved(urlPath: string): boolean {
  return RESERVED_PREFIXES.some((p) => urlPath === p || urlPath.startsWith(`${p}/`));
}

/** The dashboard at `/` (single-page fallback), the recorder under `/r/v1/`, the demo site at `/demo/`. */
export async function staticRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.veil;
  await app.register(fastifyStatic, { serve: false });

  const sendRecorderFile = async (name: string, reply: FastifyReply) => {
    const file = await resolveStaticFile(config.recorderDir, name);
    if (!file) throw new VeilError('not_found', `${name} is not built yet: run npm run build`);
    reply.header('Cache-Control', RECORDER_CACHE_CONTROL).header('Access-Control-Allow-Origin', '*');
    return reply.sendFile(file, config.recorderDir, { cacheControl: false });
  };

  for (const name of ['loader.js', 'recorder.js']) {
    app.route({
      method: 'GET',
      url: `/r/v1/${name}`,
      config: {
        permission: 'public',
        openapi: {
          summary:
            name === 'loader.js'
              ? 'The loader (snippet target)'
              : 'The recorder chunk (fetched by the loader after consent)',
          tags: ['public'],
          responses: {
            200: { description: 'JavaScript', contentType: 'text/javascript' },
            404: { description: 'The recorder is not built' },
          },
        },
      },
      handler: async (_request, reply) => sendRecorderFile(name, reply),
    });
  }

  // Further chunks of the recorder build (consent banner, adapters, the recorder's redact.js and layout.js): any `name.js` of its dist.
  app.route({
    method: 'GET',
    url: '/r/v1/:chunk',
    config: {
      permission: 'public',
      openapi: {
        summary:
          'Another chunk of the recorder build, fetched by the loader or by recorder.js (redact.js, layout.js)',
        tags: ['public'],
        params: recorderChunkParams,
        responses: {
          200: { description: 'JavaScript', contentType: 'text/javascript' },
          404: { description: 'No such chunk' },
        },
      },
    },
    handler: async (request, reply) => {
      const parsed = recorderChunkParams.safeParse(request.params);
      if (!parsed.success) throw new VeilError('not_found', 'no such recorder file');
      return sendRecorderFile(parsed.data.chunk, reply);
    },
  });

  if (config.demo) {
    app.route({
      method: 'GET',
      url: '/demo',
      config: {
        permission: 'public',
        openapi: {
          summary: 'Redirect to /demo/',
          tags: ['demo'],
          responses: { 301: { description: 'To /demo/' } },
        },
      },
      handler: async (_request, reply) => reply.redirect('/demo/', 301),
    });
    app.route({
      method: 'GET',
      url: '/demo/*',
      config: {
        permission: 'public',
        openapi: {
          summary: 'The demo site',
          tags: ['demo'],
          responses: { 200: { description: 'A file of the demo site' } },
        },
      },
      handler: async (request, reply) => {
        const rest = pathOf(request.url).slice('/demo/'.length);
        const file = await resolveStaticFile(config.demoDir, rest);
        if (!file) throw new VeilError('not_found', 'no such file in the demo site');
        reply.header('Cache-Control', 'no-cache');
        if (file.endsWith('.html'))
          return sendDemoHtml(reply, path.join(config.demoDir, file), app.veil.demoSiteKey ?? '');
        return reply.sendFile(file, config.demoDir, { cacheControl: false });
      },
    });
  }

  const dashboard = async (url: string, reply: FastifyReply) => {
    const urlPath = pathOf(url);
    if (isReserved(urlPath)) throw new VeilError('not_found', 'no such resource');
    const file = urlPath === '/' ? undefined : await resolveStaticFile(config.dashboardDir, urlPath);
    if (file && file !== 'index.html') {
      if (file.startsWith(`assets${path.sep}`)) {
        return reply.sendFile(file, config.dashboardDir, { maxAge: IMMUTABLE_MAX_AGE_MS, immutable: true });
      }
      reply.header('Cache-Control', 'no-cache');
      return reply.sendFile(file, config.dashboardDir, { cacheControl: false });
    }
    // Single-page app: every other path is a client-side route of index.html.
    const index = await resolveStaticFile(config.dashboardDir, 'index.html');
    reply.header('Cache-Control', 'no-cache');
    if (!index) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
    return reply.sendFile(index, config.dashboardDir, { cacheControl: false });
  };

  app.route({
    method: 'GET',
    url: '/',
    config: {
      permission: 'public',
      openapi: { summary: 'The dashboard', tags: ['dashboard'], responses: { 200: { description: 'HTML' } } },
    },
    handler: async (request, reply) => dashboard(request.url, reply),
  });
  app.route({
    method: 'GET',
    url: '/*',
    config: {
      permission: 'public',
      openapi: {
        summary: 'Dashboard files and client-side routes (single-page fallback to index.html)',
        tags: ['dashboard'],
        responses: { 200: { description: 'A file or index.html' } },
      },
    },
    handler: async (request, reply) => dashboard(request.url, reply),
  });
}

async function sendDemoHtml(reply: FastifyReply, file: string, siteKey: string): Promise<FastifyReply> {
  const html = (await readFile(file, 'utf8')).replaceAll(SITE_KEY_PLACEHOLDER, siteKey);
  return reply.type('text/html; charset=utf-8').send(html);
}
