import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FUNNEL_VIEW,
  type FunnelView,
  funnelViewToSearch,
  parseFunnelView,
} from '../../src/funnels/funnelView';

describe('Funnels page ⇄ URL query', () => {
  it('round-trips a funnel with a click step, segment, range and top-paths page', () => {
    const view: FunnelView = {
      steps: [{ page: '/' }, { page: '/cart', click: 'button#pay' }, { page: '/checkout' }],
      device: 'mobile',
      tag: { key: 'ab', value: 'x' },
      days: 7,
      around: '/item/:id',
      direction: 'before',
    };
    const search = funnelViewToSearch(view);
    expect(search).toBe(
      '?step=%2F&step=%2Fcart&step=%2Fcheckout&click.1=button%23pay&device=mobile&tagKey=ab&tagValue=x&days=7&around=%2Fitem%2F%3Aid&direction=before',
    );
    expect(parseFunnelView(search)).toEqual(view);
  });

  it('writes nothing for the default view and drops malformed parts to their default', () => {
    expect(funnelViewToSearch(DEFAULT_FUNNEL_VIEW)).toBe('');
    expect(
      parseFunnelView('?step=cart&step=%2F&device=fridge&tagKey=ab&days=12&around=x&direction=up'),
    ).toEqual(DEFAULT_FUNNEL_VIEW);
  });
});
