import { useEffect, useMemo } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { ShieldIcon } from '../components/icons';
import { formatTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import type { SessionDetail } from '../sessions/sessionsApi';
import { activityItems } from './activityItems';
import { Player } from './Player';
import { replayApi } from './replayApi';
import { prepareReplay } from './replayEvents';
import { extractTimelineMarkers, pageVisits } from './timelineMarkers';

export interface ReplayViewProps {
  sessionId: string;
  purpose: string;
  /** Optional ticket reference of the purpose. */
  ticket?: string;
  /** The session's summary and page views, when already loaded. */
  session: SessionDetail | null;
  /** The server refused the purpose (`purpose_required`): ask again. */
  onPurposeRejected: (message: string) => void;
}

/** One raw replay access: fetches the events with the purpose, then shows the banner and the player. */
export function ReplayView({ sessionId, purpose, ticket = '', session, onPurposeRejected }: ReplayViewProps) {
  const { api } = useAuth();
  const [access, retry] = useResource(`events:${sessionId}:${purpose}:${ticket}`, (signal) =>
    replayApi(api).events(sessionId, purpose, signal, ticket),
  );

  const rejected =
    access.status === 'error' && access.error.code === 'purpose_required' ? access.error.message : null;
  useEffect(() => {
    if (rejected !== null) onPurposeRejected(rejected);
  }, [rejected, onPurposeRejected]);

  const prepared = useMemo(
    () => (access.status === 'ready' ? prepareReplay(access.data.events) : null),
    [access],
  );
  const markers = useMemo(() => (prepared?.ok ? extractTimelineMarkers(prepared.events) : []), [prepared]);
  const pages = useMemo(
    () => (prepared?.ok ? pageVisits(session?.pages ?? [], markers, prepared.startMs) : []),
    [prepared, session, markers],
  );
  const activity = useMemo(() => (prepared?.ok ? activityItems(prepared.events) : []), [prepared]);
  const loggedPurpose =
    access.status === 'ready' && access.data.purpose !== '' ? access.data.purpose : purpose;

  return (
    <>
      <div className="purpose-banner" role="note" data-testid="purpose-banner">
        <ShieldIcon size={18} />
        <p>
          <strong>Raw replay access</strong> — purpose: <q data-testid="purpose-text">{loggedPurpose}</q>
          {access.status === 'ready' && access.data.grant?.ticket && (
            <>
              , ticket <span data-testid="purpose-ticket-text">{access.data.grant.ticket}</span>
            </>
          )}
          , logged
          {access.status === 'ready' && access.data.grant && (
            <> · access until {formatTime(access.data.grant.expiresAt)}</>
          )}
        </p>
      </div>
      {access.status === 'loading' && <Loading label="Decrypting the recording…" />}
      {access.status === 'error' && rejected === null && (
        <ErrorNotice
          error={access.error}
          title={
            access.error.code === 'forbidden' ? 'Raw replay not allowed' : 'Could not load the recording'
          }
          onRetry={access.error.code === 'forbidden' || access.error.status === 404 ? undefined : retry}
        />
      )}
      {prepared !== null && !prepared.ok && (
        <div className="empty-state" data-testid="replay-unavailable">
          <h2>Nothing to replay</h2>
          <p>
            {prepared.reason === 'empty'
              ? 'This session has no recorded events (it may have been purged, or the visitor left at once).'
              : 'This session has no full page snapshot, so the page cannot be rebuilt. Events may still be arriving for a live session.'}
          </p>
        </div>
      )}
      {prepared?.ok && (
        <Player events={prepared.events} markers={markers} pages={pages} activity={activity} />
      )}
    </>
  );
}
