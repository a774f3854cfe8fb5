import type { Replayer } from '@rrweb/replay';
import { EventType, type RecordedEvent } from '@veil/core';
import { type RefObject, useEffect, useState } from 'react';
import { createSafeReplayer } from '../replay/createSafeReplayer';
import type { HeatmapSnapshot } from './heatmapApi';
import { MAX_CANVAS_PX } from './heatOverlay';

export type SnapshotFrame =
  | { status: 'building' }
  | { status: 'ready'; doc: Document; width: number; height: number }
  | { status: 'error'; error: Error };

/**
 * Rebuilds the page's representative snapshot with rrweb in `mountRef`: untrusted replay data,
 * so only in rrweb's iframe sandboxed without scripts (checked, or nothing is shown). The frame is
 * sized to the whole page at the snapshot's width, so page coordinates map 1:1 onto it.
 */
export function useSnapshotFrame(
  mountRef: RefObject<HTMLDivElement | null>,
  snapshot: HeatmapSnapshot | null,
): SnapshotFrame {
  const [frame, setFrame] = useState<SnapshotFrame>({ status: 'building' });

  useEffect(() => {
    const root = mountRef.current;
    if (root === null || snapshot === null) return;
    setFrame({ status: 'building' });
    const width = Math.max(320, snapshot.width);
    const events: RecordedEvent[] = [
      {
        type: EventType.Meta,
        timestamp: 1,
        data: { href: 'about:blank', width, height: Math.max(200, snapshot.height) },
      },
      {
        type: EventType.FullSnapshot,
        timestamp: 1,
        data: { node: snapshot.node, initialOffset: { top: 0, left: 0 } },
      },
    ];
    let replayer: Replayer | null = null;
    let cancelled = false;
    try {
      replayer = createSafeReplayer(events, {
        root,
        title: 'Page layout (text removed, sandboxed, scripts disabled)',
        mouseTail: false,
        insertStyleRules: [
          '*, *::before, *::after { transition: none !important; animation: none !important; }',
        ],
      });
      replayer.iframe.tabIndex = -1;
      // MACHINE-NOTES: pause(t) applies events before t, so one past the last.
      replayer.pause(1);
    } catch (error) {
      root.replaceChildren();
      setFrame({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    const iframe = replayer.iframe;
    // Once the layout settles (stylesheets applied), the frame grows to the page's full height.
    const settle = () => {
      if (cancelled) return;
      const doc = iframe.contentDocument;
      if (!doc?.documentElement) {
        setFrame({ status: 'error', error: new Error('The layout could not be rebuilt.') });
        return;
      }
      const height = Math.min(
        MAX_CANVAS_PX,
        Math.max(doc.documentElement.scrollHeight, doc.body?.scrollHeight ?? 0, snapshot.height),
      );
      iframe.setAttribute('width', String(width));
      iframe.setAttribute('height', String(height));
      iframe.style.width = `${width}px`;
      iframe.style.height = `${height}px`;
      setFrame({ status: 'ready', doc, width, height });
    };
    const timer = setTimeout(settle, 50);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      try {
        replayer?.destroy();
      } catch (error) {
        console.warn('Snapshot teardown failed', error);
      }
      root.replaceChildren();
    };
  }, [mountRef, snapshot]);

  return frame;
}
