import { z } from 'zod';

/**
 * The device classes heatmap segments, funnels and the session list group by, widest last. The one
 * list: schemas, filters and the demo's `--devices` all take it from here.
 */
export const DEVICE_CLASSES = ['mobile', 'tablet', 'desktop'] as const;

export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** A device class in a query or an answer. */
export const deviceClassSchema = z.enum(DEVICE_CLASSES);

/** `value` as a device class, or null when it names none. */
export function parseDeviceClass(value: string | null | undefined): DeviceClass | null {
  return DEVICE_CLASSES.find((d) => d === value) ?? null;
}

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
