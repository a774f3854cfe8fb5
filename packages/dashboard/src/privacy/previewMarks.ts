import {
  BLOCK_SELECTORS,
  EventType,
  MASK_TEXT_SELECTORS,
  MASKED_INPUT_VALUE,
  NodeType,
  type PrivacyPolicy,
  type RecordedEvent,
  UNMASK_SELECTORS,
  urlPath,
} from '@veil/core';

/** How an element of the preview is outlined. */
export type PreviewMark = 'blocked' | 'masked' | 'unmasked';

/** Attribute the preview sets on outlined elements (inside the sandboxed frame only). */
export const PREVIEW_ATTRIBUTE = 'data-veil-preview';

/** The outlines, as a style sheet added to the rebuilt page. */
export const PREVIEW_CSS = `
[${PREVIEW_ATTRIBUTE}="blocked"] { outline: 3px solid #dc2626 !important; outline-offset: -3px; background: repeating-linear-gradient(45deg, rgba(220,38,38,.12) 0 8px, rgba(220,38,38,.04) 8px 16px) !important; }
[${PREVIEW_ATTRIBUTE}="masked"] { outline: 2px dashed #d97706 !important; outline-offset: -2px; }
[${PREVIEW_ATTRIBUTE}="unmasked"] { outline: 2px solid #16a34a !important; outline-offset: -2px; }
`;

type SNode = {
  type: number;
  id?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SNode[];
  textContent?: string;
  isStyle?: boolean;
};

const MASKED_TEXT = /^[\s*]*\*[\s*]*$/;
const INPUT_TAGS = new Set(['input', 'textarea', 'select']);

export interface PreviewCounts {
  blocked: number;
  masked: number;
  unmasked: number;
}

/**
 * Marks a copy of a captured full-snapshot tree as Veil captured it: blocked elements (rrweb's
 * empty placeholder boxes with `rr_width`), masked text and input values (`*`), and inputs whose
 * value was captured (unmasked). Adds the outline style sheet to the page's head.
 */
export function markCapturedSnapshot(root: SNode): { node: SNode; counts: PreviewCounts } {
  const counts: PreviewCounts = { blocked: 0, masked: 0, unmasked: 0 };
  const node = structuredClone(root);
  let maxId = 0;
  const walk = (n: SNode): void => {
    if (typeof n.id === 'number' && n.id > maxId) maxId = n.id;
    if (n.type !== NodeType.Element && n.type !== NodeType.Document) return;
    const tag = (n.tagName ?? '').toLowerCase();
    const attrs = n.attributes ?? {};
    let mark: PreviewMark | undefined;
    if (attrs.rr_width !== undefined) mark = 'blocked';
    else if (INPUT_TAGS.has(tag) && typeof attrs.value === 'string' && attrs.value !== '') {
      mark = attrs.value === MASKED_INPUT_VALUE || MASKED_TEXT.test(attrs.value) ? 'masked' : 'unmasked';
    } else {
      const texts = (n.childNodes ?? []).filter(
        (c) => c.type === NodeType.Text && (c.textContent ?? '').trim() !== '',
      );
      if (texts.length > 0 && texts.every((c) => MASKED_TEXT.test(c.textContent ?? ''))) mark = 'masked';
    }
    if (mark && tag !== 'title' && tag !== 'style' && tag !== 'script') {
      n.attributes = { ...attrs, [PREVIEW_ATTRIBUTE]: mark };
      counts[mark]++;
    }
    for (const c of n.childNodes ?? []) walk(c);
  };
  walk(node);
  const head = findElement(node, 'head');
  if (head) {
    head.childNodes = [
      ...(head.childNodes ?? []),
      {
        type: NodeType.Element,
        id: ++maxId,
        tagName: 'style',
        attributes: {},
        childNodes: [{ type: NodeType.Text, id: ++maxId, textContent: PREVIEW_CSS, isStyle: true }],
      },
    ];
  }
  return { node, counts };
}

function findElement(n: SNode, tag: string): SNode | undefined {
  if (n.type === NodeType.Element && (n.tagName ?? '').toLowerCase() === tag) return n;
  for (const c of n.childNodes ?? []) {
    const found = findElement(c, tag);
    if (found) return found;
  }
  return undefined;
}

/**
 * The newest full snapshot of a page whose path contains `page`, with the Meta event before it:
 * the two events a replayer needs to rebuild that page as captured.
 */
export function latestSnapshotOf(events: readonly RecordedEvent[], page: string): RecordedEvent[] | null {
  let meta: RecordedEvent | undefined;
  let found: RecordedEvent[] | null = null;
  for (const e of events) {
    if (e.type === EventType.Meta) meta = e;
    if (e.type === EventType.FullSnapshot && meta) {
      const href = (meta.data as { href?: unknown }).href;
      if (typeof href === 'string' && (page === '' || urlPath(href).includes(page) || href.includes(page))) {
        found = [meta, e];
      }
    }
  }
  return found;
}

/**
 * Selectors of the current policy, for outlining what it would block or mask now (the snapshot
 * shows what was captured then): Veil's and the vendors' markup plus the policy's own selectors.
 */
export function currentPolicySelectors(
  policy: Pick<PrivacyPolicy, 'blockSelectors' | 'maskTextSelectors' | 'unmaskSelectors' | 'maskAllText'>,
): Record<PreviewMark, string> {
  return {
    blocked: [...BLOCK_SELECTORS, ...policy.blockSelectors].join(', '),
    masked: policy.maskAllText ? 'body *' : [...MASK_TEXT_SELECTORS, ...policy.maskTextSelectors].join(', '),
    unmasked: [...UNMASK_SELECTORS, ...policy.unmaskSelectors].join(', '),
  };
}
