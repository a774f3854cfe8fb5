/**
 * Script-injection payloads for the untrusted-replay test, generated as combinations (sink ×
 * vector × encoding). Each payload, if it ever ran or fetched in a replay, would call
 * `top.__veilCanary(id)` and/or request `${beacon}/…/id` (a second loopback origin that logs every
 * hit). Each sits in a wrapper `<div id="vp{id}">` so a test can find it in recordings and frames.
 */
export interface InjectionPayload {
  id: number;
  category: string;
  html: string;
}

/** An attribute set on an existing element after load: recorded as an attribute mutation. */
export interface AttributeMutationPayload {
  id: number;
  tag: string;
  name: string;
  value: string;
}

const CSS_URL_FORMS = [
  (u: string) => `url(${u})`,
  (u: string) => `url("${u}")`,
  (u: string) => `url('${u}')`,
  (u: string) => `u\\72l(${u})`,
  (u: string) => `URL(${u})`,
  (u: string) => `image-set(url(${u}) 1x)`,
  (u: string) => `image-set("${u}" 1x)`,
  (u: string) => `-webkit-image-set(url(${u}) 1x)`,
];
const CSS_PROPERTIES = [
  'background',
  'background-image',
  'list-style-image',
  'cursor',
  'border-image-source',
  'mask-image',
  '-webkit-mask-image',
  'content',
  'shape-outside',
  'filter',
];
const HANDLERS = [
  'onerror',
  'onload',
  'onfocus',
  'onanimationstart',
  'ontoggle',
  'onbegin',
  'onmouseover',
  'onclick',
  'onpointerenter',
  'onfocusin',
];
const HANDLER_HOSTS: ReadonlyArray<(handler: string, js: string) => string> = [
  (h, js) => `<img src="x" ${h}="${js}">`,
  (h, js) => `<svg ${h}="${js}"><rect width="1" height="1"/></svg>`,
  (h, js) => `<div tabindex="0" style="animation:veilspin 1ms" ${h}="${js}">x</div>`,
  (h, js) => `<details open ${h}="${js}"><summary>s</summary></details>`,
  (h, js) => `<input autofocus ${h}="${js}">`,
  (h, js) => `<video src="x" ${h}="${js}"></video>`,
  (h, js) => `<audio src="x" ${h}="${js}"></audio>`,
  (h, js) => `<iframe ${h}="${js}"></iframe>`,
  (h, js) => `<marquee ${h}="${js}">m</marquee>`,
  (h, js) => `<select ${h}="${js}"><option>a</option></select>`,
  (h, js) => `<textarea ${h}="${js}"></textarea>`,
  (h, js) => `<button ${h}="${js}">b</button>`,
  (h, js) => `<object data="x" ${h}="${js}"></object>`,
  (h, js) => `<style ${h}="${js}">.a{}</style>`,
  (h, js) => `<link rel="stylesheet" href="x.css" ${h}="${js}">`,
  (h, js) => `<svg><animate attributeName="x" dur="1ms" ${h}="${js}"/></svg>`,
  (h, js) => `<math ${h}="${js}"><mi>x</mi></math>`,
  (h, js) => `<a href="#" ${h}="${js}">a</a>`,
];
const URL_SINKS: ReadonlyArray<(u: string) => string> = [
  (u) => `<a href="${u}">a</a>`,
  (u) => `<map name="m"><area shape="rect" coords="0,0,9,9" href="${u}"></map>`,
  (u) => `<iframe src="${u}"></iframe>`,
  (u) => `<form action="${u}"><button>f</button></form>`,
  (u) => `<form><button formaction="${u}">f</button></form>`,
  (u) => `<form><input type="submit" formaction="${u}"></form>`,
  (u) => `<object data="${u}"></object>`,
  (u) => `<embed src="${u}">`,
  (u) => `<svg><a xlink:href="${u}"><text y="9">a</text></a></svg>`,
  (u) => `<svg><a href="${u}"><text y="9">a</text></a></svg>`,
  (u) => `<math><mi href="${u}">m</mi></math>`,
  (u) => `<img src="${u}">`,
  (u) => `<link rel="stylesheet" href="${u}">`,
  (u) => `<a href="${u}" target="_top">t</a>`,
];

