import { type DeviceClass, parseDeviceClass } from '@veil/core';
import { type FunnelStepInput, formatFunnelStep } from './funnelSteps';

/** Ranges the Funnels page offers, in days back from now. */
export const FUNNEL_RANGES = [7, 30, 90] as const;
export type FunnelRange = (typeof FUNNEL_RANGES)[number];

/**
 * What the Funnels page shows, as its URL carries it (so a step's link and back again find the
 * same funnel): the steps (`step`, `click.N`), segment (`device`, `tagKey`/`tagValue`), range
 * (`days`) and the top paths' page and direction (`around`, `direction`).
 */
export interface FunnelView {
  steps: FunnelStepInput[];
  device: DeviceClass | null;
  tag: { key: string; value: string } | null;
  days: FunnelRange;
  around: string;
  direction: 'after' | 'before';
}

export const DEFAULT_FUNNEL_VIEW: Readonly<FunnelView> = {
  steps: [{ page: '/' }, { page: '/cart' }, { page: '/checkout' }],
  device: null,
  tag: null,
  days: 30,
  around: '/',
  direction: 'after',
};

const MAX_STEPS = 10;
const isPattern = (p: string) => p.startsWith('/') && p.length <= 300;

/** Reads the view from a URL query; a malformed part falls back to its default, never guessed. */
export function parseFunnelView(search: string): FunnelView {
  const params = new URLSearchParams(search);
  const patterns = params.getAll('step').map((p) => p.trim());
  const steps =
    patterns.length >= 1 && patterns.length <= MAX_STEPS && patterns.every(isPattern)
      ? patterns.map((page, i): FunnelStepInput => {
          const click = params.get(`click.${i}`)?.trim();
          return click ? { page, click } : { page };
        })
      : DEFAULT_FUNNEL_VIEW.steps;
  const [tagKey, tagValue] = [params.get('tagKey')?.trim() ?? '', params.get('tagValue')?.trim() ?? ''];
  const around = params.get('around')?.trim() ?? '';
  return {
    steps,
    device: parseDeviceClass(params.get('device')),
    tag:
      tagKey !== '' && tagValue !== '' && tagKey.length <= 64 && tagValue.length <= 500
        ? { key: tagKey, value: tagValue }
        : null,
    days: FUNNEL_RANGES.find((r) => String(r) === params.get('days')) ?? DEFAULT_FUNNEL_VIEW.days,
    around: isPattern(around) ? around : DEFAULT_FUNNEL_VIEW.around,
    direction: params.get('direction') === 'before' ? 'before' : 'after',
  };
}

/** The view's URL query in a stable order (`''` for the default view). */
export function funnelViewToSearch(view: FunnelView): string {
  const params = new URLSearchParams();
  const same = (a: FunnelStepInput[], b: FunnelStepInput[]) =>
    a.map(formatFunnelStep).join('\n') === b.map(formatFunnelStep).join('\n');
  if (!same(view.steps, DEFAULT_FUNNEL_VIEW.steps)) {
    for (const step of view.steps) params.append('step', step.page);
    view.steps.forEach((step, i) => {
      if (step.click) params.set(`click.${i}`, step.click);
    });
  }
  if (view.device !== null) params.set('device', view.device);
  if (view.tag !== null) {
    params.set('tagKey', view.tag.key);
    params.set('tagValue', view.tag.value);
  }
  if (view.days !== DEFAULT_FUNNEL_VIEW.days) params.set('days', String(view.days));
  if (view.around !== DEFAULT_FUNNEL_VIEW.around) params.set('around', view.around);
  if (view.direction !== DEFAULT_FUNNEL_VIEW.direction) params.set('direction', view.direction);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
