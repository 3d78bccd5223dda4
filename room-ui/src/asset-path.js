// Excalidraw 0.18 reads window.EXCALIDRAW_ASSET_PATH when its modules load and fetches its fonts
// from there. Point it at the folder this script was served from (".../<token>/static/"), as an
// absolute URL: Excalidraw resolves "./x" and "/x" against the origin, which would drop the token.
// This module is imported first by main.jsx, so it runs before Excalidraw's code.
const script = document.currentScript;
const base = new URL(".", script ? script.src : new URL("static/", location.href)).href;
window.EXCALIDRAW_ASSET_PATH = base;
export const staticUrl = (file) => new URL(file, base).href;
