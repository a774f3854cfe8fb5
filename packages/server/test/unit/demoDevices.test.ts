import { deviceClassForWidth } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { DEMO_PERSONAS } from '../../src/demo/demoVisitors.js';
import { demoDevice } from '../../src/demo/runDemo.js';

const classesOf = (n: number, classes: Parameters<typeof demoDevice>[1]) =>
  Array.from({ length: n }, (_, i) => deviceClassForWidth(demoDevice(i, classes).width));

describe('demo visitors’ devices (veil demo --devices)', () => {
  it('by default every visitor is a desktop visitor, alternating two window sizes by round', () => {
    expect(new Set(classesOf(25, ['desktop']))).toEqual(new Set(['desktop']));
    const widths = Array.from({ length: 10 }, (_, i) => demoDevice(i, ['desktop']).width);
    expect(widths).toEqual([1280, 1280, 1280, 1280, 1280, 1440, 1440, 1440, 1440, 1440]);
  });

  it('takes turns by rounds of the personas, so every class gets every persona and as many visitors', () => {
    const rounds = DEMO_PERSONAS.length;
    const classes = classesOf(15 * rounds, ['desktop', 'tablet', 'mobile']);
    expect(classes.slice(0, 3 * rounds)).toEqual([
      ...Array(rounds).fill('desktop'),
      ...Array(rounds).fill('tablet'),
      ...Array(rounds).fill('mobile'),
    ]);
    for (const c of ['desktop', 'tablet', 'mobile']) expect(classes.filter((x) => x === c)).toHaveLength(25);
  });
});
