import type { Replayer } from '@rrweb/replay';
import type { RecordedEvent } from '@veil/core';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { createSafeReplayer } from './createSafeReplayer';
import { type InactiveStretch, skippingStretchAt, skipSpeed } from './inactivity';
import { clamp, type PlaybackSpeed, replayerOffset } from './playerMath';
import { firstSnapshotOffset } from './replayEvents';

export interface Viewport {
  width: number;
  height: number;
}

export interface ReplayerState {
  status: 'mounting' | 'ready' | 'error';
  error: Error | null;
  playing: boolean;
  /** Replay clock, ms from the first event. */
  currentMs: number;
  totalMs: number;
  /** The inactive stretch being fast-forwarded through, or null. */
  skipping: InactiveStretch | null;
  /** The recorded viewport in CSS pixels (changes when the visitor resized the window). */
  viewport: Viewport | null;
}

export interface ReplayerControls extends ReplayerState {
  toggle: () => void;
  play: () => void;
  pause: () => void;
  seek: (ms: number) => void;
}

export interface ReplayerOptions {
  speed: PlaybackSpeed;
  /** Fast-forward through `inactive` while playing. */
  skipInactive: boolean;
  /** The session's inactive stretches (`inactiveStretches`). */
  inactive: readonly InactiveStretch[];
}

/**
 * Mounts rrweb's `Replayer` in `mountRef` for `events` (sorted, with a full snapshot), keeps a
 * clock in React state while playing, and tears everything down on unmount.
 *
 * Inactivity is skipped here rather than by rrweb's `skipInactive`: rrweb looks for a gap only
 * after a user interaction it has just replayed, so an idle start (or a gap after a page load)
 * plays in real time, and its stretches are not known ahead to be drawn. Here the stretches come
 * from the events (the same ones the timeline shades) and the clock raises rrweb's speed while it
 * is inside one, so the stretch plays through in about a second.
 */
