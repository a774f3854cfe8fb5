import { roleHasPermission } from '@veil/core';
import { useCallback, useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { formatDuration } from '../format/duration';
import { useResource } from '../hooks/useResource';
import { Link, navigate } from '../router/history';
import { paths } from '../router/routes';
import { sessionListUrl } from '../sessions/lastListUrl';
import type { SessionDetail } from '../sessions/sessionsApi';
import { sessionsApi } from '../sessions/sessionsApi';
import { PurposeDialog } from './PurposeDialog';
import { ReplayView } from './ReplayView';
import { SessionFacts } from './SessionFacts';

/** `/sessions/:id`: session facts, then (with `replay:raw` and a stated purpose) the replay. */
export function ReplayPage({ sessionId }: { sessionId: string }) {
  const { api, user } = useAuth();
  const [detail, reloadDetail] = useResource(`session:${sessionId}`, (signal) =>
    sessionsApi(api).get(sessionId, signal),
  );
  const [purpose, setPurpose] = useState<string | null>(null);
  const [ticket, setTicket] = useState('');
  const [asking, setAsking] = useState(true);
  const [purposeError, setPurposeError] = useState<string | null>(null);
  /** The last purpose typed, kept so a refused one can be corrected rather than retyped. */
  const [lastPurpose, setLastPurpose] = useState('');
  const canReplay = roleHasPermission(user.role, 'replay:raw');
  const session = detail.status === 'ready' ? detail.data : null;
  const backTo = session ? sessionListUrl(session.siteKey) : paths.sites();

  const onPurposeRejected = useCallback((message: string) => {
    setPurposeError(message);
    setPurpose(null);
    setAsking(true);
  }, []);

  const subject = useMemo(() => (session ? describeSession(session) : ''), [session]);

  return (
    <>
      <PageHeading
        eyebrow={
          <Link to={backTo} className="back-link" data-testid="back-to-sessions">
            {session ? 'Sessions' : 'Sites'}
          </Link>
        }
        title="Session replay"
        description={session ? subject : undefined}
      />
      {detail.status === 'loading' && <Loading label="Loading the session…" />}
      {detail.status === 'error' && (
        <ErrorNotice
          error={detail.error}
          title={detail.error.status === 404 ? 'No such session' : 'Could not load the session'}
          onRetry={detail.error.status === 404 ? undefined : reloadDetail}
        />
      )}
      {!canReplay && (
        <div className="notice notice--info" role="status" data-testid="replay-not-permitted">
          <div>
            <p className="notice__title">Raw replays are not part of your role</p>
            <p className="notice__body">
              Your role can see session lists and aggregates. Ask an owner for the replay viewer role if your
              work needs raw replays; each one is logged with its purpose.
            </p>
          </div>
        </div>
      )}
      {canReplay && purpose === null && !asking && (
        <div className="empty-state">
          <h2>Replay not opened</h2>
          <p>A raw replay opens only with a stated purpose.</p>
          <button type="button" className="button button--primary" onClick={() => setAsking(true)}>
            State a purpose
          </button>
        </div>
      )}
      {canReplay && asking && detail.status !== 'error' && (
        <PurposeDialog
          subject={subject}
          initialPurpose={lastPurpose}
          serverError={purposeError}
          onCancel={() => {
            setAsking(false);
            if (purpose === null) navigate(backTo);
          }}
          onSubmit={(text, ticketRef) => {
            setPurposeError(null);
            setTicket(ticketRef);
            setLastPurpose(text);
            setPurpose(text);
            setAsking(false);
          }}
        />
      )}
      {canReplay && purpose !== null && (
        <ReplayView
          key={`${purpose}\n${ticket}`}
          sessionId={sessionId}
          purpose={purpose}
          ticket={ticket}
          session={session}
          onPurposeRejected={onPurposeRejected}
        />
      )}
      {session && <SessionFacts session={session} />}
    </>
  );
}

function describeSession(session: SessionDetail): string {
  const pages = `${session.pageCount} ${session.pageCount === 1 ? 'page' : 'pages'}`;
  return `Started ${formatDateTime(session.startedAt)} · ${formatDuration(session.durationMs)} · ${session.deviceClass ?? 'unknown device'} · ${pages}`;
}
