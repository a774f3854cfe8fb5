import { type SiteResponse, siteEnvelopeSchema, sitesResponseSchema } from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** `Site` of docs/api.md; the schema is the server's own, from @veil/core. */
export type Site = SiteResponse;

const sitesSchema = sitesResponseSchema.transform((b): Site[] => b.sites);
const siteEnvelope = siteEnvelopeSchema.transform((b): Site => b.site);

/** The site endpoints of docs/api.md. */
export function sitesApi(api: ApiClient) {
  return {
    list: (signal?: AbortSignal): Promise<Site[]> => api.request('/sites', decoder(sitesSchema), { signal }),
    get: (siteKey: string, signal?: AbortSignal): Promise<Site> =>
      api.request(`/sites/${encodeURIComponent(siteKey)}`, decoder(siteEnvelope), { signal }),
  };
}
export type SitesApi = ReturnType<typeof sitesApi>;
