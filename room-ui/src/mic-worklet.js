// AudioWorklet: the microphone, mixed to mono, resampled to 16 kHz (each output sample is the
// mean of the input samples since the previous one: a box filter against aliasing), posted to
// the page as Int16Array blocks of 640 samples (40 ms). Int16Array is little-endian on every
// platform a browser runs on.
const OUT_RATE = 16000;
const BLOCK = 640;

class Mic16k extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE; // input samples per output sample
    this.next = this.step;
    this.pos = 0;
    this.sum = 0;
    this.count = 0;
    this.block = new Int16Array(BLOCK);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const n = channels[0].length;
    const k = channels.length;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let c = 0; c < k; c++) x += channels[c][i];
      this.sum += x / k;
      this.count++;
      this.pos++;
      if (this.pos >= this.next) {
        this.next += this.step;
        const v = Math.max(-1, Math.min(1, this.sum / this.count));
        this.sum = 0;
        this.count = 0;
        this.block[this.filled++] = v < 0 ? v * 0x8000 : v * 0x7fff;
        if (this.filled === BLOCK) {
          this.port.postMessage(this.block.buffer, [this.block.buffer]);
          this.block = new Int16Array(BLOCK);
          this.filled = 0;
        }
      }
    }
    if (this.pos > 1e9) {
      this.pos -= 1e9;
      this.next -= 1e9;
    }
    return true;
  }
}

registerProcessor("mic16k", Mic16k);
