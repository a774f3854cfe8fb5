import {
  type FunnelResponse,
  funnelResponseSchema,
  type TopPathsResponse,
  topPathsResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';
import type { FunnelStepInput } from './funnelSteps';

/** Whose sessions a funnel counts: a device class and/or a tag. */
export interface FunnelSegmentInput {
  device?: 'mobile' | 'tablet' | 'desktop';
  tag?: { key: string; value: string };
}

/** `Funnel` of docs/signals.md, decoded with the server's own schema (@veil/core). */
export type Funnel = FunnelResponse;
const funnelSchema = funnelResponseSchema;

/** `TopPaths` of docs/signals.md. */
export type TopPaths = TopPathsResponse;
const topPathsSchema = topPathsResponseSchema;

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
