import type { RecordedEvent } from '@veil/core';
import '@rrweb/replay/dist/style.css';
import '../styles/player.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { PauseIcon, PlayIcon } from '../components/icons';
import { formatClock } from '../format/duration';
import { ActivityPanel } from './ActivityPanel';
import type { ActivityItem } from './activityItems';
import { inactiveStretches } from './inactivity';
import { PageList } from './PageList';
import { fitToStage, PLAYBACK_SPEEDS, type PlaybackSpeed } from './playerMath';
import { initialViewport } from './replayEvents';
import { Timeline } from './Timeline';
import { layoutMarkers, type PageVisit, signalMarkers, type TimelineMarker } from './timelineMarkers';
import { useReplayer } from './useReplayer';

export interface PlayerProps {
  /** Sorted events with a full snapshot (see `prepareReplay`). */
  events: readonly RecordedEvent[];
  markers: readonly TimelineMarker[];
  pages: readonly PageVisit[];
  /** The activity panel's entries (pages, clicks, signals, errors, failed requests, tags). */
  activity?: readonly ActivityItem[];
}

/** Elements where Space already means something (type a space, press a button, toggle a box). */
function spaceBelongsTo(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target.closest('input, textarea, select, button, a[href], summary, dialog') !== null;
}

const NO_ACTIVITY: readonly ActivityItem[] = [];

export function Player({ events, markers, pages, activity = NO_ACTIVITY }: PlayerProps) {
  const mountRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [speed, setSpeed] = useState<PlaybackSpeed>(1);
  const [skipInactive, setSkipInactive] = useState(true);
  const [stage, setStage] = useState({ width: 0, height: 0 });
  const inactive = useMemo(() => inactiveStretches(events), [events]);
  const player = useReplayer(mountRef, events, { speed, skipInactive, inactive });
  const viewport = player.viewport ?? initialViewport(events);
  const drawn = useMemo(
    () => layoutMarkers([...markers, ...signalMarkers(activity)], player.totalMs),
    [markers, activity, player.totalMs],
  );
  const clickCount = markers.filter((m) => m.kind === 'click').length;

  useEffect(() => {
    const el = stageRef.current;
    if (el === null) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setStage({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const { toggle } = player;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== ' ' || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
      if (spaceBelongsTo(event.target)) return;
      event.preventDefault();
      toggle();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [toggle]);

  const fit = viewport ? fitToStage(stage.width, stage.height, viewport.width, viewport.height) : null;
  const ready = player.status === 'ready';

  return (
    <div className="player-layout">
      <section className="player" aria-label="Replay player" data-testid="player">
        <div
          className="player__stage"
          ref={stageRef}
          data-testid="player-container"
          data-state={player.status}
          data-playing={player.playing}
        >
          <div
            className="player__mount"
            ref={mountRef}
            style={
              fit && viewport
                ? {
                    width: viewport.width,
                    height: viewport.height,
                    transform: `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})`,
                  }
                : undefined
            }
            data-scale={fit ? fit.scale.toFixed(3) : undefined}
          />
          {player.status === 'error' && (
            <div className="player__overlay" role="alert" data-testid="player-error">
              <p className="notice__title">This recording cannot be replayed</p>
              <p>{player.error?.message}</p>
            </div>
          )}
          <div className="player__status" role="status" aria-live="polite">
            {player.skipping && (
              <span className="player__badge" data-testid="skip-indicator">
                Skipping inactivity ⏩ {formatClock(player.skipping.startMs)} →{' '}
                {formatClock(player.skipping.endMs)}
              </span>
            )}
          </div>
        </div>
        <Timeline
          currentMs={player.currentMs}
          totalMs={player.totalMs}
          markers={drawn}
          inactive={inactive}
          skipInactive={skipInactive}
          onSeek={player.seek}
          disabled={!ready}
        />
        <div className="player__controls">
          <button
            type="button"
            className="button button--primary player__play"
            onClick={player.toggle}
            disabled={!ready}
            aria-label={player.playing ? 'Pause' : 'Play'}
            aria-keyshortcuts="Space"
            data-testid="play-button"
            data-playing={player.playing}
          >
            {player.playing ? <PauseIcon /> : <PlayIcon />}
          </button>
          <span className="player__clock" data-testid="player-time">
            <span data-testid="player-current">{formatClock(player.currentMs)}</span>
            <span className="muted"> / </span>
            <span data-testid="player-total">{formatClock(player.totalMs)}</span>
          </span>
          <fieldset className="segmented" aria-label="Playback speed">
            <legend className="visually-hidden">Playback speed</legend>
            {PLAYBACK_SPEEDS.map((s) => (
              <button
                key={s}
                type="button"
                className="segmented__item"
                aria-pressed={speed === s}
                onClick={() => setSpeed(s)}
                data-testid={`speed-${s}`}
              >
                {s}×
              </button>
            ))}
          </fieldset>
          <label className="switch">
            <input
              type="checkbox"
              checked={skipInactive}
              onChange={(e) => setSkipInactive(e.target.checked)}
              aria-describedby="skip-inactive-note"
              data-testid="skip-inactive"
            />
            <span>Skip inactivity</span>
            <span id="skip-inactive-note" className="visually-hidden">
              {inactive.length === 0
                ? 'No inactive stretch in this session'
                : `${inactive.length} inactive ${inactive.length === 1 ? 'stretch' : 'stretches'}, shaded on the timeline`}
            </span>
          </label>
          <span className="player__hint muted small">
            <kbd>Space</kbd> play/pause · <kbd>←</kbd> <kbd>→</kbd> seek on the timeline
          </span>
        </div>
      </section>
      <aside className="player-side" aria-label="Session contents">
        <PageList pages={pages} currentMs={player.currentMs} onSeek={player.seek} disabled={!ready} />
        <p className="muted small" data-testid="click-count">
          {clickCount} {clickCount === 1 ? 'click' : 'clicks'} in this session
        </p>
        <ActivityPanel items={activity} currentMs={player.currentMs} onSeek={player.seek} disabled={!ready} />
      </aside>
    </div>
  );
}
