// The dashboard's Content-Security-Policy allows no evaluated script. zod compiles object parsers
// with `new Function` when it may, and probes for it (a caught probe is still reported as a CSP
// violation) while the schemas are built, as their modules load. `jitless` turns both off. zod
// keeps its global configuration on `globalThis.__zod_globalConfig` (shared by every copy of zod);
// this classic script runs before the module graph, so the setting is there before any schema.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
