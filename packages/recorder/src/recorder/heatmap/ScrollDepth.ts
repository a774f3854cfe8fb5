import type { HeatmapScrollPayload } from '@veil/core';

/** What scroll depth needs of the page at one moment, CSS px. */
export interface ScrollSample {
  scrollY: number;
  vw: number;
  vh: number;
  dh: number;
}

export interface ScrollDepth {
  update(sample: ScrollSample): void;
  /** The report to send now, or null when the view reached no deeper since the last one. */
  report(): HeatmapScrollPayload | null;
}

/**
 * The deepest point one page view reached, in percent of the document height. Reported when the
 * page hides; if the view goes on and later reaches deeper, the next report carries the earlier
 * percentage in `prev`, so the server moves the view instead of counting it twice.
 */
export function createScrollDepth(path: string): ScrollDepth {
  let max = 0;
  let last: ScrollSample | null = null;
  let reported: number | undefined;
  return {
    update(sample) {
      last = sample;
      if (sample.dh > 0) max = Math.max(max, Math.min(100, ((sample.scrollY + sample.vh) / sample.dh) * 100));
    },
    report() {
      const pct = Math.round(max * 10) / 10;
      if (!last || (reported !== undefined && pct <= reported)) return null;
      const payload: HeatmapScrollPayload = { path, vw: last.vw, vh: last.vh, dh: last.dh, pct };
      if (reported !== undefined) payload.prev = reported;
      reported = pct;
      return payload;
    },
  };
}
