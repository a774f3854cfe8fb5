/**
 * The planted-PII corpus as a real page, for the end-to-end tests in Chromium: every static
 * position in the markup, the dynamic ones (text split across nodes, shadow DOM, text and
 * attribute mutations, title changes) made by a script after load, and the positions that need a
 * visitor (typing, choosing, editing, navigating) listed as interactions for the test to perform.
 */
import { attributeNameOf, type PiiCase } from './plantedPii.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The path of the page for a `page-url` case: the value percent-encoded inside the path. */
export function corpusPageUrlPath(c: PiiCase): string {
  return `/corpus/page/${encodeURIComponent(c.value)}/view.html`;
}

/** One thing the visitor does on the corpus page. */
export type CorpusInteraction =
  | { kind: 'type'; selector: string; value: string }
  | { kind: 'select'; selector: string; value: string }
  | { kind: 'edit'; selector: string; value: string }
  | { kind: 'tag'; key: string; value: string }
  | { kind: 'visit'; path: string };

export function corpusInteractions(cases: readonly PiiCase[]): CorpusInteraction[] {
  const out: CorpusInteraction[] = [];
  for (const c of cases) {
    const selector = `#pii-${c.id}`;
    if (c.position === 'input-typed') out.push({ kind: 'type', selector, value: c.value });
    else if (c.position === 'textarea-change')
      out.push({ kind: 'type', selector, value: `Note: ${c.value}` });
    else if (c.position === 'select-change') out.push({ kind: 'select', selector, value: c.value });
    else if (c.position === 'contenteditable') out.push({ kind: 'edit', selector, value: `Dear ${c.value}` });
    else if (c.position === 'page-url') out.push({ kind: 'visit', path: corpusPageUrlPath(c) });
    else if (c.position === 'custom-tag')
      out.push({ kind: 'tag', key: `contact-${c.id}`, value: `Contact ${c.value}` });
  }
  return out;
}

/** The markup of one case's static part (empty for positions made by script or by the visitor only). */
function caseMarkup(c: PiiCase): string {
  const id = `pii-${c.id}`;
  const v = esc(c.value);
  const enc = esc(encodeURIComponent(c.value));
  switch (c.position) {
    case 'text':
      return `<p id="${id}">Contact on file: ${v}.</p>`;
    case 'text-split':
    case 'mutation-text':
    case 'mutation-attr':
    case 'mutation-attr-name':
      return `<p id="${id}">loading</p>`;
    case 'attr-title':
      return `<span id="${id}" title="Owner ${v}">owner</span>`;
    case 'attr-alt':
      return `<img id="${id}" alt="${v}" src="data:," width="8" height="8">`;
    case 'attr-placeholder':
      return `<input id="${id}" type="text" placeholder="e.g. ${v}">`;
    case 'attr-aria-label':
      return `<button id="${id}" type="button" aria-label="Call ${v}">call</button>`;
    case 'attr-data':
      return `<div id="${id}" data-customer="${v}">row</div>`;
    case 'attr-value':
      return `<input id="${id}" type="text" readonly value="${v}">`;
    case 'attr-name':
      return `<div id="${id}" ${esc(attributeNameOf(c))}="yes">row</div>`;
    case 'href-path':
      return `<a id="${id}" href="/people/${enc}/profile">profile</a>`;
    case 'href-query':
      return `<a id="${id}" href="/next?who=${enc}&amp;step=2">next</a>`;
    case 'src-query':
      return `<img id="${id}" src="/pixel.gif?u=${enc}" width="1" height="1" alt="">`;
    case 'href-scheme':
      return `<a id="${id}" href="${c.label === 'email' ? 'mailto:' : 'tel:'}${v}">write</a>`;
    case 'input-typed':
      return `<input id="${id}" type="text" name="field-${c.id}">`;
    case 'textarea-change':
      return `<textarea id="${id}" name="note-${c.id}"></textarea>`;
    case 'hidden-input':
      return `<input id="${id}" type="hidden" name="h-${c.id}" value="${v}">`;
    case 'select-option':
      return `<select id="${id}"><option value="a">Choose</option><option value="b">${v}</option></select>`;
    case 'select-change':
      return `<select id="${id}"><option value="">Choose</option><option value="${v}">the one</option></select>`;
    case 'contenteditable':
      return `<div id="${id}" contenteditable="true"></div>`;
    case 'shadow-dom':
      return `<veil-card id="${id}" data-text="${esc(`Inside ${c.value}`)}"></veil-card>`;
    case 'iframe-same':
      return `<iframe id="${id}" src="/corpus/frame/${c.id}.html" width="120" height="40"></iframe>`;
    case 'iframe-srcdoc':
      return `<iframe id="${id}" srcdoc="${esc(`<p>Contact ${esc(c.value)}</p>`)}" width="120" height="40"></iframe>`;
    case 'css-style-url':
      return `<div id="${id}" style="background-image: url('/bg.png?who=${enc}'); width: 4px; height: 4px"></div>`;
    case 'css-content':
      return `<style>#${id}::after { content: "Contact ${v}" }</style><p id="${id}">see</p>`;
    case 'shadow-late':
      return `<veil-card id="${id}" data-text="Card"></veil-card>`;
    case 'split-spans': {
      const cut = Math.ceil(c.value.length / 2);
      return `<p id="${id}">Contact <span>${esc(c.value.slice(0, cut))}</span><span>${esc(c.value.slice(cut))}</span></p>`;
    }
    case 'split-nested': {
      const cut = Math.ceil(c.value.length / 2);
      return `<p id="${id}"><a href="/x"><span>${esc(c.value.slice(0, cut))}</span></a><em>${esc(c.value.slice(cut))}</em></p>`;
    }
    case 'split-groups':
      return `<p id="${id}">${c.value
        .split(' ')
        .map((g) => `<span>${esc(g)}</span>`)
        .join(' ')}</p>`;
    case 'split-comment': {
      const cut = Math.ceil(c.value.length / 2);
      return `<p id="${id}">Contact ${esc(c.value.slice(0, cut))}<!-- -->${esc(c.value.slice(cut))}</p>`;
    }
    case 'split-late':
      return `<p id="${id}">Contact <span></span></p>`;
    case 'custom-tag':
    case 'title':
    case 'page-url':
      return '';
  }
}

