import { describe, expect, it } from 'vitest';
import {
  DEVICE_CLASSES,
  deviceClassForWidth,
  deviceClassSchema,
  MOBILE_MAX_WIDTH_PX,
  parseDeviceClass,
  TABLET_MAX_WIDTH_PX,
} from '../../src/index.js';

describe('device classes', () => {
  it('lists every class a width can fall in, narrowest first, each once', () => {
    const widths = [
      320,
      MOBILE_MAX_WIDTH_PX,
      MOBILE_MAX_WIDTH_PX + 1,
      TABLET_MAX_WIDTH_PX,
      TABLET_MAX_WIDTH_PX + 1,
      2560,
    ];
    const seen = [...new Set(widths.map(deviceClassForWidth))];
    expect(seen).toEqual([...DEVICE_CLASSES]);
  });

  it('parses a known class and nothing else', () => {
    for (const d of DEVICE_CLASSES) {
      expect(parseDeviceClass(d)).toBe(d);
      expect(deviceClassSchema.parse(d)).toBe(d);
    }
    for (const other of ['Desktop', 'phone', '', ' mobile', null, undefined]) {
      expect(parseDeviceClass(other)).toBeNull();
      expect(deviceClassSchema.safeParse(other).success).toBe(false);
    }
  });
});
