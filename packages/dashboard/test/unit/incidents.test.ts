import { GDPR_NOTIFICATION_MS, notificationClock } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { clockIsUrgent, describeClock } from '../../src/incidents/incidentClock';
import { matchRoute, paths } from '../../src/router/routes';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 5, 9, 0);

describe('incidents page helpers', () => {
  it('routes /sites/{key}/incidents', () => {
    expect(matchRoute(paths.incidents('site key/1'))).toEqual({ name: 'incidents', siteKey: 'site key/1' });
  });

  it('describes the 72-hour clock in each state', () => {
    const running = notificationClock(T, null, T + 30.5 * HOUR);
    expect(describeClock(running)).toBe('41 h 30 min left to notify');
    expect(clockIsUrgent(running)).toBe(false);
    expect(clockIsUrgent(notificationClock(T, null, T + 60 * HOUR))).toBe(true);
    const overdue = notificationClock(T, null, T + 75 * HOUR);
    expect(overdue).toMatchObject({ state: 'overdue', deadline: T + GDPR_NOTIFICATION_MS });
    expect(describeClock(overdue)).toBe('Overdue by 3 h 0 min, no decision');
    expect(describeClock(notificationClock(T, T + 70 * HOUR, T + 100 * HOUR))).toBe(
      'Decided 2 h 0 min before the deadline',
    );
    expect(describeClock(notificationClock(T, T + 73 * HOUR, T + 100 * HOUR))).toBe(
      'Decided 1 h 0 min after the deadline',
    );
  });
});
