import { DeviceLabel } from '../components/DeviceLabel';
import { formatDateTime, formatDateTimeFull, formatRelative } from '../format/dateTime';
import { formatDuration } from '../format/duration';
import { displayUrl } from '../format/url';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { clockSkewNote } from './clockSkew';
import { SignalBadges } from './SignalBadges';
import type { SessionSummary } from './sessionsApi';

export interface SessionTableProps {
  sessions: readonly SessionSummary[];
  /** Injected "now" for relative times; the list re-renders on every refresh anyway. */
  now: number;
}

const numberFormat = new Intl.NumberFormat();

export function SessionTable({ sessions, now }: SessionTableProps) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="session-table">
        <caption className="visually-hidden">Sessions, newest first. Open one to replay it.</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Pages
            </th>
            <th scope="col">Device</th>
            <th scope="col" className="num">
              Events
            </th>
            <th scope="col">Entry page</th>
            <th scope="col">Signals</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <SessionRow key={session.id} session={session} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SessionRow({ session, now }: { session: SessionSummary; now: number }) {
  const entry = displayUrl(session.entryUrl);
  const skew = clockSkewNote(session);
  return (
    <tr className="table__row--link" data-testid="session-row" data-session-id={session.id}>
      <td>
        <Link
          to={paths.replay(session.id)}
          className="row-link"
          title={formatDateTimeFull(session.startedAt)}
          data-testid="session-link"
        >
          {formatDateTime(session.startedAt)}
        </Link>
        {skew !== undefined && session.receivedAt !== undefined && (
          <span
            className="cell-sub"
            data-testid="session-received"
            title="Retention counts from when Veil received the session, never from the page's clock"
          >
            received {formatDateTime(session.receivedAt)} ({skew})
          </span>
        )}
        <span className="cell-sub">
          {formatRelative(session.startedAt, now)}
          {!session.finalised && (
            <span className="badge badge--live" title="The session may still receive events">
              Live
            </span>
          )}
          {session.demo && (
            <span
              className="badge badge--demo"
              data-testid="demo-badge"
              title="Recorded by veil demo on the demo site; npx veil demo --erase erases it"
            >
              Demo
            </span>
          )}
        </span>
      </td>
      <td className="num">{formatDuration(session.durationMs)}</td>
      <td className="num">{session.pageCount}</td>
      <td>
        <DeviceLabel device={session.deviceClass} />
        {session.viewportWidth !== null && <span className="cell-sub">{session.viewportWidth}px wide</span>}
      </td>
      <td className="num">{numberFormat.format(session.eventCount)}</td>
      <td className="url-cell" title={session.entryUrl}>
        <span className="url-cell__path">{entry.path}</span>
        {entry.host && <span className="cell-sub">{entry.host}</span>}
      </td>
      <td>
        <SignalBadges signals={session.signals} />
      </td>
    </tr>
  );
}
