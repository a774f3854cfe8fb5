import { z } from 'zod';
import type { RegisteredRoute } from '../http/accessControl.js';
import type { ResponseDoc } from '../http/routePermission.js';

type Json = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** One zod schema as OpenAPI 3.1 (JSON Schema 2020-12), its named parts moved into `components`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Json): Json {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  const { $schema: _ignored, $defs, ...rest } = raw;
  if ($defs && typeof $defs === 'object') {
    for (const [name, def] of Object.entries($defs as Json)) components[name] = rewriteRefs(def);
  }
  return rewriteRefs(rest) as Json;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
        ? COMPONENT_PREFIX + v.slice(8)
        : rewriteRefs(v);
  }
  return out;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', components: Json): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input', components);
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...propSchema } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propSchema,
    };
  });
}

/** Fastify's `/a/:b/*` as OpenAPI's `/a/{b}/{path}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

function pathParamsOf(url: string): string[] {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  return url.endsWith('*') ? [...names, 'path'] : names;
}

function responses(docs: Record<number, ResponseDoc>, components: Json): Json {
  const out: Json = {};
  for (const [status, doc] of Object.entries(docs)) {
    out[status] = doc.schema
      ? {
          description: doc.description,
          content: {
            [doc.contentType ?? 'application/json']: { schema: jsonSchema(doc.schema, 'output', components) },
          },
        }
      : doc.contentType
        ? { description: doc.description, content: { [doc.contentType]: {} } }
        : { description: doc.description };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of every registered route, from the route table and its zod schemas.
 * Routes Fastify adds for HEAD beside a GET are folded into the GET.
 */
export function buildOpenApi(routes: readonly RegisteredRoute[], info: { version: string }): Json {
  const components: Json = {};
  const paths: Record<string, Json> = {};
  const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
  for (const route of routes) {
    if (route.method === 'HEAD' && gets.has(route.url)) continue;
    const doc = route.doc;
    const path = openApiPath(route.url);
    const params = parameters(doc?.params, 'path', components);
    for (const name of pathParamsOf(route.url)) {
      if (!params.some((p) => p.name === name))
        params.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    const operation: Json = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: doc?.summary ?? `${route.method} ${route.url}`,
      ...(doc?.description ? { description: doc.description } : {}),
      tags: doc?.tags ?? [],
      'x-veil-permission': route.permission,
      security: route.permission === 'public' ? [] : [{ cookieAuth: [] }, { bearerAuth: [] }],
      parameters: [...params, ...parameters(doc?.querystring, 'query', components)],
      responses: responses(doc?.responses ?? { 200: { description: 'OK' } }, components),
    };
    if (doc?.body) {
      const schema = jsonSchema(doc.body, 'input', components);
      const types = doc.bodyContentTypes ?? ['application/json'];
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(types.map((t) => [t, { schema }])),
      };
    }
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Veil',
      version: info.version,
      description:
        'Self-hosted session replay built for privacy compliance. Errors are {"error":{"code","message"}}.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'veil_session' },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `veil tokens create`' },
      },
    },
  };
}
