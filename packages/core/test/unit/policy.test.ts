import {
  BLOCK_SELECTORS,
  createMaskers,
  DEFAULT_PRIVACY_POLICY,
  MASKED_INPUT_VALUE,
  MAX_ERROR_AFTER_SECONDS,
  MAX_ERROR_WINDOW_SECONDS,
  MIN_ERROR_WINDOW_SECONDS,
  NEVER_CAPTURED_INPUT_TYPES,
  parsePrivacyPolicy,
  recordPrivacyOptions,
  tightenPolicy,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

/** A stand-in element honouring `closest` over a fixed set of matching selectors. */
function element(tagName: string, attrs: Record<string, string>, matches: string[] = []) {
  return {
    tagName,
    getAttribute: (name: string) => attrs[name] ?? null,
    closest: (selector: string) => (selector.split(',').some((s) => matches.includes(s.trim())) ? {} : null),
  };
}

describe('privacy policy defaults', () => {
  it('are private by default', () => {
    expect(DEFAULT_PRIVACY_POLICY).toMatchObject({
      lawfulBasis: 'consent',
      samplingPercent: 20,
      minSessionMs: 3000,
      retentionDays: 30,
      captureNetworkPayloads: false,
      honourGlobalPrivacyControl: true,
      allowedUrlParams: [],
    });
  });
  it('fills missing fields and validates ranges', () => {
    expect(parsePrivacyPolicy({ samplingPercent: 50 }).retentionDays).toBe(30);
    expect(() => parsePrivacyPolicy({ retentionDays: 365 })).toThrow();
    expect(() => parsePrivacyPolicy({ lawfulBasis: 'legitimate_interest' })).toThrow(/assessment/);
  });
});

describe('recordOnError', () => {
  it('is off by default and fills its own defaults', () => {
    expect(DEFAULT_PRIVACY_POLICY.recordOnError.enabled).toBe(false);
    expect(parsePrivacyPolicy({ recordOnError: { enabled: true } }).recordOnError).toEqual({
      enabled: true,
      windowSeconds: 30,
      afterSeconds: 10,
      triggers: ['error', 'rejection'],
    });
  });

  it('bounds the window and the time after, and knows its triggers', () => {
    const on = (extra: object) => parsePrivacyPolicy({ recordOnError: { enabled: true, ...extra } });
    expect(on({ windowSeconds: MAX_ERROR_WINDOW_SECONDS }).recordOnError.windowSeconds).toBe(120);
    expect(() => on({ windowSeconds: MAX_ERROR_WINDOW_SECONDS + 1 })).toThrow();
    expect(() => on({ windowSeconds: MIN_ERROR_WINDOW_SECONDS - 1 })).toThrow();
    expect(() => on({ afterSeconds: MAX_ERROR_AFTER_SECONDS + 1 })).toThrow();
    expect(() => on({ triggers: [] })).toThrow();
    expect(() => on({ triggers: ['error', 'error'] })).toThrow();
    expect(() => on({ triggers: ['warning'] })).toThrow();
    expect(on({ triggers: ['console'] }).recordOnError.triggers).toEqual(['console']);
  });

  it('needs captureErrors: the error must be in what is sent', () => {
    expect(() => parsePrivacyPolicy({ captureErrors: false, recordOnError: { enabled: true } })).toThrow(
      /captureErrors/,
    );
    expect(parsePrivacyPolicy({ captureErrors: false }).recordOnError.enabled).toBe(false);
  });

  it('a page may only tighten it: turn it on, shorten it, narrow its triggers', () => {
    const server = parsePrivacyPolicy({});
    expect(
      tightenPolicy(server, { recordOnError: { ...server.recordOnError, enabled: true } }).recordOnError
        .enabled,
    ).toBe(true);
    const strict = parsePrivacyPolicy({ recordOnError: { enabled: true, triggers: ['error'] } });
    const local = {
      recordOnError: {
        enabled: false,
        windowSeconds: 120,
        afterSeconds: 1,
        triggers: ['error', 'console'] as const,
      },
    };
    expect(
      tightenPolicy(strict, {
        recordOnError: { ...local.recordOnError, triggers: [...local.recordOnError.triggers] },
      }).recordOnError,
    ).toEqual({
      enabled: true,
      windowSeconds: 30,
      afterSeconds: 1,
      triggers: ['error'],
    });
  });
});

describe('recordPrivacyOptions', () => {
  const options = recordPrivacyOptions(DEFAULT_PRIVACY_POLICY);
  it('masks every input type, password merged back in', () => {
    expect(options.maskAllInputs).toBe(true);
    expect(options.maskInputOptions.password).toBe(true);
    expect(options.maskInputOptions.email).toBe(true);
    expect(options.maskInputOptions.textarea).toBe(true);
  });
  it('blocks hidden inputs, frames and media; collects no canvas or fonts', () => {
    for (const s of ['input[type="hidden"]', 'iframe', 'canvas', 'video', '.veil-block', '.fs-exclude']) {
      expect(options.blockSelector).toContain(s);
    }
    expect(options.recordCanvas).toBe(false);
    expect(options.collectFonts).toBe(false);
    expect(options.inlineImages).toBe(false);
  });
  it('adds the policy block selectors', () => {
    const o = recordPrivacyOptions({ ...DEFAULT_PRIVACY_POLICY, blockSelectors: ['#payment'] });
    expect(o.blockSelector.split(', ')).toEqual([...BLOCK_SELECTORS, '#payment']);
  });
});

describe('createMaskers', () => {
  const { maskInputFn, maskTextFn } = createMaskers(DEFAULT_PRIVACY_POLICY);
  it('masks input values with a fixed length', () => {
    expect(maskInputFn('a', element('INPUT', { type: 'text' }))).toBe(MASKED_INPUT_VALUE);
    expect(maskInputFn('a much longer value', element('INPUT', { type: 'email' }))).toBe(MASKED_INPUT_VALUE);
  });
  it('never unmasks passwords, even under veil-unmask', () => {
    expect(maskInputFn('secret', element('INPUT', { type: 'password' }, ['.veil-unmask']))).toBe(
      MASKED_INPUT_VALUE,
    );
    expect(
      maskInputFn('secret', element('INPUT', { autocomplete: 'current-password' }, ['.veil-unmask'])),
    ).toBe(MASKED_INPUT_VALUE);
  });
  it('never unmasks any of NEVER_CAPTURED_INPUT_TYPES, in any case, and rrweb masks them too', () => {
    const options = recordPrivacyOptions(DEFAULT_PRIVACY_POLICY);
    for (const type of NEVER_CAPTURED_INPUT_TYPES) {
      expect(options.maskInputOptions[type], type).toBe(true);
      for (const spelt of [type, type.toUpperCase()]) {
        const unmasked = element('INPUT', { type: spelt }, ['.veil-unmask']);
        expect(maskInputFn('12', unmasked), spelt).toBe(MASKED_INPUT_VALUE);
      }
    }
  });
  it('keeps unmasked inputs but still redacts PII in them', () => {
    const el = element('INPUT', { type: 'text' }, ['.veil-unmask']);
    expect(maskInputFn('12', el)).toBe('12');
    expect(maskInputFn('mail a@b.example', el)).toBe('mail ***********');
  });
  it('masks text in masked regions and redacts PII elsewhere', () => {
    expect(maskTextFn('Jane Doe', element('SPAN', {}, ['.veil-mask']))).toBe('**** ***');
    expect(maskTextFn('Hello Jane', element('P', {}))).toBe('Hello Jane');
    expect(maskTextFn('jane@example.org', element('P', {}))).toBe('****************');
  });
  it('masks all text when the policy says so', () => {
    const m = createMaskers({ ...DEFAULT_PRIVACY_POLICY, maskAllText: true });
    expect(m.maskTextFn('Hello Jane', element('P', {}))).toBe('***** ****');
  });
  it('fails closed when deciding throws', () => {
    const broken = {
      tagName: 'INPUT',
      getAttribute: () => {
        throw new Error('boom');
      },
      closest: () => null,
    };
    expect(maskInputFn('value', broken)).toBe(MASKED_INPUT_VALUE);
    const brokenText = {
      tagName: 'P',
      getAttribute: () => null,
      closest: () => {
        throw new Error('boom');
      },
    };
    expect(maskTextFn('Jane', brokenText)).toBe('****');
  });
});

describe('createMaskers on DOM-shaped elements (one match per element per synchronous pass)', () => {
  /** An element whose `matches` answers by its `masked` flag, counting the calls. */
  class Climbable {
    readonly tagName = 'P';
    masked = false;
    parentElement: Climbable | null = null;
    calls = { matches: 0, closest: 0 };
    constructor(readonly root: { host?: Climbable; defaultView?: { frameElement: null } }) {}
    matches(): boolean {
      this.calls.matches++;
      return this.masked;
    }
    closest(): Climbable | null {
      this.calls.closest++;
      for (let el: Climbable | null = this; el; el = el.parentElement) if (el.masked) return el;
      return null;
    }
    getAttribute(): string | null {
      return null;
    }
    getRootNode(): unknown {
      return this.root;
    }
  }
  const doc = { defaultView: { frameElement: null } };
  /** A chain of `depth` elements under one another; returns them top first. */
  const chain = (depth: number, root: { host?: Climbable; defaultView?: { frameElement: null } } = doc) => {
    const els: Climbable[] = [];
    for (let i = 0; i < depth; i++) {
      const el = new Climbable(root);
      el.parentElement = els[i - 1] ?? null;
      els.push(el);
    }
    return els;
  };
  const calls = (els: readonly Climbable[]) =>
    els.reduce((n, el) => n + el.calls.matches + el.calls.closest, 0);

  it('matches each ancestor once for many texts under it, with the answers of closestAcrossRoots', () => {
    const { maskTextFn } = createMaskers(DEFAULT_PRIVACY_POLICY);
    const els = chain(12);
    els[3]!.masked = true;
    const leaves = Array.from({ length: 100 }, () => {
      const leaf = new Climbable(doc);
      leaf.parentElement = els[11]!;
      return leaf;
    });
    for (const leaf of leaves) expect(maskTextFn('Jane Doe', leaf)).toBe('**** ***');
    // 100 leaves, then the chain down to the masked element once (without the memo: 100 × 9).
    expect(calls([...els, ...leaves])).toBe(100 + 9);
    const open = chain(5);
    expect(maskTextFn('Hello Jane', open[4]!)).toBe('Hello Jane');
  });

  it('climbs out of shadow roots and frames as closestAcrossRoots does', () => {
    const { maskTextFn } = createMaskers(DEFAULT_PRIVACY_POLICY);
    const outer = chain(3);
    outer[1]!.masked = true;
    const inner = chain(2, { host: outer[2]! });
    expect(maskTextFn('Jane', inner[1]!)).toBe('****');
  });

  it('sees a change the page made once the pass is over (the answers live for one microtask)', async () => {
    const { maskTextFn } = createMaskers(DEFAULT_PRIVACY_POLICY);
    const [top, mid, leaf] = chain(3) as [Climbable, Climbable, Climbable];
    expect(maskTextFn('Jane', leaf)).toBe('Jane');
    await Promise.resolve();
    mid.masked = true;
    expect(maskTextFn('Jane', leaf)).toBe('****');
    await Promise.resolve();
    mid.masked = false;
    top.masked = true;
    expect(maskTextFn('Jane', leaf)).toBe('****');
  });

  it('fails closed when matching throws', () => {
    const { maskTextFn, maskInputFn } = createMaskers(DEFAULT_PRIVACY_POLICY);
    const [, leaf] = chain(2) as [Climbable, Climbable];
    leaf.matches = () => {
      throw new SyntaxError('bad selector');
    };
    expect(maskTextFn('Jane', leaf)).toBe('****');
    expect(maskInputFn('Jane', leaf)).toBe(MASKED_INPUT_VALUE);
  });
});
