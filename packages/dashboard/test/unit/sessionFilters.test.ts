import { describe, expect, it } from 'vitest';
import {
  EMPTY_SESSION_FILTERS,
  hasActiveFilters,
  localDayEndMs,
  localDayStartMs,
  parseSessionFilters,
  type SessionFilters,
  sessionFiltersToApiParams,
  sessionFiltersToSearch,
} from '../../src/sessions/sessionFilters';

const ALL: SessionFilters = {
  from: '2025-03-01',
  to: '2025-03-31',
  device: 'mobile',
  minDurationSec: 30,
  page: '/checkout',
  signals: ['rageClicks', 'jsErrors'],
  sort: 'deadClicks',
  funnel: {
    steps: [{ page: '/' }, { page: '/cart', click: 'button#pay' }, { page: '/checkout' }],
    reached: 2,
  },
};

describe('session filters ⇄ URL query', () => {
  it('round-trips every filter', () => {
    const search = sessionFiltersToSearch(ALL);
    expect(search).toBe(
      '?from=2025-03-01&to=2025-03-31&device=mobile&minDuration=30&page=%2Fcheckout&signals=rageClicks%2CjsErrors&sort=deadClicks&step=%2F&step=%2Fcart&step=%2Fcheckout&click.1=button%23pay&reached=2',
    );
    expect(parseSessionFilters(search)).toEqual(ALL);
    // The API is asked for the same funnel step (a funnel step's link lists its sessions).
    const api = sessionFiltersToApiParams(ALL);
    expect(api.getAll('step')).toEqual(['/', '/cart', '/checkout']);
    expect([api.get('click.1'), api.get('reached')]).toEqual(['button#pay', '2']);
  });

  it('writes nothing when no filter is set', () => {
    expect(sessionFiltersToSearch(EMPTY_SESSION_FILTERS)).toBe('');
    expect(hasActiveFilters(EMPTY_SESSION_FILTERS)).toBe(false);
    expect(hasActiveFilters({ ...EMPTY_SESSION_FILTERS, page: '  ' })).toBe(false);
    expect(hasActiveFilters({ ...EMPTY_SESSION_FILTERS, device: 'tablet' })).toBe(true);
  });

  it('drops malformed values instead of guessing', () => {
    expect(
      parseSessionFilters(
        '?from=2025-02-30&to=yesterday&device=watch&minDuration=-4&page=%20%2Fa%20&cursor=x&signals=boredom&sort=boredom',
      ),
    ).toEqual({ ...EMPTY_SESSION_FILTERS, page: '/a' });
    expect(parseSessionFilters('?minDuration=1.5').minDurationSec).toBeNull();
    expect(parseSessionFilters('?minDuration=0').minDurationSec).toBeNull();
    expect(parseSessionFilters('?minDuration=999999').minDurationSec).toBeNull();
  });

  it("carries a funnel step's range and tag to the API, so the list holds the step's sessions", () => {
    const funnel = {
      steps: [{ page: '/' }, { page: '/cart' }],
      reached: 2,
      received: { from: 1_700_000_000_000, to: 1_702_592_000_000 },
      tag: { key: 'ab', value: 'x y' },
    };
    const filters = { ...EMPTY_SESSION_FILTERS, funnel };
    const search = sessionFiltersToSearch(filters);
    expect(search).toBe(
      '?step=%2F&step=%2Fcart&reached=2&receivedFrom=1700000000000&receivedTo=1702592000000&tagKey=ab&tagValue=x+y',
    );
    expect(parseSessionFilters(search)).toEqual(filters);
    const api = sessionFiltersToApiParams(filters);
    expect([api.get('receivedFrom'), api.get('receivedTo')]).toEqual(['1700000000000', '1702592000000']);
    expect([api.get('tagKey'), api.get('tagValue')]).toEqual(['ab', 'x y']);
    // Half a range or half a tag, or a range ending before it starts: no funnel filter at all.
    const base = '?step=%2F&step=%2Fcart&reached=2';
    expect(parseSessionFilters(`${base}&receivedFrom=5`).funnel).toBeNull();
    expect(parseSessionFilters(`${base}&receivedFrom=5&receivedTo=4`).funnel).toBeNull();
    expect(parseSessionFilters(`${base}&receivedFrom=x&receivedTo=4`).funnel).toBeNull();
    expect(parseSessionFilters(`${base}&tagKey=ab`).funnel).toBeNull();
  });

  it('drops a malformed funnel filter whole', () => {
    expect(parseSessionFilters('?step=%2F&step=%2Fcart&reached=3').funnel).toBeNull();
    expect(parseSessionFilters('?step=%2F&step=cart&reached=1').funnel).toBeNull();
    expect(parseSessionFilters('?step=%2F&reached=1').funnel).toBeNull();
    expect(parseSessionFilters('?step=%2F&step=%2Fcart').funnel).toBeNull();
    expect(parseSessionFilters('?step=%2F&step=%2Fcart&reached=1').funnel).toEqual({
      steps: [{ page: '/' }, { page: '/cart' }],
      reached: 1,
    });
  });

  it('keeps known signals in their display order, drops unknown ones', () => {
    expect(parseSessionFilters('?signals=jsErrors,boredom,rageClicks').signals).toEqual([
      'rageClicks',
      'jsErrors',
    ]);
  });

  it('accepts URLSearchParams and caps the page filter', () => {
    const params = new URLSearchParams({ page: 'x'.repeat(500) });
    expect(parseSessionFilters(params).page).toHaveLength(200);
  });

  it('round-trips special characters in the page filter', () => {
    const filters = { ...EMPTY_SESSION_FILTERS, page: 'a&b=c?d#e ü' };
    expect(parseSessionFilters(sessionFiltersToSearch(filters))).toEqual(filters);
  });
});

describe('session filters → API query', () => {
  it('turns local days into an inclusive millisecond range and seconds into ms', () => {
    const params = sessionFiltersToApiParams(ALL);
    expect(params.get('from')).toBe(String(new Date(2025, 2, 1).getTime()));
    expect(params.get('to')).toBe(String(new Date(2025, 3, 1).getTime() - 1));
    expect(params.get('device')).toBe('mobile');
    expect(params.get('minDurationMs')).toBe('30000');
    expect(params.get('page')).toBe('/checkout');
    expect(params.get('signals')).toBe('rageClicks,jsErrors');
    expect(params.get('sort')).toBe('deadClicks');
    expect([...new Set(params.keys())]).toEqual([
      'from',
      'to',
      'device',
      'minDurationMs',
      'page',
      'signals',
      'sort',
      'step',
      'click.1',
      'reached',
    ]);
  });

  it('sends no parameters without filters', () => {
    expect(sessionFiltersToApiParams(EMPTY_SESSION_FILTERS).toString()).toBe('');
  });

  it('validates calendar dates', () => {
    expect(localDayStartMs('2024-02-29')).toBe(new Date(2024, 1, 29).getTime());
    expect(localDayStartMs('2023-02-29')).toBeNull();
    expect(localDayStartMs('2023-2-1')).toBeNull();
    expect(localDayEndMs('2024-12-31')).toBe(new Date(2025, 0, 1).getTime() - 1);
  });
});
