/**
 * The planted-PII corpus as an rrweb stream, shaped like what rrweb records when masking is off
 * (the server layer alone must then catch everything): a full snapshot with every static
 * position, input and change events, text and attribute mutations, Meta and page-view events.
 */
import { EventType, IncrementalSource, NodeType, type RecordedEvent, VeilCustomTag } from '@veil/core';
import { attributeNameOf, type PiiCase } from './plantedPii.js';

type SNode = Record<string, unknown>;

export interface CorpusStream {
  events: RecordedEvent[];
  /** The rrweb node id of each case's element (`pii-<id>`), by case id. */
  nodeOf: Map<string, number>;
}

const ORIGIN = 'https://corpus.example';

/** The page path of a `page-url` case (the value percent-encoded inside the path). */
export function corpusPagePath(c: PiiCase): string {
  return `/corpus/page/${encodeURIComponent(c.value)}/view`;
}

export function corpusStream(cases: readonly PiiCase[], startTs = 1_700_000_000_000): CorpusStream {
  let nextId = 1;
  let ts = startTs;
  const id = () => nextId++;
  const text = (textContent: string): SNode => ({ type: NodeType.Text, id: id(), textContent });
  const el = (tagName: string, attributes: Record<string, unknown>, childNodes: SNode[] = []): SNode => ({
    type: NodeType.Element,
    id: id(),
    tagName,
    attributes,
    childNodes,
  });
  const nodeOf = new Map<string, number>();
  const later: RecordedEvent[] = [];
  const incremental = (data: Record<string, unknown>): void => {
    later.push({ type: EventType.IncrementalSnapshot, timestamp: ++ts, data });
  };
  const titleCases = cases.filter((c) => c.position === 'title');

  const body: SNode[] = [];
  for (const c of cases) {
    const elId = `pii-${c.id}`;
    let node: SNode | undefined;
    switch (c.position) {
      case 'text':
        node = el('p', { id: elId }, [text(`Contact on file: ${c.value}.`)]);
        break;
      case 'text-split': {
        const cut = Math.ceil(c.value.length / 2);
        node = el('p', { id: elId }, [
          text(`Paid with ${c.value.slice(0, cut)}`),
          text(`${c.value.slice(cut)} ok`),
        ]);
        break;
      }
      case 'attr-title':
        node = el('span', { id: elId, title: `Owner ${c.value}` }, [text('owner')]);
        break;
      case 'attr-alt':
        node = el('img', { id: elId, alt: c.value, src: 'data:,' });
        break;
      case 'attr-placeholder':
        node = el('input', { id: elId, type: 'text', placeholder: `e.g. ${c.value}` });
        break;
      case 'attr-aria-label':
        node = el('button', { id: elId, 'aria-label': `Call ${c.value}` }, [text('call')]);
        break;
      case 'attr-data':
        node = el('div', { id: elId, 'data-customer': c.value }, [text('row')]);
        break;
      case 'attr-value':
        node = el('input', { id: elId, type: 'text', readonly: '', value: c.value });
        break;
      case 'href-path':
        node = el('a', { id: elId, href: `${ORIGIN}/people/${encodeURIComponent(c.value)}/profile` }, [
          text('profile'),
        ]);
        break;
      case 'href-query':
        node = el('a', { id: elId, href: `/next?who=${encodeURIComponent(c.value)}&step=2` }, [text('next')]);
        break;
      case 'src-query':
        node = el('img', { id: elId, src: `${ORIGIN}/pixel.gif?u=${encodeURIComponent(c.value)}` });
        break;
      case 'href-scheme':
        node = el('a', { id: elId, href: `${c.label === 'email' ? 'mailto:' : 'tel:'}${c.value}` }, [
          text('write'),
        ]);
        break;
      case 'input-typed':
        node = el('input', { id: elId, type: 'text', value: '' });
        incremental({ source: IncrementalSource.Input, id: node.id, text: c.value, isChecked: false });
        break;
      case 'textarea-change':
        node = el('textarea', { id: elId, value: '' });
        incremental({
          source: IncrementalSource.Input,
          id: node.id,
          text: `Note: ${c.value}`,
          isChecked: false,
        });
        break;
      case 'hidden-input':
        node = el('input', { id: elId, type: 'hidden', value: c.value });
        break;
      case 'select-option':
        node = el('select', { id: elId }, [
          el('option', { value: 'a' }, [text('Choose')]),
          el('option', { value: 'b' }, [text(c.value)]),
        ]);
        break;
      case 'select-change':
        node = el('select', { id: elId }, [el('option', { value: c.value }, [text('the one')])]);
        incremental({ source: IncrementalSource.Input, id: node.id, text: c.value, isChecked: false });
        break;
      case 'contenteditable': {
        const typed = text('');
        node = el('div', { id: elId, contenteditable: 'true' }, [typed]);
        incremental({
          source: IncrementalSource.Mutation,
          texts: [{ id: typed.id, value: `Dear ${c.value}` }],
          attributes: [],
          removes: [],
          adds: [],
        });
        break;
      }
      case 'shadow-dom':
        node = el('veil-card', { id: elId }, [el('p', {}, [text(`Inside ${c.value}`)])]);
        ((node.childNodes as SNode[])[0] as SNode).isShadow = true;
        node.isShadowHost = true;
        break;
      case 'mutation-text': {
        node = el('div', { id: elId }, []);
        const added = text(`Updated ${c.value}`);
        incremental({
          source: IncrementalSource.Mutation,
          texts: [],
          attributes: [],
          removes: [],
          adds: [{ parentId: node.id, nextId: null, node: added }],
        });
        break;
      }
      case 'mutation-attr':
        node = el('div', { id: elId }, [text('x')]);
        incremental({
          source: IncrementalSource.Mutation,
          texts: [],
          attributes: [{ id: node.id, attributes: { title: `Set to ${c.value}` } }],
          removes: [],
          adds: [],
        });
        break;
      case 'attr-name':
        node = el('div', { id: elId, [attributeNameOf(c)]: 'yes' }, [text('row')]);
        break;
      case 'mutation-attr-name':
        node = el('div', { id: elId }, [text('x')]);
        incremental({
          source: IncrementalSource.Mutation,
          texts: [],
          attributes: [{ id: node.id, attributes: { [attributeNameOf(c)]: 'yes' } }],
          removes: [],
          adds: [],
        });
        break;
      case 'title':
      case 'page-url':
        break;
    }
    if (node) {
      body.push(node);
      nodeOf.set(c.id, node.id as number);
    }
  }

  const title = titleCases.length > 0 ? `Account ${titleCases[0]!.value}` : 'Corpus';
  const snapshot: RecordedEvent = {
    type: EventType.FullSnapshot,
    timestamp: ++ts,
    data: {
      node: {
        type: NodeType.Document,
        id: id(),
        childNodes: [
          el('html', {}, [el('head', {}, [el('title', {}, [text(title)])]), el('body', {}, body)]),
        ],
      },
      initialOffset: { top: 0, left: 0 },
    },
  };
  const events: RecordedEvent[] = [
    {
      type: EventType.Meta,
      timestamp: startTs,
      data: { href: `${ORIGIN}/corpus/page.html`, width: 1280, height: 800 },
    },
    snapshot,
    {
      type: EventType.Custom,
      timestamp: ++ts,
      data: { tag: VeilCustomTag.PageView, payload: { url: `${ORIGIN}/corpus/page.html`, title } },
    },
    ...later,
  ];
  // Further titles: one page view each (a single-page app renaming its document).
  for (const c of titleCases.slice(1)) {
    events.push({
      type: EventType.Custom,
      timestamp: ++ts,
      data: {
        tag: VeilCustomTag.PageView,
        payload: { url: `${ORIGIN}/corpus/page.html`, title: `Account ${c.value}` },
      },
    });
  }
  for (const c of cases.filter((x) => x.position === 'page-url')) {
    const href = `${ORIGIN}${corpusPagePath(c)}`;
    events.push(
      { type: EventType.Meta, timestamp: ++ts, data: { href, width: 1280, height: 800 } },
      {
        type: EventType.Custom,
        timestamp: ++ts,
        data: { tag: VeilCustomTag.PageView, payload: { url: href, title: 'Page' } },
      },
    );
  }
  return { events, nodeOf };
}
