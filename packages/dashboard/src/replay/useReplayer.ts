import type { Replayer } from '@rrweb/replay';
import type { RecordedEvent } from '@veil/core';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { createSafeReplayer } from './createSafeReplayer';
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
  /** True while rrweb fast-forwards through an inactive stretch. */
  skipping: boolean;
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
  skipInactive: boolean;
}

/**
 * Mounts rrweb's `Replayer` in `mountRef` for `events` (sorted, with a full snapshot), keeps a
 * clock in React state while playing, and tears everything down on unmount.
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
    skipping: false,
    viewport: null,
  });
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const stateRef = useRef(state);
  stateRef.current = state;
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
        skipInactive: optionsRef.current.skipInactive,
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

    const onFinish = () => setState((s) => ({ ...s, playing: false, skipping: false, currentMs: totalMs }));
    const onResize = (payload: unknown) => {
      if (typeof payload !== 'object' || payload === null) return;
      const { width, height } = payload as { width?: unknown; height?: unknown };
      if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0) {
        setState((s) => ({ ...s, viewport: { width, height } }));
      }
    };
    const onSkipStart = () => setState((s) => ({ ...s, skipping: true }));
    const onSkipEnd = () => setState((s) => ({ ...s, skipping: false }));
    replayer.on('finish', onFinish);
    replayer.on('resize', onResize);
    replayer.on('skip-start', onSkipStart);
    replayer.on('skip-end', onSkipEnd);

    return () => {
      replayerRef.current = null;
      replayer.off('finish', onFinish);
      replayer.off('resize', onResize);
      replayer.off('skip-start', onSkipStart);
      replayer.off('skip-end', onSkipEnd);
      try {
        replayer.destroy();
      } catch (error) {
        console.warn('Replayer teardown failed', error);
      }
      root.replaceChildren();
    };
  }, [mountRef, events]);

  // The clock: read rrweb's timer once per frame while playing.
  useEffect(() => {
    if (!state.playing) return;
    let frame = 0;
    const tick = () => {
      const replayer = replayerRef.current;
      if (replayer !== null) {
        const now = clamp(replayer.getCurrentTime(), 0, stateRef.current.totalMs);
        setState((s) => (s.playing && Math.abs(s.currentMs - now) >= 1 ? { ...s, currentMs: now } : s));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [state.playing]);

  useEffect(() => {
    replayerRef.current?.setConfig({ speed: options.speed });
  }, [options.speed]);
  useEffect(() => {
    replayerRef.current?.setConfig({ skipInactive: options.skipInactive });
    if (!options.skipInactive) setState((s) => ({ ...s, skipping: false }));
  }, [options.skipInactive]);

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
    const now = clamp(replayer.getCurrentTime(), 0, stateRef.current.totalMs);
    setState((s) => ({ ...s, playing: false, skipping: false, currentMs: now }));
  }, []);

  const toggle = useCallback(() => {
    if (stateRef.current.playing) pause();
    else play();
  }, [play, pause]);

  const seek = useCallback((ms: number) => {
    const replayer = replayerRef.current;
    if (replayer === null) return;
    const { totalMs, playing } = stateRef.current;
    const target = clamp(ms, 0, totalMs);
    const offset = replayerOffset(target, totalMs, firstSnapshotRef.current);
    if (playing && target < totalMs) replayer.play(offset);
    else replayer.pause(offset);
    setState((s) => ({ ...s, currentMs: target, playing: playing && target < totalMs, skipping: false }));
  }, []);

  return { ...state, play, pause, toggle, seek };
}
