import { capActivityEvent, parseErrorEvent, type RecordedEvent, type RecordOnError } from '@veil/core';
import type { Clock } from '../../clock.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/** Whether the batch holds a well-formed error of a kind that opens the window. */
function holdsTrigger(events: readonly RecordedEvent[], triggers: RecordOnError['triggers']): boolean {
  return events.some((event) => {
    // Its texts are pre-cut (pageTargeting), not yet cut to their caps (after redaction).
    const error = parseErrorEvent(capActivityEvent(event));
    return error !== null && error !== 'invalid' && triggers.includes(error.kind);
  });
}

/**
 * Step `errorWindow`: record-on-error, enforced again on the server (the browser can lie). On a
 * site whose policy has `recordOnError.enabled`, a batch is accepted only when it holds an error
 * of a triggering kind, or when its session already carries an error signal (the rest of the
 * window and the time recorded after the error). Anything else is refused and counted (`no_error`):
 * a session in this mode never exists without an error. Runs after `pageTargeting`, so an error
 * event the policy drops (`captureErrors` off) cannot open a window.
 */
export async function errorWindow<T extends LocatedBatch>(
  deps: { store: Store; clock: Clock },
  input: T,
): Promise<T | Drop> {
  const { site, batch } = input;
  const mode = site.policy.recordOnError;
  if (!mode.enabled) return input;
  if (holdsTrigger(batch.events, mode.triggers)) return input;
  const counts = await deps.store.signals.counts(batch.sessionId);
  if (counts !== undefined && counts.jsErrors > 0) return input;
  await deps.store.privacy.countDrop(site.id, 'no_error', deps.clock.now());
  return drop('not_recorded', 'the site records only around errors, and this session has none');
}
