import { describe, expect, it } from 'vitest';
import { formatFunnelStep, parseFunnelSteps } from '../../src/funnels/funnelSteps';

describe('funnel steps as typed', () => {
  it('reads a page per line, and `PATTERN @ ELEMENT` as a click step', () => {
    expect(
      parseFunnelSteps('/\n\n  /item/:id  \n/cart @ main#main>button:nth-of-type(1)\n/checkout @ '),
    ).toEqual([
      { page: '/' },
      { page: '/item/:id' },
      { page: '/cart', click: 'main#main>button:nth-of-type(1)' },
      { page: '/checkout' },
    ]);
  });

  it('writes steps back the way they are read', () => {
    const steps = [{ page: '/' }, { page: '/cart', click: 'button#pay' }];
    expect(parseFunnelSteps(steps.map(formatFunnelStep).join('\n'))).toEqual(steps);
  });
});
