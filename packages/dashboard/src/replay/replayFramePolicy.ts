import { VEIL_SERVED_SITE_PATHS } from './replayUrls';

/**
 * The Content-Security-Policy of every frame that rebuilds recorded DOM (replay, heatmap snapshot,
 * privacy preview). It allows nothing outside Veil's own origin: images, styles, fonts and media
 * only from the pages Veil serves itself (`VEIL_SERVED_SITE_PATHS`) or inline `data:`/`blob:`; no
 * scripts, no connections, no frames, objects or workers, no form submission, no `<base>`.
 * Inline styles stay allowed: the rebuilt page's own `<style>` text and rrweb's are inline.
 */
export function replayFrameCsp(ownOrigin: string): string {
  const served = VEIL_SERVED_SITE_PATHS.map((path) => `${ownOrigin}${path}`).join(' ');
  return [
    "default-src 'none'",
    `img-src data: blob: ${served}`,
    `style-src 'unsafe-inline' ${served}`,
    `font-src data: ${served}`,
    'media-src data: blob:',
    "script-src 'none'",
    "connect-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Thrown when the replay frame's policy cannot be installed: nothing is replayed then. */
export class ReplayFramePolicyError extends Error {
  constructor(reason: string) {
    super(
      `The replay frame's Content-Security-Policy could not be installed (${reason}); Veil refuses to replay.`,
    );
    this.name = 'ReplayFramePolicyError';
  }
}

/**
 * Installs `replayFrameCsp` in the replay frame's (still empty, about:blank) document, before rrweb
 * builds anything in it. A policy delivered by `<meta>` stays in force for the document's lifetime,
 * also after rrweb's `document.open()` empties it; nested frames rrweb creates inherit it. The
 * frame is also made `inert`: the viewer can neither click nor tab into the recorded page, so
 * nothing in it can be followed or submitted. Throws (fails closed) when the document is missing.
 */
export function installReplayFramePolicy(iframe: HTMLIFrameElement, ownOrigin: string): void {
  const doc = iframe.contentDocument;
  if (doc === null) throw new ReplayFramePolicyError('the frame has no document');
  const head = doc.head ?? doc.documentElement?.appendChild(doc.createElement('head'));
  if (head === undefined || head === null) throw new ReplayFramePolicyError('the frame has no head');
  const meta = doc.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = replayFrameCsp(ownOrigin);
  head.prepend(meta);
  iframe.inert = true;
}
