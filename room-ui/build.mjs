// Bundles the room's front-end into ../interviewer/room/static/ (production, minified).
//   cd room-ui && npm ci && node build.mjs
import * as esbuild from "esbuild";
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../interviewer/room/static");
const excalidrawDist = join(here, "node_modules/@excalidraw/excalidraw/dist/prod");

// Xiaolai is the CJK fallback font (13 MB, 200+ files, fetched only for CJK text): left out.
// Put it back by emptying this list.
const SKIP_FONTS = new Set(["Xiaolai"]);

// Parts of Excalidraw this room does not use, replaced so they neither bloat the bundle nor
// reach the network:
// - @excalidraw/mermaid-to-excalidraw pulls in mermaid (~100 MB installed); the "Mermaid to
//   Excalidraw" dialog then shows this error, and pasted text is pasted as text.
// - the UI translations other than English (Excalidraw defaults to "en"; no picker is shown).
// - the font URL fallback to https://esm.sh/: points at the local folder instead.
// - font subsetting for SVG export (harfbuzz + woff2 as WebAssembly, in a worker): CSP
//   `script-src 'self'` forbids compiling WebAssembly, so export inlines the whole font file
//   (each file holds one unicode range, 10-60 KiB) on the main thread instead.
const trim = {
  name: "trim-excalidraw",
  setup(build) {
    build.onResolve({ filter: /^@excalidraw\/mermaid-to-excalidraw$/ }, () => ({
      path: "mermaid-stub",
      namespace: "stub",
    }));
    build.onLoad({ filter: /^mermaid-stub$/, namespace: "stub" }, () => ({
      contents:
        "export async function parseMermaidToExcalidraw() {" +
        " throw new Error('Mermaid diagrams are not available in the interview room'); }",
      loader: "js",
    }));
    build.onResolve({ filter: /^\.\/locales\/.+\.js$/ }, (args) => {
      if (/\/locales\/(en|percentages)-[^/]+\.js$/.test(`/${args.path.slice(2)}`)) return undefined;
      return { path: "locale-stub", namespace: "stub" };
    });
    build.onLoad({ filter: /^locale-stub$/, namespace: "stub" }, () => ({
      contents: "export default {};",
      loader: "js",
    }));
    build.onResolve({ filter: /^\.\/subset-(shared|worker)\.chunk\.js$/ }, (args) => ({
      path: args.path.includes("worker") ? "subset-worker-stub" : "subset-shared-stub",
      namespace: "stub",
    }));
    build.onLoad({ filter: /^subset-worker-stub$/, namespace: "stub" }, () => ({
      contents: "export const WorkerUrl = undefined;",
      loader: "js",
    }));
    build.onLoad({ filter: /^subset-shared-stub$/, namespace: "stub" }, async () => ({
      contents: await readFile(join(here, "src/font-inline.js"), "utf8"),
      loader: "js",
    }));
    build.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod[\\/]chunk-[^\\/]+\.js$/ }, async (args) => {
      let code = await readFile(args.path, "utf8");
      if (code.includes('"ASSETS_FALLBACK_URL"')) {
        const fallback = /`https:\/\/esm\.sh\/\$\{[^`]*`[^`]*`[^`}]*\}\/dist\/prod\/`/;
        if (!fallback.test(code)) throw new Error("Excalidraw's ASSETS_FALLBACK_URL changed: update build.mjs");
        code = code.replace(fallback, "String(window.EXCALIDRAW_ASSET_PATH || location.href)");
      }
      if (code.includes('import("./subset-shared.chunk.js")')) {
        const workers = /(var \w+=)typeof Worker<"u"(,\w+=async\(e,t\)=>\{let\{Commands:)/;
        if (!workers.test(code)) throw new Error("Excalidraw's font subsetting changed: update build.mjs");
        code = code.replace(workers, "$1!1$2");
      }
      return { contents: code, loader: "js" };
    });
  },
};

async function sizeOf(path) {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: [join(here, "src/main.jsx")],
  outfile: join(out, "app.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  platform: "browser",
  conditions: ["production"],
  define: { "process.env.NODE_ENV": '"production"', "process.env.IS_PREACT": '"false"' },
  jsx: "automatic",
  loader: { ".js": "jsx" },
  external: ["*.woff2"], // Excalidraw's CSS: url("./fonts/..."), copied below next to app.css
  plugins: [trim],
  legalComments: "eof",
  logLevel: "warning",
  logOverride: { "empty-import-meta": "silent" }, // only its font-subsetting worker uses it
  metafile: true,
});

if (process.env.SIZES) {
  // SIZES=1 node build.mjs: the biggest inputs of app.js
  const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint).inputs;
  const big = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [k, v] of big.slice(0, 15)) console.log(`${(v.bytesInOutput / 1024).toFixed(0).padStart(6)} KiB ${k}`);
}

await esbuild.build({
  entryPoints: [join(here, "src/mic-worklet.js")],
  outfile: join(out, "mic-worklet.js"),
  minify: true,
  target: ["chrome100", "firefox100", "safari15"],
  logLevel: "warning",
});

await cp(join(here, "src/index.html"), join(out, "index.html"));
await cp(join(here, "src/favicon.svg"), join(out, "favicon.svg"));
await cp(join(excalidrawDist, "fonts"), join(out, "fonts"), {
  recursive: true,
  filter: (src) => !SKIP_FONTS.has(src.split(/[\\/]/).pop()),
});

// What went into app.js, for the record (the licences travel with the wheel).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (!m) continue;
  const dir = m.map((s) => s.replace(/^node_modules\//, "")).join("node_modules/").replace(/\/$/, "");
  const name = m[m.length - 1].replace(/^node_modules\//, "").replace(/\/$/, "");
  if (packages.has(name)) continue;
  const pkg = JSON.parse(await readFile(join(here, "node_modules", dir, "package.json"), "utf8"));
  packages.set(name, `${pkg.name} ${pkg.version}: ${pkg.license || "see package"}`);
}
await writeFile(
  join(out, "THIRD-PARTY.txt"),
  "Bundled into app.js (name version: licence):\n" +
    [...packages.values()].sort().join("\n") +
    "\n\nfonts/: the fonts shipped by @excalidraw/excalidraw (Excalifont, Virgil, Cascadia Code, " +
    "Assistant, Nunito, Lilita One, Liberation Sans: SIL Open Font License 1.1; Comic Shanns: MIT).\n",
);

const files = ["index.html", "app.js", "app.css", "mic-worklet.js", "fonts", "THIRD-PARTY.txt"];
for (const f of files) console.log(`${f.padEnd(16)} ${((await sizeOf(join(out, f))) / 1024).toFixed(0).padStart(6)} KiB`);
console.log(`${"total".padEnd(16)} ${((await sizeOf(out)) / 1024).toFixed(0).padStart(6)} KiB`);
