import type { ChecklistItem, EvidenceLink } from '@veil/core';

/** The small HTML builders of the compliance pack: every text goes through `esc`. */

export const esc = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
export const date = (ms: number | null): string =>
  ms === null ? '—' : new Date(ms).toISOString().slice(0, 10);
export const time = (ms: number | null): string =>
  ms === null ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const pct = (r: number | null): string => (r === null ? '—' : `${Math.round(r * 100)} %`);
export const num = (n: number): string => String(n);
export const hours = (h: number | null, unit = ' h'): string => (h === null ? '—' : `${h.toFixed(1)}${unit}`);

/** A column: its heading and the cell's HTML (already escaped) for one row. */
export type Column<T> = readonly [heading: string, cell: (row: T) => string];

/** A table of `rows`, one column per spec; `empty` when there is no row. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return (
    `<table><thead><tr>${columns.map(([h]) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${columns.map(([, cell]) => `<td>${cell(r)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

export function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/** Term and value pairs; values are HTML (already escaped). */
export function dl(pairs: readonly (readonly [string, string])[]): string {
  return `<dl>${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** An evidence link made absolute against this Veil's `origin`; anything but http(s), `#` or `/` is text. */
export function link(l: EvidenceLink, origin: string): string {
  const href = l.href.startsWith('/') ? `${origin}${l.href}` : l.href;
  const safe = /^(https?:\/\/|#|\/)/.test(href);
  return safe ? `<a href="${esc(href)}">${esc(l.label)}</a>` : esc(`${l.label}: ${l.href}`);
}

export const links = (ls: readonly EvidenceLink[], origin: string): string =>
  ls.map((l) => link(l, origin)).join(', ') || '—';

export function checklist(items: readonly ChecklistItem[], origin: string): string {
  return table(
    items,
    [
      ['Item', (i) => esc(i.title)],
      ['Status', (i) => `<span class="status status-${i.status}">${esc(i.status)}</span>`],
      ['Note', (i) => esc(i.note)],
      ['Evidence', (i) => links(i.evidence, origin)],
    ],
    'no items',
  );
}