export function useReplayer(
  mountRef: RefObject<HTMLDivElement | null>,
  events: readonly RecordedEvent[],
  options: ReplayerOptions,
): ReplayerControls {
  const replayerRef = useRef<Replayer | null>(null);
  const [state, setState] = useState<ReplayerState>({
    status: 'mounting',
    error: null,
    playing: false,
    currentMs: 0,
    totalMs: 0,
    skipping: null,
    viewport: null,
  });
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const stateRef = useRef(state);
  stateRef.current = state;
  /** The stretch being skipped (rrweb runs at its skip speed), or null (the viewer's speed). */
  const skipRef = useRef<InactiveStretch | null>(null);
  const firstSnapshotRef = useRef(0);
  firstSnapshotRef.current = firstSnapshotOffset(events);

  useEffect(() => {
    const root = mountRef.current;
    if (root === null) return;
    let replayer: Replayer;
    try {
      replayer = createSafeReplayer(events, {
        root,
        title: 'Recorded page (sandboxed, scripts disabled)',
        speed: optionsRef.current.speed,
        mouseTail: { strokeStyle: 'rgba(220, 38, 38, 0.55)', lineWidth: 2, duration: 600 },
      });
    } catch (error) {
      root.replaceChildren();
      setState((s) => ({
        ...s,
        status: 'error',
        error: error instanceof Error ? error : new Error(String(error)),
      }));
      return;
    }
    replayer.iframe.tabIndex = -1;
    replayerRef.current = replayer;
    const totalMs = replayer.getMetaData().totalTime;
    setState((s) => ({ ...s, status: 'ready', error: null, totalMs, currentMs: 0, playing: false }));

    const onFinish = () => {
      if (skipRef.current !== null) {
        skipRef.current = null;
        replayer.setConfig({ speed: optionsRef.current.speed });
      }
      setState((s) => ({ ...s, playing: false, skipping: null, currentMs: totalMs }));
    };
    const onResize = (payload: unknown) => {
      if (typeof payload !== 'object' || payload === null) return;
      const { width, height } = payload as { width?: unknown; height?: unknown };
      if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0) {
        setState((s) => ({ ...s, viewport: { width, height } }));
      }
    };
    replayer.on('finish', onFinish);
    replayer.on('resize', onResize);

    return () => {
      replayerRef.current = null;
      replayer.off('finish', onFinish);
      replayer.off('resize', onResize);
      try {
        replayer.destroy();
      } catch (error) {
        console.warn('Replayer teardown failed', error);
      }
      root.replaceChildren();
    };
  }, [mountRef, events]);

  /** Enters or leaves a skip for the replay clock at `now` (called each frame while playing). */
  const followInactivity = useCallback((replayer: Replayer, now: number) => {
    const { skipInactive, inactive, speed } = optionsRef.current;
    const stretch = skipInactive ? skippingStretchAt(inactive, now) : null;
    if (stretch === skipRef.current) return;
    skipRef.current = stretch;
    // One speed for the whole stretch, chosen on entering it (recomputing it every frame would
    // slow down ever more towards the end).
    replayer.setConfig({ speed: stretch === null ? speed : skipSpeed(stretch, now, speed) });
    setState((s) => ({ ...s, skipping: stretch }));
  }, []);

  /** Back to the viewer's speed (on pause, seek, or when skipping is turned off). */
  const stopSkipping = useCallback(() => {
    if (skipRef.current === null) return;
    skipRef.current = null;
    replayerRef.current?.setConfig({ speed: optionsRef.current.speed });
    setState((s) => ({ ...s, skipping: null }));
  }, []);

  // The clock: read rrweb's timer once per frame while playing.
  useEffect(() => {
    if (!state.playing) return;
    let frame = 0;
    const tick = () => {
      const replayer = replayerRef.current;
      if (replayer !== null) {
        const now = clamp(replayer.getCurrentTime(), 0, stateRef.current.totalMs);
        followInactivity(replayer, now);
        setState((s) => (s.playing && Math.abs(s.currentMs - now) >= 1 ? { ...s, currentMs: now } : s));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [state.playing, followInactivity]);

  useEffect(() => {
    // A new viewer speed ends a skip; the next frame starts it again with that speed as floor.
    skipRef.current = null;
    setState((s) => (s.skipping === null ? s : { ...s, skipping: null }));
    replayerRef.current?.setConfig({ speed: options.speed });
  }, [options.speed]);
  useEffect(() => {
    if (!options.skipInactive) stopSkipping();
  }, [options.skipInactive, stopSkipping]);

  const play = useCallback(() => {
    const replayer = replayerRef.current;
    if (replayer === null) return;
    const { currentMs, totalMs } = stateRef.current;
    const from = currentMs >= totalMs ? 0 : currentMs;
    replayer.play(replayerOffset(from, totalMs, firstSnapshotRef.current));
    setState((s) => ({ ...s, playing: true, currentMs: from }));
  }, []);

  const pause = useCallback(() => {
    const replayer = replayerRef.current;
    if (replayer === null) return;
    replayer.pause();
    stopSkipping();
    const now = clamp(replayer.getCurrentTime(), 0, stateRef.current.totalMs);
    setState((s) => ({ ...s, playing: false, currentMs: now }));
  }, [stopSkipping]);

  const toggle = useCallback(() => {
    if (stateRef.current.playing) pause();
    else play();
  }, [play, pause]);

  const seek = useCallback(
    (ms: number) => {
      const replayer = replayerRef.current;
      if (replayer === null) return;
      const { totalMs, playing } = stateRef.current;
      const target = clamp(ms, 0, totalMs);
      const offset = replayerOffset(target, totalMs, firstSnapshotRef.current);
      stopSkipping();
      if (playing && target < totalMs) replayer.play(offset);
      else replayer.pause(offset);
      setState((s) => ({ ...s, currentMs: target, playing: playing && target < totalMs }));
    },
    [stopSkipping],
  );

  return { ...state, play, pause, toggle, seek };
}