/** Every payload, ids from 0; `beacon` is the logging origin (`http://127.0.0.1:PORT`). */
export function injectionPayloads(beacon: string): InjectionPayload[] {
  const out: InjectionPayload[] = [];
  const add = (category: string, make: (js: string, url: string, id: number) => string) => {
    const id = out.length;
    const js = `try{top.__veilCanary(${id})}catch(e){};new Image().src='${beacon}/js/${id}'`;
    const url = `${beacon}/u/${id}`;
    out.push({ id, category, html: `<div id="vp${id}">${make(js, url, id)}</div>` });
  };

  for (const host of HANDLER_HOSTS)
    for (const handler of HANDLERS) add('event handler', (js) => host(handler, js));

  const schemes = (js: string, url: string) => [
    `javascript:${js}`,
    `JaVaScRiPt:${js}`,
    ` javascript:${js}`,
    `java&#9;script:${js}`,
    `java&#10;script:${js}`,
    `&#1;javascript:${js}`,
    `javascript&#58;${js}`,
    `&#106;&#97;vascript:${js}`,
    `data:text/html,<script>${js}</script>`,
    `${url}?q=1#frag`,
  ];
  for (const sink of URL_SINKS)
    for (let i = 0; i < 10; i++) add('javascript: URL', (js, url) => sink(schemes(js, url)[i] ?? ''));

  const scripts: ReadonlyArray<(js: string, url: string) => string> = [
    (js) => `<script>${js}</script>`,
    (_, u) => `<script src="${u}.js"></script>`,
    (js) => `<script type="module">${js}</script>`,
    (js) => `<script src="data:text/javascript,${js}"></script>`,
    (js) => `<svg><script>${js}</script></svg>`,
    (_, u) => `<svg><script href="${u}.js"></script></svg>`,
    (_, u) => `<script defer src="${u}"></script>`,
    (js) => `<noscript><img src="x" onerror="${js}"></noscript>`,
    (js) => `<template><script>${js}</script></template>`,
    (js) => `<script>/*<!--*/${js}</script>`,
  ];
  for (const s of scripts) add('<script>', s);

  const svg: ReadonlyArray<(js: string, url: string, id: number) => string> = [
    (js) => `<svg><a><animate attributeName="href" values="javascript:${js}"/><text y="9">x</text></a></svg>`,
    (js) => `<svg><a><set attributeName="href" to="javascript:${js}"/><text y="9">x</text></a></svg>`,
    (_, u) => `<svg><image href="${u}" width="1" height="1"/></svg>`,
    (_, u) => `<svg><image xlink:href="${u}" width="1" height="1"/></svg>`,
    (_, u) => `<svg><use href="${u}#x"/></svg>`,
    (_, u, id) => `<svg><filter id="f${id}"><feImage href="${u}"/></filter></svg>`,
    (js) => `<svg><foreignObject width="9" height="9"><img src="x" onerror="${js}"></foreignObject></svg>`,
    (js) => `<svg><animateMotion onbegin="${js}" dur="1ms"/></svg>`,
    (js) => `<svg><discard onbegin="${js}"/></svg>`,
    (_, u) => `<svg><style>@import url(${u});</style></svg>`,
    (_, u) => `<svg><rect width="9" height="9" fill="url(${u}#g)"/></svg>`,
    (js) => `<svg><set attributeName="onload" to="${js}"/></svg>`,
    (js) => `<svg><animate attributeName="onclick" values="${js}"/></svg>`,
  ];
  for (const s of svg) add('SVG', s);

  const srcdoc: ReadonlyArray<(js: string, url: string) => string> = [
    (js) => `<iframe srcdoc="<script>${js}</script>"></iframe>`,
    (js) => `<iframe srcdoc="<img src=x onerror=&quot;${js}&quot;>"></iframe>`,
    (_, u) => `<iframe srcdoc="<meta http-equiv=refresh content='0;url=${u}'>"></iframe>`,
    (_, u) => `<iframe srcdoc="<link rel=stylesheet href=${u}>"></iframe>`,
    (js) => `<iframe sandbox="allow-scripts" srcdoc="<script>${js}</script>"></iframe>`,
    (_, u) => `<iframe srcdoc="<img src=${u}>"></iframe>`,
    (js) => `<frameset onload="${js}"></frameset>`,
  ];
  for (const s of srcdoc) add('srcdoc', s);

  const attrValue = (v: string) => v.replaceAll('"', '&quot;');
  for (const prop of CSS_PROPERTIES) {
    for (const form of CSS_URL_FORMS) {
      const value = (u: string) => `${form(u)}${prop === 'cursor' ? ',auto' : ''}`;
      add('CSS (style attribute)', (_, u) => `<div style="${attrValue(`${prop}:${value(u)}`)}">c</div>`);
      add('CSS (style sheet)', (_, u, id) => {
        const selector = prop === 'content' ? `.c${id}::before` : `.c${id}`;
        return `<style>${selector}{${prop}:${value(u)}}</style><div class="c${id}">c</div>`;
      });
    }
  }

  const imports: ReadonlyArray<(u: string) => string> = [
    (u) => `<style>@import url(${u});</style>`,
    (u) => `<style>@import "${u}";</style>`,
    (u) => `<style>@import url('${u}') screen;</style>`,
    (u) => `<style>@\\69mport url(${u});</style>`,
    (u) => `<style>@import url(${u}) layer(x);</style>`,
    (u) => `<style>@namespace url(${u});@import url(${u});</style>`,
    (u) => `<style>/* x */@IMPORT url(${u});</style>`,
  ];
  for (const i of imports) add('@import', (_, u) => i(u));

  const fonts: ReadonlyArray<(u: string, id: number) => string> = [
    (u, id) =>
      `<style>@font-face{font-family:f${id};src:url(${u})}.f${id}{font-family:f${id}}</style><p class="f${id}">f</p>`,
    (u, id) =>
      `<style>@font-face{font-family:f${id};src:local(x),url(${u}) format("woff2")}.f${id}{font-family:f${id}}</style><p class="f${id}">f</p>`,
    (u, id) =>
      `<style>@font-face{font-family:f${id};src:u\\72l(${u})}.f${id}{font-family:f${id}}</style><p class="f${id}">f</p>`,
    (u) => `<link rel="preload" as="font" href="${u}" crossorigin>`,
    (u, id) =>
      `<style>@font-face{font-family:f${id};src:url("${u}")}</style><p style="font-family:f${id}">f</p>`,
  ];
  for (const f of fonts) add('font', (_, u, id) => f(u, id));

  const cursors: ReadonlyArray<(u: string, id: number) => string> = [
    (u) => `<div style="cursor:url(${u}),auto">k</div>`,
    (u) => `<div style="cursor:url(${u}) 2 2,pointer">k</div>`,
    (u, id) => `<style>.k${id}:hover{cursor:url(${u}),auto}</style><div class="k${id}">k</div>`,
    (u) => `<svg style="cursor:url(${u}),auto"><rect width="9" height="9"/></svg>`,
  ];
  for (const c of cursors) add('cursor', (_, u, id) => c(u, id));

  const bases: ReadonlyArray<(js: string, u: string) => string> = [
    (_, u) => `<base href="${u}/"><img src="rel.png">`,
    () => `<base target="_top"><a href="rel.html">r</a>`,
    (js) => `<base href="javascript:${js}//">`,
    (_, u) => `<svg><base href="${u}/"/></svg>`,
  ];
  for (const b of bases) add('<base>', b);

  const forms: ReadonlyArray<(js: string, u: string, id: number) => string> = [
    (_, u) => `<form action="${u}" method="post"><input name="q" value="v"><button>go</button></form>`,
    (_, u) => `<form action="${u}" target="_blank"><button>go</button></form>`,
    (_, u) => `<form action="${u}"><input type="image" src="${u}.png"></form>`,
    (_, u, id) => `<input form="f${id}" formaction="${u}" type="submit"><form id="f${id}"></form>`,
    (js, u) => `<form action="${u}"><input onfocus="${js}" autofocus></form>`,
    (_, u) => `<button form="x" formaction="${u}" formtarget="_top">b</button>`,
    (js) => `<form action="javascript:${js}"><button>go</button></form>`,
    (_, u) => `<form method="dialog" action="${u}"><button>go</button></form>`,
  ];
  for (const f of forms) add('form action', f);

  const fragments: ReadonlyArray<(u: string) => string> = [
    () => `<a href="#x">x</a>`,
    () => `<a href="?q=1#x">x</a>`,
    () => `<map name="mx"><area shape="rect" coords="0,0,9,9" href="#x"></map>`,
    () => `<form action="#x"><button>b</button></form>`,
    () => `<a href="#x" target="_top">x</a>`,
    () => `<svg><a href="#x"><text y="9">x</text></a></svg>`,
    (u) => `<a href="#" ping="${u}">p</a>`,
  ];
  for (const f of fragments) add('href="#x"', (_, u) => f(u));

  const links: ReadonlyArray<(u: string) => string> = [
    (u) => `<link rel="stylesheet" href="${u}.css">`,
    (u) => `<link rel="prefetch" href="${u}">`,
    (u) => `<link rel="preload" as="image" href="${u}">`,
    (u) => `<link rel="icon" href="${u}">`,
    (u) => `<link rel="modulepreload" href="${u}.js">`,
    (u) => `<link rel="manifest" href="${u}">`,
    (u) => `<link rel="prerender" href="${u}">`,
    (u) => `<link rel="alternate stylesheet" href="${u}.css" title="x">`,
  ];
  for (const l of links) add('<link>', (_, u) => l(u));

  const media: ReadonlyArray<(u: string) => string> = [
    (u) => `<img src="${u}">`,
    (u) => `<img srcset="${u} 1x">`,
    (u) => `<picture><source srcset="${u}"><img src="x"></picture>`,
    (u) => `<video poster="${u}"></video>`,
    (u) => `<video src="${u}"></video>`,
    (u) => `<audio src="${u}"></audio>`,
    (u) => `<video><source src="${u}"></video>`,
    (u) => `<video><track src="${u}"></video>`,
    (u) => `<input type="image" src="${u}">`,
    (u) => `<table background="${u}"><tr><td>t</td></tr></table>`,
    (u) => `<image src="${u}">`,
    (u) => `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" srcset="${u} 2x">`,
    (u) => `<iframe src="${u}"></iframe>`,
  ];
  for (const m of media) add('image/media', (_, u) => m(u));
  return out;
}

