// Microphone capture: getUserMedia -> AudioWorklet (mic-worklet.js) -> 16 kHz int16 blocks.
import { staticUrl } from "./asset-path.js";

export async function startMic(ctx, onBlock) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  await ctx.audioWorklet.addModule(staticUrl("mic-worklet.js"));
  const source = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, "mic16k", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
  });
  node.port.onmessage = (event) => onBlock(event.data);
  // The node outputs silence; connecting it keeps the graph pulling it in every browser.
  const mute = ctx.createGain();
  mute.gain.value = 0;
  source.connect(node).connect(mute).connect(ctx.destination);
  return {
    stop() {
      source.disconnect();
      node.disconnect();
      stream.getTracks().forEach((t) => t.stop());
    },
  };
}
