// Stands in for Excalidraw's "subset-shared" chunk (see build.mjs): when an export inlines a
// font, the whole woff2 file is inlined as a data: URL instead of a subset made by WebAssembly,
// which the room's CSP (script-src 'self', no 'wasm-unsafe-eval') does not allow.
export const Commands = { Subset: "SUBSET" };

export async function toBase64(arrayBuffer) {
  const bytes = new Uint8Array(arrayBuffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return `data:font/woff2;base64,${btoa(binary)}`;
}

export const subsetToBinary = async (arrayBuffer) => arrayBuffer;
export const subsetToBase64 = (arrayBuffer) => toBase64(arrayBuffer);
