/**
 * The banner's styles, inside its shadow root (the page's CSS cannot reach them, theirs cannot
 * leak out). Accept, reject and choose share one style: refusing is exactly as easy as accepting.
 */
export const BANNER_CSS = `
:host{all:initial}
.b{position:fixed;z-index:2147483647;left:16px;right:16px;bottom:16px;max-width:640px;margin:0 auto;
box-sizing:border-box;padding:20px;background:#fff;color:#1a1a1a;border:1px solid #767676;border-radius:8px;
box-shadow:0 4px 24px rgba(0,0,0,.25);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
max-height:calc(100vh - 32px);overflow:auto}
.b:focus{outline:none}
h2{margin:0 0 8px;font-size:18px;line-height:1.3}
h3{margin:0 0 8px;font-size:16px}
p{margin:0 0 12px}
a{color:#1a4f9c}
.row{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
button{flex:1 1 140px;min-height:44px;padding:8px 16px;font:inherit;font-weight:600;color:#fff;
background:#1a4f9c;border:2px solid #1a4f9c;border-radius:6px;cursor:pointer}
button:hover{background:#143d79}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #c25e00;outline-offset:2px}
label{display:flex;gap:10px;align-items:flex-start;font-weight:600}
input{width:20px;height:20px;margin:2px 0 0;flex:none}
.d{margin:4px 0 0 30px;font-weight:400}
[hidden]{display:none!important}
@media (prefers-color-scheme:dark){.b{background:#1e1e1e;color:#f2f2f2;border-color:#9a9a9a}a{color:#9cc3ff}}
@media (forced-colors:active){button{border-color:ButtonText}}
`;
