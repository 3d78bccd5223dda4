// The whiteboard: Excalidraw, kept in step with the server.
// - "scene" is sent about 1 s after the last edit (onChange also fires for pointer moves and
//   selections, so edits are detected by a change in the elements' versions);
// - a scene from "state" is drawn unless the board has edits the server has not seen yet
//   (then those are sent instead);
// - "snapshot?" is answered with exportToSvg's SVG (the fonts its text uses are inlined whole,
//   as data: URLs: see build.mjs and font-inline.js).
import { CaptureUpdateAction, Excalidraw, exportToSvg, restoreElements } from "@excalidraw/excalidraw";

const SETTLE_MS = 1000;

const versionKey = (elements) => {
  let sum = 0;
  for (const el of elements) sum += el.version;
  return `${elements.length}:${sum}`;
};

export function createBoardSync(send) {
  let api = null;
  let whenReady;
  const ready = new Promise((resolve) => (whenReady = resolve));
  let lastKey = versionKey([]);
  let dirty = false;
  let timer = null;
  let pendingScene = null;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty || !api) return;
    if (send({ type: "scene", elements: api.getSceneElements(), files: {} })) dirty = false;
  }

  function draw(scene) {
    api.updateScene({
      elements: restoreElements(scene, null),
      captureUpdate: CaptureUpdateAction.NEVER,
    });
    lastKey = versionKey(api.getSceneElementsIncludingDeleted());
  }

  return {
    ready,
    get api() {
      return api;
    },
    attach(excalidrawApi) {
      api = excalidrawApi;
      if (pendingScene) draw(pendingScene);
      pendingScene = null;
      whenReady(api);
    },
    onChange(elements) {
      const key = versionKey(elements);
      if (key === lastKey) return;
      lastKey = key;
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, SETTLE_MS);
    },
    // The board from a "state" message (null: the server has none yet).
    fromState(scene) {
      if (dirty) return flush();
      if (!Array.isArray(scene)) return;
      if (api) draw(scene);
      else pendingScene = scene;
    },
    async snapshot(turn) {
      const board = await ready;
      flush(); // the server's scene then matches the picture
      const appState = board.getAppState();
      const svg = await exportToSvg({
        elements: board.getSceneElements(),
        appState: {
          ...appState,
          exportBackground: true,
          exportWithDarkMode: false,
          viewBackgroundColor: appState.viewBackgroundColor || "#ffffff",
        },
        files: board.getFiles(),
        exportPadding: 16,
      });
      send({ type: "snapshot", turn, svg: svg.outerHTML });
    },
  };
}

const UI_OPTIONS = {
  canvasActions: {
    loadScene: false,
    saveToActiveFile: false,
    export: false,
    saveAsImage: false,
  },
  tools: { image: false },
};

export function Board({ sync, boardRef }) {
  return (
    <div className="board" ref={boardRef}>
      <Excalidraw
        excalidrawAPI={sync.attach}
        onChange={sync.onChange}
        UIOptions={UI_OPTIONS}
        aiEnabled={false}
      />
    </div>
  );
}
