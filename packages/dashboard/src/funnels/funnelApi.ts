import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';
import type { FunnelStepInput } from './funnelSteps';

/** Whose sessions a funnel counts: a device class and/or a tag. */
export interface FunnelSegmentInput {
  device?: 'mobile' | 'tablet' | 'desktop';
  tag?: { key: string; value: string };
}

/** `Funnel` of docs/signals.md. */
const funnelSchema = z.object({
  from: z.number(),
  to: z.number(),
  k: z.number(),
  minCohort: z.number().default(0),
  cohortShown: z.boolean(),
  suppressed: z.number(),
  steps: z.array(
    z.object({
      pattern: z.string(),
      click: z.string().nullable().default(null),
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
  minCohort: z.number(),
  cohortShown: z.boolean(),
  sessions: z.number(),
  suppressed: z.number(),
  paths: z.array(z.object({ page: z.string(), sessions: z.number() })),
});
export type TopPaths = z.infer<typeof topPathsSchema>;

export function funnelApi(api: ApiClient) {
  const base = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;
  return {
    funnel(
      siteKey: string,
      steps: readonly FunnelStepInput[],
      segment: FunnelSegmentInput = {},
      from?: number,
      signal?: AbortSignal,
    ): Promise<Funnel> {
      const q = new URLSearchParams();
      if (from !== undefined) q.set('from', String(Math.max(0, Math.floor(from))));
      steps.forEach((step) => {
        q.append('step', step.page);
      });
      steps.forEach((step, i) => {
        if (step.click) q.set(`click.${i}`, step.click);
      });
      if (segment.device) q.set('device', segment.device);
      if (segment.tag) {
        q.set('tagKey', segment.tag.key);
        q.set('tagValue', segment.tag.value);
      }
      return api.request(`${base(siteKey)}/funnel?${q.toString()}`, decoder(funnelSchema), { signal });
    },
    paths(
      siteKey: string,
      page: string,
      direction: 'after' | 'before',
      from?: number,
      signal?: AbortSignal,
    ): Promise<TopPaths> {
      const q = new URLSearchParams({ page, direction });
      if (from !== undefined) q.set('from', String(Math.max(0, Math.floor(from))));
      return api.request(`${base(siteKey)}/paths?${q.toString()}`, decoder(topPathsSchema), { signal });
    },
  };
}
