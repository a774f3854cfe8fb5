import { ALERT_KINDS, type AlertKind, type AlertRoute, INBOX_SINK } from '@veil/core';

/** Which kinds each sink receives under `routes` (the policy's `alerts.routes`), by sink name. */
export function routingOf(
  routes: readonly AlertRoute[],
  sinkNames: readonly string[],
): Map<string, Set<AlertKind>> {
  const matrix = new Map<string, Set<AlertKind>>(sinkNames.map((n) => [n, new Set<AlertKind>()]));
  for (const route of routes) {
    const kinds = route.kinds.includes('*') ? ALERT_KINDS : route.kinds.filter((k) => k !== '*');
    for (const sink of route.sinks) for (const kind of kinds) matrix.get(sink)?.add(kind as AlertKind);
  }
  return matrix;
}

/**
 * The routes that give each of the site's sinks exactly its kinds in `matrix` (one route per sink;
 * `*` when it takes every kind), keeping the routes that name only sinks this site does not have
 * (a policy may be written ahead of its sinks).
 */
export function routesOf(
  matrix: ReadonlyMap<string, ReadonlySet<AlertKind>>,
  previous: readonly AlertRoute[],
): AlertRoute[] {
  const kept = previous.filter((r) => r.sinks.every((s) => !matrix.has(s) && s !== INBOX_SINK));
  const routes: AlertRoute[] = [];
  for (const [sink, kinds] of matrix) {
    if (kinds.size === 0) continue;
    routes.push({
      kinds: kinds.size === ALERT_KINDS.length ? ['*'] : ALERT_KINDS.filter((k) => kinds.has(k)),
      sinks: [sink],
    });
  }
  return [...kept, ...routes];
}