/**
 * `<meta http-equiv>` payloads, inserted into a page only just before the visitor leaves it (a
 * refresh would otherwise navigate the recorded page itself); ids continue after `firstId`.
 */
export function metaPayloads(beacon: string, firstId: number): InjectionPayload[] {
  const makers: ReadonlyArray<(js: string, u: string) => string> = [
    (_, u) => `<meta http-equiv="refresh" content="3;url=${u}">`,
    (_, u) => `<meta http-equiv="refresh" content="3; URL='${u}'">`,
    (js) => `<meta http-equiv="Refresh" content="3;url=javascript:${js}">`,
    () => `<meta http-equiv="set-cookie" content="veil_planted=1">`,
    () => `<meta http-equiv="Content-Security-Policy" content="default-src *">`,
    (_, u) => `<meta http-equiv="refresh" content="3,${u}">`,
    (_, u) => `<meta http-equiv="x-dns-prefetch-control" content="on"><link rel="dns-prefetch" href="${u}">`,
    () => `<meta name="referrer" content="unsafe-url">`,
  ];
  return makers.map((make, i) => {
    const id = firstId + i;
    const js = `try{top.__veilCanary(${id})}catch(e){};new Image().src='${beacon}/js/${id}'`;
    return {
      id,
      category: '<meta http-equiv>',
      html: `<div id="vp${id}">${make(js, `${beacon}/u/${id}`)}</div>`,
    };
  });
}

