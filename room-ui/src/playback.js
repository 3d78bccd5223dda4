// Line playback: the interviewer's lines ("say": a WAV URL relative to the page), played through
// the page's AudioContext one at a time. Reports "played" when a line ends on its own and
// "stopped" (with the seconds played) when it is cut off by "stop" or by the next "say".

export function createPlayer({ getContext, send, onPlayed, onError }) {
  let current = null; // {n, source, startedAt, cancelled}

  function halt(line) {
    line.cancelled = true;
    let at = 0;
    if (line.source) {
      line.source.onended = null;
      try {
        line.source.stop();
      } catch {
        /* already stopped */
      }
      at = Math.max(0, line.source.context.currentTime - line.startedAt);
    }
    send({ type: "stopped", n: line.n, at_s: Math.round(at * 1000) / 1000 });
  }

  async function say(n, url) {
    if (current) halt(current);
    const line = { n, source: null, startedAt: 0, cancelled: false };
    current = line;
    try {
      const ctx = await getContext(); // waits for "Start" when audio is not allowed yet
      const response = await fetch(new URL(url, location.href), { credentials: "same-origin" });
      if (!response.ok) throw new Error(`line ${n}: HTTP ${response.status}`);
      const audio = await ctx.decodeAudioData(await response.arrayBuffer());
      if (line.cancelled) return;
      const source = ctx.createBufferSource();
      source.buffer = audio;
      source.connect(ctx.destination);
      source.onended = () => {
        if (current === line) current = null;
        send({ type: "played", n });
        onPlayed(n);
      };
      line.source = source;
      line.startedAt = ctx.currentTime;
      source.start();
    } catch (err) {
      if (line.cancelled) return;
      if (current === line) current = null;
      onError(`Could not play line ${n}: ${err.message || err}`);
      send({ type: "played", n }); // never leave the server waiting for a line that cannot play
    }
  }

  function stop(n) {
    if (current && (n === undefined || current.n === n)) {
      const line = current;
      current = null;
      halt(line);
    }
  }

  return { say, stop };
}
