import { SIGNAL_KINDS, type SignalKind } from '@veil/core';

/** How the dashboard names each session signal (badges, filters, the overview). */
export const SIGNAL_LABELS: Readonly<Record<SignalKind, string>> = {
  rageClicks: 'Rage clicks',
  deadClicks: 'Dead clicks',
  quickBacks: 'Quick backs',
  excessiveScrolls: 'Excessive scrolling',
  errorClicks: 'Error clicks',
  jsErrors: 'JS errors',
  failedRequests: 'Failed requests',
};

export function isSignalKind(value: string): value is SignalKind {
  return (SIGNAL_KINDS as readonly string[]).includes(value);
}
