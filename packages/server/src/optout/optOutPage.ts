import type { OptOutTexts } from '@veil/core';

/** The opt-out page's own words beyond core's `OptOutTexts` (English; the texts above are localised). */
export interface OptOutPageModel {
  lang: string;
  texts: OptOutTexts;
  siteName: string | null;
  siteKey: string | null;
  visitorId: string | null;
  /** After a POST: what was registered. */
  done?: { scope: 'site' | 'instance'; created: boolean } | undefined;
  error?: string | undefined;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=text]{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #767676;border-radius:4px}
fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600}
.choice{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}
button{margin-top:1rem;min-height:44px;padding:.5rem 1rem;font:inherit;font-weight:600;color:#fff;background:#1a4f9c;border:2px solid #1a4f9c;border-radius:6px}
button:focus-visible,input:focus-visible{outline:3px solid #c25e00;outline-offset:2px}
.note{color:#444}.ok{padding:.75rem;border-left:4px solid #1b7a3a;background:#eef8f0}.err{padding:.75rem;border-left:4px solid #b00020;background:#fdecee}
@media (prefers-color-scheme:dark){body{background:#1e1e1e;color:#f2f2f2}.note{color:#ccc}.ok,.err{background:#2a2a2a}}`;

/**
 * `/optout`, served by Veil: a plain form (no script, no cookie) that puts a visitor id in the
 * opt-out registry of one site or of every site of the instance. A site links to it with
 * `?site=SITE_KEY&visitor=VISITOR_ID`; every value shown is escaped.
 */
export function renderOptOutPage(m: OptOutPageModel): string {
  const t = m.texts;
  const site = m.siteName === null ? '' : ` — ${escapeHtml(m.siteName)}`;
  const status = m.done
    ? `<p class="ok" role="status">${escapeHtml(t.statusOut)}${m.done.scope === 'instance' ? ' (all sites)' : ''}</p>`
    : m.error
      ? `<p class="err" role="alert">${escapeHtml(m.error)}</p>`
      : `<p class="note">${escapeHtml(t.statusIn)}</p>`;
  const form = m.done
    ? ''
    : `<form method="post" action="/optout">
<input type="hidden" name="site" value="${escapeHtml(m.siteKey ?? '')}">
<label for="visitor">Visitor id</label>
<input type="text" id="visitor" name="visitor" value="${escapeHtml(m.visitorId ?? '')}" required pattern="[A-Za-z0-9_-]{8,64}" autocomplete="off" spellcheck="false" aria-describedby="visitor-help">
<p class="note" id="visitor-help">The pseudonymous id this site's opt-out control shows; nothing else identifies you here.</p>
<fieldset><legend>Where</legend>
<div class="choice"><input type="radio" id="scope-site" name="scope" value="site" checked><label for="scope-site">This site</label></div>
<div class="choice"><input type="radio" id="scope-all" name="scope" value="instance"><label for="scope-all">Every site recorded by this Veil instance</label></div>
</fieldset>
<button type="submit">${escapeHtml(t.optOut)}</button>
</form>`;
  return `<!doctype html>
<html lang="${escapeHtml(m.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(t.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(t.title)}${site}</h1>
${status}
${form}
</main></body></html>
`;
}
