// Bootstrap Italia finds its fonts through window.__PUBLIC_PATH__; the path comes from this tag's
// data attribute so that no inline script is needed (a strict Content Security Policy forbids them).
window.__PUBLIC_PATH__ = document.currentScript.dataset.publicPath;