/** Attributes set after load on plain elements (`<div id="vp{id}"><tag></tag></div>`). */
export function attributeMutationPayloads(beacon: string, firstId: number): AttributeMutationPayload[] {
  const js = (id: number) => `try{top.__veilCanary(${id})}catch(e){};new Image().src='${beacon}/js/${id}'`;
  const u = (id: number) => `${beacon}/u/${id}`;
  const rows: ReadonlyArray<[string, string, (id: number) => string]> = [
    ['img', 'onerror', js],
    ['img', 'src', u],
    ['img', 'srcset', (id) => `${u(id)} 1x`],
    ['div', 'onclick', js],
    ['div', 'style', (id) => `background:url(${u(id)})`],
    ['div', 'style', (id) => `cursor:url(${u(id)}),auto`],
    ['a', 'href', (id) => `javascript:${js(id)}`],
    ['a', 'href', (id) => `${u(id)}#x`],
    ['a', 'ping', u],
    ['iframe', 'srcdoc', (id) => `<script>${js(id)}</script>`],
    ['iframe', 'src', u],
    ['form', 'action', u],
    ['button', 'formaction', (id) => `javascript:${js(id)}`],
    ['object', 'data', u],
    ['embed', 'src', u],
    ['video', 'poster', u],
    ['input', 'onfocus', js],
    ['details', 'ontoggle', js],
    ['link', 'href', u],
    ['svg', 'onload', js],
  ];
  return rows.map(([tag, name, value], i) => ({ id: firstId + i, tag, name, value: value(firstId + i) }));
}
