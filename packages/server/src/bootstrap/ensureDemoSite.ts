import type { Clock } from '../clock.js';
import { createSite } from '../sites/createSite.js';
import type { Store } from '../storage/Store.js';

const DEMO_SITE_SETTING = 'demo_site_key';
export const DEMO_SITE_NAME = 'Veil demo site';

export function demoOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/**
 * The demo site (VEIL_DEMO): created once, its key kept in the instance settings so it is stable
 * across restarts; its origins follow the port the server listens on. Sampling 100 %, consent.
 */
export async function ensureDemoSite(store: Store, clock: Clock, port: number): Promise<string> {
  const origins = demoOrigins(port);
  const key = await store.settings.get(DEMO_SITE_SETTING);
  const existing = key === undefined ? undefined : await store.sites.findByKey(key);
  if (existing) {
    if (existing.origins.join(' ') !== [...origins].sort().join(' '))
      await store.sites.replaceOrigins(existing.id, origins);
    if (!existing.demo) await store.sites.markDemo(existing.id);
    return existing.siteKey;
  }
  const site = await createSite(store, clock, {
    name: DEMO_SITE_NAME,
    origins,
    samplingPercent: 100,
    lawfulBasis: 'consent',
  });
  // Its sessions are demo data (`veil demo --erase`).
  await store.sites.markDemo(site.id);
  if (key !== undefined) {
    // The recorded demo site is gone: this one replaces it.
    await store.settings.put(DEMO_SITE_SETTING, site.siteKey);
    return site.siteKey;
  }
  return store.settings.putIfAbsent(DEMO_SITE_SETTING, site.siteKey);
}
