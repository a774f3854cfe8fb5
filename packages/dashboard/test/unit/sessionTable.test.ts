import { SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SessionTable } from '../../src/sessions/SessionTable';
import type { SessionSummary } from '../../src/sessions/sessionsApi';

const NOW = Date.UTC(2026, 11, 7, 12);
const noSignals = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, 0])) as unknown as SignalCounts;

function session(id: string, demo: boolean): SessionSummary {
  return {
    id,
    siteKey: 'site_demo',
    startedAt: NOW - 60_000,
    receivedAt: NOW - 60_000,
    endedAt: NOW - 30_000,
    durationMs: 30_000,
    pageCount: 2,
    entryUrl: 'http://127.0.0.1:8080/demo/',
    deviceClass: 'desktop',
    viewportWidth: 1280,
    eventCount: 120,
    finalised: true,
    demo,
    signals: noSignals,
  };
}

/** The markup of one row, by session id. */
function row(html: string, id: string): string {
  const start = html.indexOf(`data-session-id="${id}"`);
  const end = html.indexOf('</tr>', start);
  return html.slice(start, end);
}

describe('session table', () => {
  it('marks demo sessions as demo data and no other session', () => {
    const html = renderToStaticMarkup(
      createElement(SessionTable, {
        sessions: [session('sess_demo', true), session('sess_real', false)],
        now: NOW,
      }),
    );
    expect(row(html, 'sess_demo')).toContain('data-testid="demo-badge"');
    expect(row(html, 'sess_demo')).toContain('>Demo</span>');
    expect(row(html, 'sess_real')).not.toContain('demo-badge');
  });
});
