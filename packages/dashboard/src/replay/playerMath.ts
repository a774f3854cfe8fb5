/** Seek steps of the timeline's keyboard control, in ms. */
export const SEEK_STEP_MS = 5_000;
export const SEEK_STEP_FINE_MS = 1_000;
export const SEEK_PAGE_MS = 30_000;

/** Playback speeds offered; 1× first. */
export const PLAYBACK_SPEEDS = [1, 2, 4, 8] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Where a key press on the timeline seeks to, or null for keys it does not handle: arrows step
 * 5 s (1 s with Shift), Page Up/Down 30 s, Home/End the ends.
 */
export function seekTargetForKey(
  key: string,
  shiftKey: boolean,
  currentMs: number,
  totalMs: number,
): number | null {
  const step = shiftKey ? SEEK_STEP_FINE_MS : SEEK_STEP_MS;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(currentMs - step, 0, totalMs);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(currentMs + step, 0, totalMs);
    case 'PageDown':
      return clamp(currentMs - SEEK_PAGE_MS, 0, totalMs);
    case 'PageUp':
      return clamp(currentMs + SEEK_PAGE_MS, 0, totalMs);
    case 'Home':
      return 0;
    case 'End':
      return totalMs;
    default:
      return null;
  }
}

/** The time under a pointer at `clientX` on a bar spanning `left`…`left + width`. */
export function timeAtPointer(clientX: number, left: number, width: number, totalMs: number): number {
  if (width <= 0) return 0;
  return clamp(((clientX - left) / width) * totalMs, 0, totalMs);
}

/**
 * The offset to hand `Replayer.play()` / `pause()` for a seek to `targetMs`. rrweb applies the
 * events strictly before the offset, so:
 * - the end needs `totalMs + 1` to show the final state (MACHINE-NOTES);
 * - an offset at or before the first full snapshot applies no snapshot at all and the frame keeps
 *   showing whatever it showed last (the end, after a seek back to 0:00): never go below
 *   `firstSnapshotMs + 1`.
 */
export function replayerOffset(targetMs: number, totalMs: number, firstSnapshotMs: number): number {
  if (targetMs >= totalMs) return totalMs + 1;
  return Math.max(targetMs, firstSnapshotMs + 1);
}

export interface Fit {
  scale: number;
  left: number;
  top: number;
}

/** Scales a recorded viewport to fit a stage (never above 1:1) and centres it. */
export function fitToStage(
  stageWidth: number,
  stageHeight: number,
  contentWidth: number,
  contentHeight: number,
): Fit {
  if (contentWidth <= 0 || contentHeight <= 0 || stageWidth <= 0 || stageHeight <= 0) {
    return { scale: 1, left: 0, top: 0 };
  }
  const scale = Math.min(1, stageWidth / contentWidth, stageHeight / contentHeight);
  return {
    scale,
    left: Math.max(0, (stageWidth - contentWidth * scale) / 2),
    top: Math.max(0, (stageHeight - contentHeight * scale) / 2),
  };
}
