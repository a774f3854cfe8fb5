/**
 * Pages for the recorder's capture-scope test (iframes, shadow hosts, CSS, attributes under "mask
 * all text", vendor markup, local configuration), generated into a folder the test server serves.
 * Every planted value is a unique token; the test asserts which tokens reach the wire.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Vendor markup that blocks an element (not captured at all). */
export const VENDOR_BLOCK = [
  'class="veil-block"',
  'data-veil="block"',
  'class="rr-block"',
  'class="fs-exclude"',
  'class="sentry-block"',
  'class="ph-no-capture"',
  'class="inspectletIgnore"',
] as const;
/** Vendor markup that masks an element's text. */
export const VENDOR_MASK = [
  'class="veil-mask"',
  'data-veil="mask"',
  'class="rr-mask"',
  'class="fs-mask"',
  'data-hj-suppress',
  'data-clarity-mask',
  'class="sentry-mask"',
  'class="inspectlet-sensitive"',
] as const;
/** Vendors' unmask markers Veil ignores (README: "Vendor markup"): inputs stay masked. */
export const VENDOR_UNMASK_IGNORED = [
  'class="fs-unmask"',
  'data-hj-allow',
  'data-clarity-unmask',
  'class="sentry-unmask"',
  'class="ph-unmask"',
] as const;
/** Unmask markers Veil honours for inputs (never passwords; detectors still run). */
export const VENDOR_UNMASK_HONOURED = ['class="veil-unmask"', 'class="inspectlet-whitelist"'] as const;

export const blockToken = (i: number) => `VBLOCKTOKEN${i}x`;
export const maskToken = (i: number) => `VMASKTOKEN${i}x`;
export const unmaskTypedToken = (i: number) => `VUNMASKTYPED${i}x`;
export const unmaskNestedToken = (i: number) => `VUNMASKNESTED${i}x`;
export const honouredTypedText = (i: number) => `plain words honoured ${i}`;

/** Tokens that must never reach the wire on the scope page under the default policy. */
export const SCOPE_SECRETS = {
  frameSame: 'FRAMESAMESECRETx',
  frameSrcdoc: 'SRCDOCSECRETx',
  frameAllowedText: 'FRAMEALLOWEDVISIBLEx',
  frameAllowedMail: 'frame.mail.planted@example.org',
  frameAllowedMasked: 'FRAMEALLOWEDMASKEDx',
  shadowBlock: 'SHADOWBLOCKSECRETx',
  shadowBlockLate: 'SHADOWBLOCKLATEx',
  shadowMask: 'SHADOWMASKSECRETx',
  shadowMaskLate: 'SHADOWMASKLATEx',
  cssStyleAttrQuery: 'CSSATTRQUERYx',
  cssStyleTagQuery: 'CSSTAGQUERYx',
  cssContentMail: 'css.content.planted@example.org',
  cssomQuery: 'CSSOMQUERYx',
  honouredPassword: 'HonouredPassw0rdx',
  honouredMail: 'honoured.planted@example.org',
} as const;

/** Visible, non-sensitive text: present unless all text is masked. */
export const PLAIN_TEXT = 'PLAINVISIBLETEXTx';

/** Text-bearing positions that "mask all text" must reach. */
export const MASK_ALL_SECRETS = {
  title: 'ATTRTITLEx',
  alt: 'ATTRALTx',
  ariaLabel: 'ATTRARIAx',
  placeholder: 'ATTRPLACEHOLDERx',
  buttonValue: 'ATTRBUTTONVALUEx',
  data: 'ATTRDATAx',
  option: 'OPTIONTEXTx',
  svgText: 'SVGTEXTx',
  editable: 'EDITABLETYPEDx',
  content: 'CSSCONTENTTEXTx',
  lateTitle: 'ATTRLATETITLEx',
} as const;

const loaderTag = (
  config = '',
) => `<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};${config}</script>
<script src="{{VEIL_ORIGIN}}/r/v1/loader.js" data-site="{{SITE_KEY}}" data-lawful-basis="legitimate_interest" data-debug async></script>`;

