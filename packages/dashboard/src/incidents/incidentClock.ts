import type { Incident } from '@veil/core';

const HOUR_MS = 60 * 60 * 1000;

/** The 72-hour clock in words: "41 h 30 min left to notify", "Overdue by 3 h 0 min", … */
export function describeClock(clock: Incident['clock']): string {
  const total = Math.round(Math.abs(clock.remainingMs) / 60_000);
  const span = `${Math.floor(total / 60)} h ${total % 60} min`;
  switch (clock.state) {
    case 'running':
      return `${span} left to notify`;
    case 'overdue':
      return `Overdue by ${span}, no decision`;
    case 'decided':
      return `Decided ${span} before the deadline`;
    case 'decided_late':
      return `Decided ${span} after the deadline`;
  }
}

/** Under a quarter of the 72 hours left, or past it without a decision. */
export function clockIsUrgent(clock: Incident['clock']): boolean {
  return clock.state === 'overdue' || (clock.state === 'running' && clock.remainingMs < 18 * HOUR_MS);
}
