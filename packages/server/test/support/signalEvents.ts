import {
  EventType,
  HeatmapTag,
  IncrementalSource,
  MouseInteraction,
  type RecordedEvent,
  VeilCustomTag,
} from '@veil/core';

/** Recorded events that produce each session signal (see `foldSessionSignals`). */
export const signalEvents = {
  heatmapClick(t: number, flags: { rage?: boolean; dead?: boolean }, path = '/'): RecordedEvent {
    return {
      type: EventType.Custom,
      timestamp: t,
      data: {
        tag: HeatmapTag.Click,
        payload: {
          path,
          el: 'button',
          rx: 0.5,
          ry: 0.5,
          x: 100,
          y: 100,
          vw: 1280,
          vh: 800,
          dw: 1280,
          dh: 2000,
          rage: flags.rage === true,
          dead: flags.dead === true,
        },
      },
    };
  },
  click(t: number): RecordedEvent {
    return {
      type: EventType.IncrementalSnapshot,
      timestamp: t,
      data: {
        source: IncrementalSource.MouseInteraction,
        type: MouseInteraction.Click,
        id: 3,
        x: 100,
        y: 100,
      },
    };
  },
  scroll(t: number, y: number): RecordedEvent {
    return {
      type: EventType.IncrementalSnapshot,
      timestamp: t,
      data: { source: IncrementalSource.Scroll, id: 1, x: 0, y },
    };
  },
  error(t: number, message: string, path = '/'): RecordedEvent {
    return {
      type: EventType.Custom,
      timestamp: t,
      data: {
        tag: VeilCustomTag.Error,
        payload: { kind: 'error', message, stack: `Error: ${message}\n    at app.js:1:1`, path },
      },
    };
  },
  request(t: number, status: number, url = '/api/cart', path = '/'): RecordedEvent {
    return {
      type: EventType.Custom,
      timestamp: t,
      data: {
        tag: VeilCustomTag.Network,
        payload: { method: 'POST', reqPath: url, status, ms: 40, size: 120, path },
      },
    };
  },
};
