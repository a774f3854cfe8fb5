import type { Replayer } from '@rrweb/replay';
import type { RecordedEvent } from '@veil/core';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { PageHeading } from '../components/PageHeading';
import { toApiError } from '../hooks/useResource';
import { createSafeReplayer } from '../replay/createSafeReplayer';
import { replayApi } from '../replay/replayApi';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { EMPTY_SESSION_FILTERS } from '../sessions/sessionFilters';
import { sessionsApi } from '../sessions/sessionsApi';
import {
  currentPolicySelectors,
  latestSnapshotOf,
  markCapturedSnapshot,
  PREVIEW_ATTRIBUTE,
  type PreviewCounts,
} from './previewMarks';
import { privacyApi } from './privacyApi';

interface Loaded {
  events: RecordedEvent[];
  counts: PreviewCounts;
  sessionId: string;
  selectors: ReturnType<typeof currentPolicySelectors>;
}

/**
 * Privacy preview: a page of the site exactly as Veil captured it, rebuilt from its newest full
 * snapshot in a frame sandboxed without scripts, with blocked (red), masked (amber) and unmasked
 * (green) elements outlined, and what the current policy would block or mask now outlined too.
 * Opening a captured page is a raw replay access: it states a purpose and is logged.
 */
export function PrivacyPreviewPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const privacy = useMemo(() => privacyApi(api), [api]);
  const [page, setPage] = useState('');
  const [purpose, setPurpose] = useState('');
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'error'; message: string }
    | { status: 'ready'; loaded: Loaded }
  >({ status: 'idle' });
  const mount = useRef<HTMLDivElement>(null);

  async function load(e: FormEvent) {
    e.preventDefault();
    setState({ status: 'loading' });
    try {
      const [{ sessions }, current] = await Promise.all([
        sessionsApi(api).list(siteKey, { ...EMPTY_SESSION_FILTERS, page }, null),
        privacy.current(siteKey),
      ]);
      for (const s of sessions) {
        const { events } = await replayApi(api).events(s.id, purpose.trim());
        const pair = latestSnapshotOf(events, page.trim());
        if (!pair) continue;
        const [meta, snapshot] = pair as [RecordedEvent, RecordedEvent];
        const data = snapshot.data as { node: Parameters<typeof markCapturedSnapshot>[0] };
        const marked = markCapturedSnapshot(data.node);
        setState({
          status: 'ready',
          loaded: {
            events: [meta, { ...snapshot, data: { ...data, node: marked.node } }],
            counts: marked.counts,
            sessionId: s.id,
            selectors: currentPolicySelectors(current.policy),
          },
        });
        return;
      }
      setState({ status: 'error', message: 'No captured snapshot of such a page yet.' });
    } catch (error) {
      setState({ status: 'error', message: toApiError(error).message });
    }
  }

  useEffect(() => {
    const root = mount.current;
    if (state.status !== 'ready' || root === null) return;
    const { events, selectors } = state.loaded;
    let replayer: Replayer;
    try {
      replayer = createSafeReplayer(events, {
        root,
        title: 'Captured page (sandboxed, scripts disabled)',
        mouseTail: false,
      });
      replayer.pause((events[1]?.timestamp ?? 0) - (events[0]?.timestamp ?? 0) + 1);
      // What the current policy would block, mask or unmask now (the frame's DOM, from outside).
      const doc = replayer.iframe.contentDocument;
      if (doc) {
        for (const [mark, selector] of Object.entries(selectors)) {
          try {
            for (const el of Array.from(doc.querySelectorAll(selector))) {
              if (!el.hasAttribute(PREVIEW_ATTRIBUTE)) el.setAttribute(PREVIEW_ATTRIBUTE, mark);
            }
          } catch {
            // A selector the browser cannot parse outlines nothing.
          }
        }
      }
    } catch (error) {
      root.replaceChildren();
      setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    return () => {
      try {
        replayer.destroy();
      } catch (error) {
        console.warn('Preview teardown failed', error);
      }
      root.replaceChildren();
    };
  }, [state]);

  return (
    <>
      <PageHeading
        title="Privacy preview"
        eyebrow={<Link to={paths.privacy(siteKey)}>Privacy policy</Link>}
        description="A page as Veil captures it under the policy: check a screen before it ships."
      />
      <form className="toolbar" onSubmit={load} data-testid="preview-form">
        <div className="field field--inline">
          <label htmlFor="preview-page">Page path contains</label>
          <input
            id="preview-page"
            data-testid="preview-page"
            value={page}
            onChange={(e) => setPage(e.target.value)}
          />
        </div>
        <div className="field field--inline">
          <label htmlFor="preview-purpose">Purpose (logged)</label>
          <input
            id="preview-purpose"
            data-testid="preview-purpose"
            required
            minLength={3}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
          />
        </div>
        <button
          type="submit"
          className="button"
          data-testid="preview-load"
          disabled={state.status === 'loading'}
        >
          Show the page as captured
        </button>
      </form>
      <ul className="legend small">
        <li>
          <span className="swatch swatch--blocked" /> blocked: not captured at all
        </li>
        <li>
          <span className="swatch swatch--masked" /> masked: text or value replaced by <code>*</code>
        </li>
        <li>
          <span className="swatch swatch--unmasked" /> unmasked: the input's value is captured (still
          PII-scanned)
        </li>
      </ul>
      {state.status === 'loading' && <p className="muted">Loading…</p>}
      {state.status === 'error' && (
        <p className="notice notice--error" role="alert" data-testid="preview-error">
          {state.message}
        </p>
      )}
      {state.status === 'ready' && (
        <p className="muted small" data-testid="preview-counts">
          {state.loaded.counts.blocked} blocked, {state.loaded.counts.masked} masked,{' '}
          {state.loaded.counts.unmasked} unmasked (session <code>{state.loaded.sessionId}</code>)
        </p>
      )}
      <div className="player-stage preview-stage" ref={mount} data-testid="preview-stage" />
    </>
  );
}
