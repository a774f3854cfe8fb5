export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** Viewport widths below this are phones. */
export const MOBILE_MAX_WIDTH_PX = 767;
/** Viewport widths below this (and above mobile) are tablets. */
export const TABLET_MAX_WIDTH_PX = 1023;

/** Device class by viewport width, the way heatmap segments and the session list group it. */
export function deviceClassForWidth(widthPx: number): DeviceClass {
  if (widthPx <= MOBILE_MAX_WIDTH_PX) return 'mobile';
  if (widthPx <= TABLET_MAX_WIDTH_PX) return 'tablet';
  return 'desktop';
}
