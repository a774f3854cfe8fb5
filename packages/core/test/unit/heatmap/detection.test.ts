import {
  ACCIDENTAL_TAP_AFTER_SCROLL_MS,
  automationReason,
  DEAD_CLICK_WINDOW_MS,
  deadClickVerdict,
  dedupeBy,
  findRageClicks,
  isAccidentalTap,
  isBotUserAgent,
  respondsTo,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('findRageClicks', () => {
  const at = (t: number, x = 100, y = 100) => ({ t, x, y });

  it('flags every click of a burst: 3 clicks within 1 s and 30 px', () => {
    expect(findRageClicks([at(0), at(200, 110, 95), at(400, 90, 120)])).toEqual([true, true, true]);
  });
  it('needs three clicks: a double click is not rage', () => {
    expect(findRageClicks([at(0), at(150)])).toEqual([false, false]);
  });
  it('needs them close in time', () => {
    expect(findRageClicks([at(0), at(600), at(1_200)])).toEqual([false, false, false]);
  });
  it('needs them close in space', () => {
    expect(findRageClicks([at(0, 0, 0), at(100, 40, 0), at(200, 0, 40)])).toEqual([false, false, false]);
  });
  it('keeps calm clicks around a burst unflagged', () => {
    const clicks = [at(0, 500, 500), at(5_000), at(5_100), at(5_250), at(5_300), at(9_000)];
    expect(findRageClicks(clicks)).toEqual([false, true, true, true, true, false]);
  });
  it('takes its thresholds as options', () => {
    expect(findRageClicks([at(0), at(100), at(200)], { minClicks: 4 })).toEqual([false, false, false]);
  });
});

describe('deadClickVerdict', () => {
  const W = DEAD_CLICK_WINDOW_MS;
  const control = { kind: 'control' as const, clickAt: 10_000 };

  it('is pending while the window is open and dead once it passed without a response', () => {
    expect(deadClickVerdict(control, 10_000 + W - 1)).toBe('pending');
    expect(deadClickVerdict(control, 10_000 + W + 1)).toBe('dead');
  });
  it('is alive when something responded inside the window', () => {
    expect(deadClickVerdict({ ...control, respondedAt: 10_050 }, 20_000)).toBe('alive');
    expect(deadClickVerdict({ ...control, respondedAt: 10_000 + W }, 20_000)).toBe('alive');
  });
  it('ignores a response after the window', () => {
    expect(deadClickVerdict({ ...control, respondedAt: 10_000 + W + 10 }, 20_000)).toBe('dead');
  });
  it('opens the window at the pointerdown: pages that react on press are not dead', () => {
    const pressed = { ...control, pointerDownAt: 9_900 };
    expect(respondsTo(pressed, 9_950)).toBe(true);
    expect(respondsTo(control, 9_950)).toBe(false);
    // A press long before the click (a drag) does not open the window early.
    expect(respondsTo({ ...control, pointerDownAt: 5_000 }, 6_000)).toBe(false);
    expect(deadClickVerdict({ ...pressed, respondedAt: 9_950 }, 20_000)).toBe('alive');
  });
  it('never calls a click on a link with a destination, a field or plain text dead', () => {
    for (const kind of ['link', 'field', 'plain'] as const) {
      expect(deadClickVerdict({ kind, clickAt: 0 }, 60_000)).toBe('alive');
    }
  });
});

describe('noise', () => {
  it('drops touch taps right after a scroll, never mouse clicks', () => {
    expect(isAccidentalTap(true, 10)).toBe(true);
    expect(isAccidentalTap(true, ACCIDENTAL_TAP_AFTER_SCROLL_MS)).toBe(false);
    expect(isAccidentalTap(false, 10)).toBe(false);
  });
  it('dedupes by key, keeping the first in order', () => {
    expect(dedupeBy(['a1', 'b1', 'a2', 'c1'], (s) => s[0]!)).toEqual(['a1', 'b1', 'c1']);
  });
});

describe('bots', () => {
  it('recognises crawlers, monitors, HTTP clients and headless browsers by user agent', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'curl/8.4.0',
      'python-requests/2.31.0',
      'facebookexternalhit/1.1',
      'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      '',
    ]) {
      expect(isBotUserAgent(ua), ua).toBe(true);
    }
    expect(isBotUserAgent(undefined)).toBe(true);
  });
  it('lets ordinary browsers through', () => {
    for (const ua of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36',
    ]) {
      expect(isBotUserAgent(ua), ua).toBe(false);
    }
  });
  it('judges automation by webdriver and by click timing', () => {
    expect(automationReason({ webdriver: true, clickGapsMs: [] })).toBe('webdriver');
    expect(automationReason({ clickGapsMs: Array(12).fill(30) })).toBe('superhuman_rate');
    expect(automationReason({ clickGapsMs: Array(12).fill(500) })).toBe('metronomic_clicks');
    const human = [420, 1_300, 650, 2_900, 380, 900, 1_700, 560, 3_400, 720, 1_100];
    expect(automationReason({ webdriver: false, clickGapsMs: human })).toBeNull();
    // Too few clicks to judge.
    expect(automationReason({ clickGapsMs: [30, 30, 30] })).toBeNull();
  });
});
