import type { ComplianceReport } from '@veil/core';
import type { ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { ReadinessChart, ReadinessTrendChart, RegionOptInChart } from '../compliance/ComplianceCharts';

/**
 * The compliance pack's charts, drawn by the dashboard's own chart components (Recharts needs a
 * real layout, so the server opens `report-charts.html` in headless Chromium, calls
 * `window.veilReportCharts(report)` once per pack and embeds the markup it returns). The pack and
 * the Compliance page therefore show the same picture.
 */

/** What the server passes: the parts of the pack's model the charts draw. */
export type ReportChartsInput = Pick<ComplianceReport, 'readiness' | 'readinessTrend' | 'consent'>;

/** Each chart's `<figure>` as static markup (an `aria-hidden` drawing and its table of numbers). */
export interface ReportChartsOutput {
  readiness: string;
  readinessTrend: string;
  consentByRegion: string;
}

/** Frames with no change to the markup before a chart counts as drawn (Recharts lays out in passes). */
const STABLE_FRAMES = 3;
/** Frames to wait at most for a chart to settle. */
const MAX_FRAMES = 300;

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

async function drawn(element: ReactElement, host: HTMLElement): Promise<string> {
  const box = document.createElement('div');
  host.append(box);
  const root = createRoot(box);
  flushSync(() => root.render(element));
  let last = '';
  let same = 0;
  for (let frame = 0; frame < MAX_FRAMES && same < STABLE_FRAMES; frame++) {
    await nextFrame();
    const now = box.innerHTML;
    same = now === last ? same + 1 : 0;
    last = now;
  }
  if (same < STABLE_FRAMES) throw new Error('a chart did not settle');
  // The copy keeps what a printed page shows: no tooltip (it only appears on hover), and nothing
  // focusable inside the drawing, which is `aria-hidden` (its table is the accessible version).
  const copy = box.cloneNode(true) as HTMLElement;
  for (const tip of copy.querySelectorAll('.recharts-tooltip-wrapper')) tip.remove();
  for (const el of copy.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  for (const el of copy.querySelectorAll('[role="application"]')) el.removeAttribute('role');
  root.unmount();
  box.remove();
  return copy.innerHTML;
}

async function veilReportCharts(input: ReportChartsInput): Promise<ReportChartsOutput> {
  const host = document.getElementById('charts');
  if (host === null) throw new Error('report-charts.html has no #charts');
  return {
    readiness: await drawn(<ReadinessChart readiness={input.readiness} />, host),
    readinessTrend: await drawn(
      <ReadinessTrendChart trend={input.readinessTrend} now={input.readiness.score} />,
      host,
    ),
    consentByRegion: await drawn(<RegionOptInChart consent={input.consent} />, host),
  };
}

declare global {
  interface Window {
    veilReportCharts?: typeof veilReportCharts;
  }
}
window.veilReportCharts = veilReportCharts;