function scopeBody(): string {
  const s = SCOPE_SECRETS;
  const m = MASK_ALL_SECRETS;
  const vendorBlock = VENDOR_BLOCK.map(
    (a, i) => `<div ${a} id="vb-${i}" title="${blockToken(i)}">${blockToken(i)}</div>`,
  );
  const vendorMask = VENDOR_MASK.map((a, i) => `<p ${a} id="vm-${i}">${maskToken(i)}</p>`);
  const unmaskIgnored = VENDOR_UNMASK_IGNORED.map(
    (a, i) =>
      `<input type="text" ${a} id="vu-${i}"><div class="fs-mask"><span ${a}>${unmaskNestedToken(i)}</span></div>`,
  );
  const unmaskHonoured = VENDOR_UNMASK_HONOURED.map(
    (a, i) =>
      `<input type="text" ${a} id="vh-${i}"><input type="text" ${a} id="vhm-${i}"><input type="password" ${a} id="vhp-${i}">`,
  );
  return `<h1>Scope</h1>
<p id="plain">${PLAIN_TEXT}</p>
<iframe id="frame-same" src="/pages/scope-frame.html" width="200" height="80"></iframe>
<iframe id="frame-srcdoc" srcdoc="<p>${s.frameSrcdoc}</p>" width="200" height="80"></iframe>
<iframe id="frame-allowed" src="/pages/scope-frame-allowed.html" width="200" height="80"></iframe>
<veil-card id="shadow-block" class="veil-block" data-text="${s.shadowBlock}"></veil-card>
<veil-card id="shadow-mask" class="veil-mask" data-text="${s.shadowMask}"></veil-card>
<div id="css-attr" style="background-image: url('/bg.png?user=${s.cssStyleAttrQuery}'); width: 10px; height: 10px"></div>
<style>.css-y { background: url(/img.png?token=${s.cssStyleTagQuery}) } .css-x::after { content: "write ${s.cssContentMail}" } .css-m::before { content: "${m.content}" }</style>
<p class="css-x css-m">css</p>
<span id="m-title" title="${m.title}">t</span>
<img id="m-alt" alt="${m.alt}" src="data:," width="4" height="4">
<button id="m-aria" type="button" aria-label="${m.ariaLabel}">b</button>
<input id="m-placeholder" type="text" placeholder="${m.placeholder}">
<input id="m-button" type="submit" value="${m.buttonValue}">
<div id="m-data" data-owner="${m.data}">d</div>
<select id="m-select"><option>${m.option}</option></select>
<svg width="60" height="20"><text x="0" y="15">${m.svgText}</text></svg>
<div id="m-editable" contenteditable="true"></div>
${vendorBlock.join('\n')}
${vendorMask.join('\n')}
${unmaskIgnored.join('\n')}
${unmaskHonoured.join('\n')}
<script>
  customElements.define('veil-card', class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const p = document.createElement('p');
      p.textContent = this.dataset.text || '';
      this.removeAttribute('data-text');
      this.attachShadow({ mode: 'open' }).append(p);
    }
  });
  /** Changes after the first snapshot: shadow-root text, CSSOM rules, an attribute. */
  window.lateChanges = () => {
    const add = (id, text) => {
      const p = document.createElement('p');
      p.textContent = text;
      document.getElementById(id).shadowRoot.append(p);
    };
    add('shadow-block', ${JSON.stringify(s.shadowBlockLate)});
    add('shadow-mask', ${JSON.stringify(s.shadowMaskLate)});
    const sheet = document.querySelector('style').sheet;
    sheet.insertRule('.css-z { background: url("/late.png?q=${s.cssomQuery}") }', 0);
    document.getElementById('m-title').setAttribute('title', ${JSON.stringify(m.lateTitle)});
  };
</script>`;
}

function page(head: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Scope</title>
${head}
</head><body>
${body}
</body></html>`;
}

/** Writes the pages into `dir` (served as `/pages/NAME.html`). */
export function writeScopePages(dir: string): void {
  const s = SCOPE_SECRETS;
  writeFileSync(join(dir, 'scope.html'), page(loaderTag(), scopeBody()));
  writeFileSync(
    join(dir, 'scope-local.html'),
    page(
      loaderTag(
        // A local configuration that tightens (mask all, one more block) and tries to loosen.
        `veil('config',{maskAllText:true,blockSelectors:['#plain'],allowIframes:['#frame-same'],unmaskSelectors:['#vu-0'],samplingPercent:100});`,
      ),
      scopeBody(),
    ),
  );
  writeFileSync(
    join(dir, 'scope-frame.html'),
    page('', `<p>${s.frameSame}</p><input id="in-frame" type="text">`),
  );
  writeFileSync(
    join(dir, 'scope-frame-allowed.html'),
    page(
      '',
      `<p>${s.frameAllowedText}</p><p>Write to ${s.frameAllowedMail}</p><p class="veil-mask">${s.frameAllowedMasked}</p>`,
    ),
  );
}
