import {
  type AttentionHeatmapResponse,
  attentionHeatmapSchema,
  type ClickHeatmapResponse,
  clickHeatmapSchema,
  type DeviceClass,
  type HeatmapPagesResponse,
  type HeatmapSnapshotResponse,
  heatmapPagesSchema,
  heatmapSnapshotSchema,
  type ScrollHeatmapResponse,
  scrollHeatmapSchema,
  type VisitorKind,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

// Response schemas are the server's own, from @veil/core.
export type HeatmapPages = HeatmapPagesResponse;
export type ClickHeatmap = ClickHeatmapResponse;
export type ElementClicks = ClickHeatmap['elements'][number];
export type ScrollHeatmap = ScrollHeatmapResponse;
export type AttentionHeatmap = AttentionHeatmapResponse;
export type HeatmapSnapshot = HeatmapSnapshotResponse;

/** Segment and date range of one heatmap query (docs/api.md, Heatmaps). */
export interface HeatmapQuery {
  device: DeviceClass;
  from: number;
  to: number;
  visitor?: VisitorKind | undefined;
  referrer?: string | undefined;
  tag?: readonly [string, string] | undefined;
}

function params(q: HeatmapQuery, page?: string): string {
  const p = new URLSearchParams();
  if (page !== undefined) p.set('page', page);
  p.set('device', q.device);
  p.set('from', String(q.from));
  p.set('to', String(q.to));
  if (q.visitor) p.set('visitor', q.visitor);
  if (q.referrer) p.set('referrer', q.referrer);
  if (q.tag) {
    p.set('tagKey', q.tag[0]);
    p.set('tagValue', q.tag[1]);
  }
  return p.toString();
}

const base = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}/heatmaps`;

/** The heatmap endpoints, each answer decoded. */
export function heatmapApi(api: ApiClient) {
  return {
    pages: (
      siteKey: string,
      q: Omit<HeatmapQuery, 'device'> & { device?: DeviceClass },
      signal?: AbortSignal,
    ) => {
      const p = new URLSearchParams(params({ ...q, device: q.device ?? 'desktop' }));
      if (!q.device) p.delete('device');
      return api.request(`${base(siteKey)}/pages?${p}`, decoder(heatmapPagesSchema), { signal });
    },
    clicks: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/clicks?${params(q, page)}`, decoder(clickHeatmapSchema), { signal }),
    scroll: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/scroll?${params(q, page)}`, decoder(scrollHeatmapSchema), { signal }),
    attention: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/attention?${params(q, page)}`, decoder(attentionHeatmapSchema), {
        signal,
      }),
    snapshot: (siteKey: string, page: string, device: DeviceClass, signal?: AbortSignal) =>
      api.request(
        `${base(siteKey)}/snapshot?${new URLSearchParams({ page, device })}`,
        decoder(heatmapSnapshotSchema),
        { signal },
      ),
  };
}
export type HeatmapApi = ReturnType<typeof heatmapApi>;
