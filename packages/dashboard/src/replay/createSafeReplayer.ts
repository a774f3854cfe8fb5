import { type playerConfig, Replayer } from '@rrweb/replay';
import type { RecordedEvent } from '@veil/core';
import { neutraliseReplayEvents } from './neutraliseReplayEvents';
import { assertSafeReplayFrame } from './replayerSandbox';
import { installReplayFramePolicy } from './replayFramePolicy';

/** rrweb's own event type, as its constructor names it. */
type RrwebEvents = ConstructorParameters<typeof Replayer>[0];

/**
 * The rrweb options Veil never lets a caller choose: recorded DOM is untrusted replay data
 * (DESIGN.md), rebuilt only in rrweb's iframe sandboxed without `allow-scripts`.
 */
export const SAFE_REPLAYER_OPTIONS = {
  /** Never: rrweb would sandbox the frame with `allow-scripts` to replay canvas. */
  UNSAFE_replayCanvas: false,
  showWarning: false,
  /** Replayed focus events must not move the viewer's keyboard focus into the recording. */
  triggerFocus: false,
} as const satisfies Partial<playerConfig>;

/** What a screen may choose about its replayer; everything else is rrweb's default or fixed above. */
export interface SafeReplayerOptions
  extends Partial<Pick<playerConfig, 'speed' | 'skipInactive' | 'mouseTail' | 'insertStyleRules'>> {
  /** Where rrweb mounts its wrapper and iframe. */
  root: HTMLElement;
  /** The iframe's accessible title (say it is sandboxed). */
  title: string;
}

/** rrweb's config for `options`: the caller's choices, then the safety options, which always win. */
export function safeReplayerConfig(options: SafeReplayerOptions): Partial<playerConfig> {
  const { title: _title, root, speed, skipInactive, mouseTail, insertStyleRules } = options;
  return {
    root,
    ...(speed === undefined ? {} : { speed }),
    ...(skipInactive === undefined ? {} : { skipInactive }),
    ...(mouseTail === undefined ? {} : { mouseTail }),
    ...(insertStyleRules === undefined ? {} : { insertStyleRules }),
    ...SAFE_REPLAYER_OPTIONS,
  };
}

/** The parts of a replayer the sandbox check needs. */
export interface GuardedReplayer {
  iframe: Pick<HTMLIFrameElement, 'getAttribute' | 'title'>;
  destroy: () => void;
}

/**
 * Fails closed: unless the replayer's iframe is sandboxed without scripts (and without the other
 * forbidden tokens) and `secureFrame` (which installs the frame's Content-Security-Policy) succeeds,
 * the replayer is destroyed and the error thrown, so nothing is replayed in it. Otherwise the
 * iframe gets its title and the replayer is returned.
 */
export function guardReplayer<R extends GuardedReplayer>(
  replayer: R,
  title: string,
  secureFrame: (iframe: R['iframe']) => void,
): R {
  try {
    assertSafeReplayFrame(replayer.iframe);
    secureFrame(replayer.iframe);
  } catch (error) {
    try {
      replayer.destroy();
    } catch (teardown) {
      console.warn('Unsafe replayer teardown failed', teardown);
    }
    throw error;
  }
  replayer.iframe.title = title;
  return replayer;
}

/**
 * The one way the dashboard builds an rrweb `Replayer` (replay, heatmap snapshot, privacy
 * preview): the recorded events neutralised (`neutraliseReplayEvents`: nothing that runs, fetches
 * from outside Veil or navigates), Veil's safety options, then, after mounting and before rrweb
 * builds anything, the sandbox check and the frame's Content-Security-Policy
 * (`installReplayFramePolicy`). Throws when rrweb cannot build the replayer or its frame would let
 * recorded content act.
 */
export function createSafeReplayer(events: readonly RecordedEvent[], options: SafeReplayerOptions): Replayer {
  const ownOrigin = options.root.ownerDocument.location.origin;
  const safeEvents = neutraliseReplayEvents(events, ownOrigin);
  const replayer = new Replayer(safeEvents as unknown as RrwebEvents, safeReplayerConfig(options));
  return guardReplayer(replayer, options.title, (iframe) => installReplayFramePolicy(iframe, ownOrigin));
}
