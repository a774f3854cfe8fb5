import { describe, expect, it } from 'vitest';
import {
  type GuardedReplayer,
  guardReplayer,
  SAFE_REPLAYER_OPTIONS,
  type SafeReplayerOptions,
  safeReplayerConfig,
} from '../../src/replay/createSafeReplayer';
import { UnsafeReplaySandboxError } from '../../src/replay/replayerSandbox';

/** A replayer whose iframe carries `sandbox` (null: no attribute), counting its teardowns. */
function replayerWithSandbox(sandbox: string | null): GuardedReplayer & { destroyed: number } {
  const replayer = {
    destroyed: 0,
    iframe: { title: '', getAttribute: (name: string) => (name === 'sandbox' ? sandbox : null) },
    destroy: () => {
      replayer.destroyed += 1;
    },
  };
  return replayer;
}

// The factory's config is pure; `root` is only passed through, so any object stands in for it.
const root = {} as HTMLElement;

describe('safeReplayerConfig', () => {
  it('pins the safety options: no canvas replay (it would allow scripts), no warnings, no focus moves', () => {
    expect(SAFE_REPLAYER_OPTIONS).toEqual({
      UNSAFE_replayCanvas: false,
      showWarning: false,
      triggerFocus: false,
    });
    expect(safeReplayerConfig({ root, title: 't' })).toEqual({
      root,
      UNSAFE_replayCanvas: false,
      showWarning: false,
      triggerFocus: false,
    });
  });

  it('passes the choices a screen may make and nothing else', () => {
    const config = safeReplayerConfig({
      root,
      title: 'Recorded page',
      speed: 4,
      skipInactive: true,
      mouseTail: false,
      insertStyleRules: ['* { animation: none }'],
    });
    expect(config).toEqual({
      root,
      speed: 4,
      skipInactive: true,
      mouseTail: false,
      insertStyleRules: ['* { animation: none }'],
      ...SAFE_REPLAYER_OPTIONS,
    });
  });

  it('keeps the safety options when a caller tries to loosen them', () => {
    const loosened = {
      root,
      title: 't',
      UNSAFE_replayCanvas: true,
      showWarning: true,
      triggerFocus: true,
      plugins: [{ handler: () => undefined }],
    } as SafeReplayerOptions;
    const config = safeReplayerConfig(loosened);
    expect(config).toMatchObject(SAFE_REPLAYER_OPTIONS);
    expect(config).not.toHaveProperty('plugins');
  });
});

describe('guardReplayer', () => {
  it('returns a replayer sandboxed without scripts, its frame secured, with its title', () => {
    const replayer = replayerWithSandbox('allow-same-origin');
    const secured: unknown[] = [];
    expect(guardReplayer(replayer, 'Captured page (sandboxed)', (f) => secured.push(f))).toBe(replayer);
    expect(secured).toEqual([replayer.iframe]);
    expect(replayer.iframe.title).toBe('Captured page (sandboxed)');
    expect(replayer.destroyed).toBe(0);
  });

  it('fails closed when the frame cannot be secured: throws and destroys the replayer', () => {
    const replayer = replayerWithSandbox('allow-same-origin');
    const failure = new Error('no policy');
    expect(() =>
      guardReplayer(replayer, 'title', () => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(replayer.destroyed).toBe(1);
    expect(replayer.iframe.title).toBe('');
  });

  it.each([
    ['allows scripts', 'allow-same-origin allow-scripts'],
    ['allows scripts, in capitals', 'ALLOW-SCRIPTS'],
    ['allows popups', 'allow-popups'],
    ['allows top navigation', 'allow-top-navigation'],
    ['is not sandboxed at all', null],
  ])('fails closed when the frame %s: throws and destroys the replayer', (_, sandbox) => {
    const replayer = replayerWithSandbox(sandbox);
    let secured = 0;
    expect(() => guardReplayer(replayer, 'title', () => secured++)).toThrow(UnsafeReplaySandboxError);
    expect(secured, 'the frame is not even secured').toBe(0);
    expect(replayer.destroyed).toBe(1);
    expect(replayer.iframe.title).toBe('');
  });

  it('still refuses when tearing the unsafe replayer down throws', () => {
    const replayer = replayerWithSandbox('allow-scripts');
    replayer.destroy = () => {
      throw new Error('teardown failed');
    };
    expect(() => guardReplayer(replayer, 'title', () => undefined)).toThrow(UnsafeReplaySandboxError);
  });
});
