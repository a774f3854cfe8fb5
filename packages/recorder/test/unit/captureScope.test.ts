import { closestAcrossRoots, type MaskableElement, matchesAcrossRoots } from '@veil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * A DOM-shaped element tree spread over documents and shadow roots: each element matches the
 * selector or not; a root hangs under an element of another root (a shadow host or a frame).
 */
interface FakeRoot {
  host?: FakeElement;
  defaultView?: { frameElement: FakeElement | null };
}

class FakeElement {
  readonly tagName = 'DIV';
  parentElement: FakeElement | null = null;
  root: FakeRoot = {};
  constructor(readonly blocks: boolean) {}
  matches(_selector: string): boolean {
    return this.blocks;
  }
  closest(selector: string): FakeElement | null {
    for (let el: FakeElement | null = this; el; el = el.parentElement) if (el.matches(selector)) return el;
    return null;
  }
  getAttribute(): string | null {
    return null;
  }
  getRootNode(): FakeRoot {
    return this.root;
  }
}

/** Elements from [parent index or -1, blocks, new root: none, shadow or frame] triples, in order. */
function buildTree(specs: ReadonlyArray<[number, boolean, 0 | 1 | 2]>): FakeElement[] {
  const els: FakeElement[] = [];
  for (const [parent, blocks, newRoot] of specs) {
    const el = new FakeElement(blocks);
    const above = parent >= 0 && parent < els.length ? els[parent]! : null;
    if (!above) el.root = { defaultView: { frameElement: null } };
    else if (newRoot === 1) el.root = { host: above };
    else if (newRoot === 2) el.root = { defaultView: { frameElement: above } };
    else {
      el.parentElement = above;
      el.root = above.root;
    }
    els.push(el);
  }
  return els;
}

describe('matchesAcrossRoots (the capture scope, one match per element per event)', () => {
  it("answers as core's closestAcrossRoots for every element, asked in any order with shared answers", () => {
    const spec = fc.array(
      fc.tuple(fc.integer({ min: -1, max: 60 }), fc.boolean(), fc.constantFrom<0 | 1 | 2>(0, 0, 0, 1, 2)),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(spec, fc.array(fc.nat(), { maxLength: 120 }), (specs, order) => {
        const els = buildTree(specs);
        const known = new Map<Element, boolean>();
        for (const i of [...order, ...els.keys()]) {
          const el = els[i % els.length]!;
          const expected = closestAcrossRoots(el as unknown as MaskableElement, 'sel');
          expect(matchesAcrossRoots(el as unknown as Element, 'sel', known)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("stops after as many roots as core's closestAcrossRoots, and remembers nothing it did not decide", () => {
    // 40 nested shadow roots; only the outermost host matches.
    const specs: Array<[number, boolean, 0 | 1 | 2]> = [[-1, true, 0]];
    for (let i = 1; i < 40; i++) specs.push([i - 1, false, 1]);
    const els = buildTree(specs);
    const known = new Map<Element, boolean>();
    for (let i = els.length - 1; i >= 0; i--) {
      const el = els[i]!;
      expect(matchesAcrossRoots(el as unknown as Element, 'sel', known)).toBe(
        closestAcrossRoots(el as unknown as MaskableElement, 'sel'),
      );
    }
    // The deepest element is past the limit (not blocked, as in core); the outer 32 are blocked.
    expect(matchesAcrossRoots(els[39] as unknown as Element, 'sel', new Map())).toBe(false);
    expect(matchesAcrossRoots(els[31] as unknown as Element, 'sel', new Map())).toBe(true);
  });

  it('throws when the selector does (the capture scope then blocks)', () => {
    const el = new FakeElement(false);
    el.matches = () => {
      throw new SyntaxError('bad selector');
    };
    expect(() => matchesAcrossRoots(el as unknown as Element, ':bad(', new Map())).toThrow(SyntaxError);
  });
});
