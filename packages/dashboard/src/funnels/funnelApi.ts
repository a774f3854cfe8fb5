import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** `Funnel` of docs/signals.md. */
const funnelSchema = z.object({
  k: z.number(),
  cohortShown: z.boolean(),
  suppressed: z.number(),
  steps: z.array(
    z.object({
      pattern: z.string(),
      sessions: z.number().nullable(),
      conversion: z.number().nullable(),
      dropOff: z.number().nullable(),
    }),
  ),
});
export type Funnel = z.infer<typeof funnelSchema>;

/** `TopPaths` of docs/signals.md. */
const topPathsSchema = z.object({
  k: z.number(),
  sessions: z.number(),
  suppressed: z.number(),
  paths: z.array(z.object({ page: z.string(), sessions: z.number() })),
});
export type TopPaths = z.infer<typeof topPathsSchema>;

export function funnelApi(api: ApiClient) {
  const base = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;
  return {
    funnel(siteKey: string, steps: readonly string[], signal?: AbortSignal): Promise<Funnel> {
      const q = new URLSearchParams();
      for (const step of steps) q.append('step', step);
      return api.request(`${base(siteKey)}/funnel?${q.toString()}`, decoder(funnelSchema), { signal });
    },
    paths(
      siteKey: string,
      page: string,
      direction: 'after' | 'before',
      signal?: AbortSignal,
    ): Promise<TopPaths> {
      const q = new URLSearchParams({ page, direction });
      return api.request(`${base(siteKey)}/paths?${q.toString()}`, decoder(topPathsSchema), { signal });
    },
  };
}
