import { DeviceLabel } from '../components/DeviceLabel';
import { formatDateTimeFull } from '../format/dateTime';
import { formatDuration } from '../format/duration';
import type { SessionDetail } from '../sessions/sessionsApi';

const numberFormat = new Intl.NumberFormat();

/** Beyond a minute apart the browser's clock is wrong (or forged): both times are shown. */
const CLOCK_SKEW_SHOWN_MS = 60_000;

export function clocksDiffer(browserTime: number, serverTime: number): boolean {
  return Math.abs(browserTime - serverTime) > CLOCK_SKEW_SHOWN_MS;
}

/** The session's metadata (no raw data): safe to show without a stated purpose. */
export function SessionFacts({ session }: { session: SessionDetail }) {
  return (
    <section className="card facts-card" aria-labelledby="session-facts-title" data-testid="session-facts">
      <h2 id="session-facts-title" className="side-title">
        Session details
      </h2>
      <dl className="facts facts--grid">
        <div>
          <dt>Session ID</dt>
          <dd>
            <code className="mono">{session.id}</code>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTimeFull(session.startedAt)}</dd>
        </div>
        {session.receivedAt !== undefined && clocksDiffer(session.startedAt, session.receivedAt) && (
          <div data-testid="session-received-at">
            <dt>Received by Veil</dt>
            <dd>
              {formatDateTimeFull(session.receivedAt)}
              <span className="muted">
                {' '}
                (server clock; the browser's clock differs, retention counts from this)
              </span>
            </dd>
          </div>
        )}
        <div>
          <dt>Duration</dt>
          <dd>
            {formatDuration(session.durationMs)}
            {!session.finalised && <span className="badge badge--live">Live</span>}
          </dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd>
            <DeviceLabel device={session.deviceClass} />
          </dd>
        </div>
        <div>
          <dt>Viewport width</dt>
          <dd>{session.viewportWidth !== null ? `${session.viewportWidth}px` : '—'}</dd>
        </div>
        <div>
          <dt>Pages</dt>
          <dd>{session.pageCount}</dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{numberFormat.format(session.eventCount)}</dd>
        </div>
        <div className="facts__wide">
          <dt>Entry page</dt>
          <dd className="break">{session.entryUrl || '—'}</dd>
        </div>
      </dl>
    </section>
  );
}
