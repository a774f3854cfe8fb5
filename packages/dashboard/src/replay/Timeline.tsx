import { type KeyboardEvent, type PointerEvent, useId, useRef, useState } from 'react';
import { formatClock, formatClockSpoken } from '../format/duration';
import '../styles/timeline.css';
import type { InactiveStretch } from './inactivity';
import { seekTargetForKey, timeAtPointer } from './playerMath';
import { type DrawnMarker, describeMarkers, MARKER_NAMES, type TimelineMarkerKind } from './timelineMarkers';

/** A pointer that moves less than this from a tick it pressed still jumps to the tick's moment. */
const TICK_SNAP_PX = 4;

/** The moment of the marker tick `target` is, or null when it is not a tick. */
function tickOffset(target: EventTarget): number | null {
  if (!(target instanceof HTMLElement) || !target.classList.contains('timeline__marker')) return null;
  const ms = Number(target.dataset.offsetMs);
  return Number.isFinite(ms) ? ms : null;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export interface TimelineProps {
  currentMs: number;
  totalMs: number;
  markers: readonly DrawnMarker[];
  /** Stretches without user interaction, shaded (and fast-forwarded when `skipInactive`). */
  inactive?: readonly InactiveStretch[];
  skipInactive?: boolean;
  onSeek: (ms: number) => void;
  disabled?: boolean;
}

/**
 * The seek bar: a slider (arrows ±5 s, Shift ±1 s, Page Up/Down ±30 s, Home/End) that also takes
 * clicks and drags, with ticks for clicks, page changes, rage and dead clicks, errors and failed
 * requests (each kind its own shape; a tick pressed jumps to its moment) and inactive stretches
 * shaded. The slider's description counts the ticks by kind for screen readers, whose entries the
 * activity list beside the replay offers as jump targets.
 */
export function Timeline({
  currentMs,
  totalMs,
  markers,
  inactive = [],
  skipInactive = false,
  onSeek,
  disabled = false,
}: TimelineProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const descriptionId = useId();
  /** The tick a press started on, and where: released there, the seek goes to its moment. */
  const snapRef = useRef<{ ms: number; x: number } | null>(null);
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [hoverMs, setHoverMs] = useState<number | null>(null);
  const shownMs = dragMs ?? currentMs;
  const percent = totalMs > 0 ? Math.min(100, (shownMs / totalMs) * 100) : 0;

  function timeAt(event: PointerEvent<HTMLDivElement>): number {
    const rect = trackRef.current?.getBoundingClientRect();
    return rect ? timeAtPointer(event.clientX, rect.left, rect.width, totalMs) : 0;
  }

  const described = describeMarkers(markers);
  const kinds = (Object.keys(MARKER_NAMES) as TimelineMarkerKind[]).filter((kind) =>
    markers.some((m) => m.kind === kind),
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (disabled) return;
    const target = seekTargetForKey(event.key, event.shiftKey, currentMs, totalMs);
    if (target === null) return;
    event.preventDefault();
    onSeek(target);
  }

  return (
    <div className="timeline">
      {/* The ARIA slider pattern rather than <input type=range>: the track carries marker ticks. */}
      <div
        ref={trackRef}
        className="timeline__track"
        role="slider"
        tabIndex={disabled ? -1 : 0}
        aria-label="Seek"
        aria-valuemin={0}
        aria-valuemax={Math.round(totalMs)}
        aria-valuenow={Math.round(shownMs)}
        aria-valuetext={`${formatClockSpoken(shownMs)} of ${formatClockSpoken(totalMs)}`}
        aria-disabled={disabled || undefined}
        aria-describedby={described === '' ? undefined : descriptionId}
        data-testid="timeline"
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          if (disabled || event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          event.currentTarget.focus();
          const tick = tickOffset(event.target);
          snapRef.current = tick === null ? null : { ms: tick, x: event.clientX };
          setDragMs(tick ?? timeAt(event));
        }}
        onPointerMove={(event) => {
          const ms = timeAt(event);
          setHoverMs(ms);
          if (dragMs === null) return;
          const snap = snapRef.current;
          if (snap !== null && Math.abs(event.clientX - snap.x) < TICK_SNAP_PX) return;
          snapRef.current = null;
          setDragMs(ms);
        }}
        onPointerUp={(event) => {
          if (dragMs === null) return;
          event.currentTarget.releasePointerCapture(event.pointerId);
          const snap = snapRef.current;
          snapRef.current = null;
          setDragMs(null);
          onSeek(snap?.ms ?? timeAt(event));
        }}
        onPointerCancel={() => {
          snapRef.current = null;
          setDragMs(null);
        }}
        onPointerLeave={() => setHoverMs(null)}
      >
        <div className="timeline__rail" />
        {totalMs > 0 &&
          inactive.map((stretch) => (
            <span
              key={stretch.startMs}
              className={`timeline__inactive${skipInactive ? ' timeline__inactive--skipped' : ''}`}
              style={{
                left: `${(Math.min(stretch.startMs, totalMs) / totalMs) * 100}%`,
                width: `${((Math.min(stretch.endMs, totalMs) - Math.min(stretch.startMs, totalMs)) / totalMs) * 100}%`,
              }}
              title={`Inactive ${formatClock(stretch.startMs)}–${formatClock(stretch.endMs)}${skipInactive ? ' (skipped)' : ''}`}
              data-testid="timeline-inactive"
              data-start-ms={Math.round(stretch.startMs)}
              data-end-ms={Math.round(stretch.endMs)}
            />
          ))}
        <div className="timeline__progress" style={{ width: `${percent}%` }} />
        {markers.map((m) => (
          <span
            key={`${m.kind}-${m.percent}`}
            className={`timeline__marker timeline__marker--${m.kind}`}
            style={{ left: `${m.percent}%` }}
            title={`${m.label} at ${formatClock(m.offsetMs)}`}
            data-testid={`timeline-marker-${m.kind}`}
            data-offset-ms={Math.round(m.offsetMs)}
            data-count={m.count}
          />
        ))}
        <div className="timeline__thumb" style={{ left: `${percent}%` }} />
        {hoverMs !== null && (
          <div
            className="timeline__hover"
            style={{ left: `${(hoverMs / Math.max(totalMs, 1)) * 100}%` }}
            aria-hidden="true"
          >
            {formatClock(hoverMs)}
          </div>
        )}
      </div>
      {described !== '' && (
        <span id={descriptionId} className="visually-hidden" data-testid="timeline-description">
          Marked on the timeline: {described}. The activity list beside the replay jumps to each.
        </span>
      )}
      <div className="timeline__legend" aria-hidden="true">
        {kinds.map((kind) => (
          <span key={kind} className={`legend legend--${kind}`}>
            {capitalised(MARKER_NAMES[kind].one)}
          </span>
        ))}
        {inactive.length > 0 && (
          <span className="legend legend--inactive">Inactive{skipInactive ? ' (skipped)' : ''}</span>
        )}
      </div>
    </div>
  );
}
