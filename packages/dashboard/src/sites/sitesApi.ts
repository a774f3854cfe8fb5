import { lawfulBasisSchema } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** `Site` of docs/api.md. */
const siteSchema = z.object({
  siteKey: z.string(),
  name: z.string(),
  origins: z.array(z.string()),
  lawfulBasis: lawfulBasisSchema,
  samplingPercent: z.number(),
  createdAt: z.number(),
});
export type Site = z.infer<typeof siteSchema>;

const sitesSchema = z.object({ sites: z.array(siteSchema) }).transform((b): Site[] => b.sites);
const siteEnvelope = z.object({ site: siteSchema }).transform((b): Site => b.site);

/** The site endpoints of docs/api.md. */
export function sitesApi(api: ApiClient) {
  return {
    list: (signal?: AbortSignal): Promise<Site[]> => api.request('/sites', decoder(sitesSchema), { signal }),
    get: (siteKey: string, signal?: AbortSignal): Promise<Site> =>
      api.request(`/sites/${encodeURIComponent(siteKey)}`, decoder(siteEnvelope), { signal }),
  };
}
export type SitesApi = ReturnType<typeof sitesApi>;
