import { describe, expect, it } from 'vitest';
import { fitToStage, replayerOffset, seekTargetForKey, timeAtPointer } from '../../src/replay/playerMath';
import { isSafeReplaySandbox } from '../../src/replay/replayerSandbox';
import { currentPageIndex } from '../../src/replay/timelineMarkers';

describe('seekTargetForKey', () => {
  it.each([
    ['ArrowRight', false, 15_000],
    ['ArrowUp', false, 15_000],
    ['ArrowLeft', false, 5_000],
    ['ArrowRight', true, 11_000],
    ['ArrowLeft', true, 9_000],
    ['PageUp', false, 40_000],
    ['PageDown', false, 0],
    ['Home', false, 0],
    ['End', false, 60_000],
  ])('%s (shift %s) from 10 s seeks to %d ms', (key, shift, target) => {
    expect(seekTargetForKey(key, shift, 10_000, 60_000)).toBe(target);
  });

  it('clamps to the session and ignores other keys', () => {
    expect(seekTargetForKey('ArrowRight', false, 58_000, 60_000)).toBe(60_000);
    expect(seekTargetForKey('ArrowLeft', false, 2_000, 60_000)).toBe(0);
    expect(seekTargetForKey('a', false, 0, 60_000)).toBeNull();
    expect(seekTargetForKey(' ', false, 0, 60_000)).toBeNull();
  });
});

describe('replayerOffset', () => {
  it('adds 1 ms at the end so rrweb applies the last event', () => {
    expect(replayerOffset(60_000, 60_000, 0)).toBe(60_001);
    expect(replayerOffset(70_000, 60_000, 0)).toBe(60_001);
    expect(replayerOffset(30_000, 60_000, 0)).toBe(30_000);
  });

  it('never seeks to before the first full snapshot has been applied', () => {
    expect(replayerOffset(0, 60_000, 0)).toBe(1);
    expect(replayerOffset(-5, 60_000, 0)).toBe(1);
    expect(replayerOffset(20, 60_000, 38)).toBe(39);
    expect(replayerOffset(5_000, 60_000, 38)).toBe(5_000);
  });
});

describe('timeAtPointer', () => {
  it('maps a pointer position on the bar to a time', () => {
    expect(timeAtPointer(150, 100, 200, 10_000)).toBe(2_500);
    expect(timeAtPointer(50, 100, 200, 10_000)).toBe(0);
    expect(timeAtPointer(400, 100, 200, 10_000)).toBe(10_000);
    expect(timeAtPointer(150, 100, 0, 10_000)).toBe(0);
  });
});

describe('fitToStage', () => {
  it('scales a wide recording down to the stage width and centres it vertically', () => {
    expect(fitToStage(800, 600, 1600, 800)).toEqual({ scale: 0.5, left: 0, top: 100 });
  });
  it('scales a tall (phone) recording by height and centres it horizontally', () => {
    expect(fitToStage(800, 400, 400, 800)).toEqual({ scale: 0.5, left: 300, top: 0 });
  });
  it('never enlarges beyond 1:1', () => {
    expect(fitToStage(2000, 1000, 1000, 500)).toEqual({ scale: 1, left: 500, top: 250 });
  });
  it('copes with unmeasured sizes', () => {
    expect(fitToStage(0, 0, 1280, 800)).toEqual({ scale: 1, left: 0, top: 0 });
  });
});

describe('isSafeReplaySandbox', () => {
  it("accepts rrweb's default sandbox and an empty one", () => {
    expect(isSafeReplaySandbox('allow-same-origin')).toBe(true);
    expect(isSafeReplaySandbox('')).toBe(true);
  });
  it('refuses a missing sandbox or one that lets scripts run or escape', () => {
    expect(isSafeReplaySandbox(null)).toBe(false);
    expect(isSafeReplaySandbox('allow-same-origin allow-scripts')).toBe(false);
    expect(isSafeReplaySandbox('ALLOW-SCRIPTS')).toBe(false);
    expect(isSafeReplaySandbox('allow-same-origin allow-top-navigation')).toBe(false);
    expect(isSafeReplaySandbox('allow-popups')).toBe(false);
  });
});

describe('currentPageIndex', () => {
  const pages = [
    { url: 'a', title: '', offsetMs: 0 },
    { url: 'b', title: '', offsetMs: 5_000 },
  ];
  it('is the last page that began at or before the clock', () => {
    expect(currentPageIndex(pages, 0)).toBe(0);
    expect(currentPageIndex(pages, 4_999)).toBe(0);
    expect(currentPageIndex(pages, 5_000)).toBe(1);
    expect(currentPageIndex([], 10)).toBe(-1);
  });
});
