import type { DeviceClass, VisitorKind } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';
import { deviceClassSchema } from '../sessions/sessionsApi';

const int = z.number();
const totals = z.object({ views: int, sessions: int, clicks: int, rage: int, dead: int });
const head = {
  page: z.string(),
  device: deviceClassSchema,
  from: int,
  to: int,
  k: int,
};

const pagesSchema = z.object({
  pages: z.array(totals.extend({ pattern: z.string() })),
  suppressed: int,
  k: int,
});
export type HeatmapPages = z.infer<typeof pagesSchema>;

const clicksSchema = z.object({
  ...head,
  totals,
  cellPx: int,
  elementGridCells: int,
  elements: z.array(
    z.object({
      path: z.string(),
      clicks: int,
      share: z.number(),
      sessions: int,
      rage: int,
      dead: int,
      grid: z.array(z.tuple([int, int, int, int])),
    }),
  ),
  cells: z.array(z.tuple([int, int, int, int, int])),
  suppressed: z.object({ elements: int, cells: int }),
});
export type ClickHeatmap = z.infer<typeof clicksSchema>;
export type ElementClicks = ClickHeatmap['elements'][number];

const scrollSchema = z.object({
  ...head,
  views: int,
  sessions: int,
  averageFoldPx: int,
  reach: z.array(z.number()),
});
export type ScrollHeatmap = z.infer<typeof scrollSchema>;

const attentionSchema = z.object({
  ...head,
  totalMs: int,
  cellPx: int,
  cells: z.array(z.tuple([int, int, int])),
  elements: z.array(z.object({ path: z.string(), ms: int, share: z.number(), sessions: int })),
  suppressed: z.object({ elements: int, cells: int }),
});
export type AttentionHeatmap = z.infer<typeof attentionSchema>;

const snapshotSchema = z.object({
  page: z.string(),
  device: deviceClassSchema,
  capturedAt: int,
  source: z.enum(['replay', 'heatmap']),
  width: int,
  height: int,
  node: z.record(z.string(), z.unknown()),
});
export type HeatmapSnapshot = z.infer<typeof snapshotSchema>;

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
      return api.request(`${base(siteKey)}/pages?${p}`, decoder(pagesSchema), { signal });
    },
    clicks: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/clicks?${params(q, page)}`, decoder(clicksSchema), { signal }),
    scroll: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/scroll?${params(q, page)}`, decoder(scrollSchema), { signal }),
    attention: (siteKey: string, page: string, q: HeatmapQuery, signal?: AbortSignal) =>
      api.request(`${base(siteKey)}/attention?${params(q, page)}`, decoder(attentionSchema), { signal }),
    snapshot: (siteKey: string, page: string, device: DeviceClass, signal?: AbortSignal) =>
      api.request(
        `${base(siteKey)}/snapshot?${new URLSearchParams({ page, device })}`,
        decoder(snapshotSchema),
        { signal },
      ),
  };
}
export type HeatmapApi = ReturnType<typeof heatmapApi>;