/**
 * The script that makes the dynamic positions after load. Values travel in a JSON island, so the
 * script holds no value itself (and the recorder skips script text anyway).
 */
function dynamicScript(cases: readonly PiiCase[]): string {
  const dynamic = cases
    .filter((c) =>
      [
        'text-split',
        'mutation-text',
        'mutation-attr',
        'mutation-attr-name',
        'title',
        'shadow-late',
        'split-late',
      ].includes(c.position),
    )
    .map((c) => ({
      id: c.id,
      position: c.position,
      value: c.position === 'mutation-attr-name' ? attributeNameOf(c) : c.value,
    }));
  return `<script type="application/json" id="corpus-dynamic">${JSON.stringify(dynamic).replace(/</g, '\\u003c')}</script>
<script>
  customElements.define('veil-card', class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: 'open' });
      const p = document.createElement('p');
      p.textContent = this.dataset.text || '';
      this.removeAttribute('data-text');
      root.append(p);
    }
  });
  window.corpusReady = new Promise((resolve) => {
    setTimeout(() => {
      const cases = JSON.parse(document.getElementById('corpus-dynamic').textContent);
      const titles = [];
      for (const c of cases) {
        const el = document.getElementById('pii-' + c.id);
        if (c.position === 'text-split') {
          const cut = Math.ceil(c.value.length / 2);
          el.replaceChildren(document.createTextNode('Paid with ' + c.value.slice(0, cut)), document.createTextNode(c.value.slice(cut) + ' ok'));
        } else if (c.position === 'mutation-text') {
          el.textContent = 'Updated ' + c.value;
        } else if (c.position === 'mutation-attr') {
          el.setAttribute('title', 'Set to ' + c.value);
        } else if (c.position === 'mutation-attr-name') {
          el.setAttribute(c.value, 'yes');
        } else if (c.position === 'shadow-late') {
          const p = document.createElement('p');
          p.textContent = 'Later ' + c.value;
          el.shadowRoot.append(p);
        } else if (c.position === 'split-late') {
          const cut = Math.ceil(c.value.length / 2);
          const span = el.querySelector('span');
          span.textContent = c.value.slice(0, cut);
          setTimeout(() => span.after(document.createTextNode(c.value.slice(cut))), 50);
        } else if (c.position === 'title') {
          titles.push('Account ' + c.value);
        }
      }
      let i = 0;
      const next = () => {
        if (i < titles.length) { document.title = titles[i++]; setTimeout(next, 20); } else resolve(true);
      };
      next();
    }, 200);
  });
</script>`;
}

export interface CorpusPageOptions {
  /** Markup for the head: the Veil snippet, or a raw rrweb recorder for the "masking off" run. */
  head: string;
  /** Page title before the script changes it. @default 'Corpus' */
  title?: string;
}

/** The whole corpus page. `page-url` cases are visited separately (`corpusInteractions`). */
export function corpusPageHtml(cases: readonly PiiCase[], options: CorpusPageOptions): string {
  const body = cases.map(caseMarkup).filter((m) => m !== '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${esc(options.title ?? 'Corpus')}</title>
${options.head}
</head>
<body>
<h1>Planted PII corpus</h1>
<main id="corpus">
${body.join('\n')}
</main>
${dynamicScript(cases)}
</body>
</html>`;
}
