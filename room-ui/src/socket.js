// The one WebSocket to the server ("ws" next to the page), reconnected with backoff.
// Sends {"type":"hello"} after each connect; the server answers with "state".

const MAX_BUFFERED = 1 << 20; // drop microphone frames rather than queue more than 1 MiB

export function openSocket({ onMessage, onStatus }) {
  const url = new URL("ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let ws = null;
  let delay = 500;
  let closed = false;
  let timer = null;

  function connect() {
    timer = null;
    ws = new WebSocket(url.href);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      delay = 500;
      onStatus(true);
      ws.send(JSON.stringify({ type: "hello" }));
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg && typeof msg.type === "string") onMessage(msg);
    };
    ws.onclose = () => {
      onStatus(false);
      ws = null;
      if (!closed) {
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10000);
      }
    };
  }

  connect();

  const isOpen = () => ws !== null && ws.readyState === WebSocket.OPEN;
  return {
    isOpen,
    send(obj) {
      if (!isOpen()) return false;
      ws.send(JSON.stringify(obj));
      return true;
    },
    sendBinary(buffer) {
      if (!isOpen() || ws.bufferedAmount > MAX_BUFFERED) return false;
      ws.send(buffer);
      return true;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (ws) ws.close();
    },
  };
}
