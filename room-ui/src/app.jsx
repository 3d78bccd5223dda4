// The room: one socket, the microphone, line playback, the live panel and the board.
import { useEffect, useReducer, useRef } from "react";
import { convertToExcalidrawElements } from "@excalidraw/excalidraw";
import { openSocket } from "./socket.js";
import { startMic } from "./mic.js";
import { createPlayer } from "./playback.js";
import { createBoardSync, Board } from "./board.jsx";
import { LivePanel } from "./live-panel.jsx";

const initial = {
  connected: false,
  started: false,
  micError: "",
  question: "",
  phases: [],
  minutes: 0,
  turns: [],
  pushToTalk: false,
  live: null,
  thinking: false,
  speaking: null,
  error: "",
  ended: null,
};

const quiet = (live) => (live ? { ...live, heard: "", level_db: -60 } : live);

function upsertTurn(turns, turn) {
  const i = turns.findIndex((t) => t.role === turn.role && t.n === turn.n);
  if (i < 0) return [...turns, turn];
  const copy = turns.slice();
  copy[i] = turn;
  return copy;
}

function reducer(s, a) {
  switch (a.type) {
    case "connected":
      return { ...s, connected: a.value };
    case "started":
      return { ...s, started: a.value, micError: a.error || "" };
    case "speaking":
      return { ...s, speaking: a.n };
    case "error":
      return { ...s, error: a.message };
    case "state":
      return {
        ...s,
        question: String(a.msg.question ?? ""),
        phases: Array.isArray(a.msg.phases) ? a.msg.phases : [],
        minutes: Number(a.msg.minutes) || 0,
        turns: Array.isArray(a.msg.turns) ? a.msg.turns : [],
        pushToTalk: !!a.msg.push_to_talk,
      };
    case "live":
      return { ...s, live: a.msg, thinking: false };
    case "thinking":
      return { ...s, thinking: true, live: quiet(s.live) };
    case "turn":
      return {
        ...s,
        turns: upsertTurn(s.turns, { role: a.msg.role, n: a.msg.n, text: String(a.msg.text ?? "") }),
        live: a.msg.role === "candidate" ? quiet(s.live) : s.live,
      };
    case "say":
      return { ...s, thinking: false, speaking: a.msg.n, live: quiet(s.live) };
    case "ended":
      return { ...s, ended: String(a.msg.report || "report.html"), thinking: false, speaking: null };
    default:
      return s;
  }
}

// Everything outside React, made once per page.
function createRoom(dispatch) {
  const stats = { connected: false, lastMessageType: null, linesPlayed: 0, linesStopped: 0 };
  let ctx = null;
  let mic = null;
  let audioReady;
  const audio = new Promise((resolve) => (audioReady = resolve));

  const socket = openSocket({
    onStatus(up) {
      stats.connected = up;
      dispatch({ type: "connected", value: up });
    },
    onMessage(msg) {
      stats.lastMessageType = msg.type;
      handle(msg);
    },
  });
  const send = (obj) => socket.send(obj);
  const board = createBoardSync(send);
  const player = createPlayer({
    getContext: () => audio,
    send(obj) {
      if (obj.type === "stopped") stats.linesStopped++;
      send(obj);
      dispatch({ type: "speaking", n: null });
    },
    onPlayed() {
      stats.linesPlayed++;
    },
    onError(message) {
      dispatch({ type: "error", message });
    },
  });

  function handle(msg) {
    switch (msg.type) {
      case "state":
        dispatch({ type: "state", msg });
        board.fromState(msg.scene);
        break;
      case "say":
        player.say(msg.n, msg.url); // stops the line playing now first, synchronously
        dispatch({ type: "say", msg });
        break;
      case "stop":
        player.stop(msg.n);
        break;
      case "snapshot?":
        board.snapshot(msg.turn).catch((err) => dispatch({ type: "error", message: `Board snapshot failed: ${err.message || err}` }));
        break;
      case "error":
        dispatch({ type: "error", message: String(msg.message ?? "") });
        break;
      case "live":
      case "thinking":
      case "turn":
      case "ended":
        dispatch({ type: msg.type, msg });
        break;
      default:
        break;
    }
  }

  // Must run inside the click: browsers only let a user gesture start audio.
  async function start() {
    if (!ctx) ctx = new AudioContext({ latencyHint: "interactive" });
    const resumed = ctx.resume();
    try {
      await resumed;
      audioReady(ctx);
      if (!mic) mic = await startMic(ctx, (block) => socket.sendBinary(block));
      dispatch({ type: "started", value: true });
    } catch (err) {
      dispatch({ type: "started", value: false, error: `Microphone: ${err.message || err.name || err}` });
    }
  }

  window.room = {
    get api() {
      return board.api;
    },
    convertToExcalidrawElements,
    state: () => ({ ...stats, started: !!mic }),
  };

  return { send, board, start };
}

export function App() {
  const [room, dispatch] = useReducer(reducer, initial);
  const ref = useRef(null);
  if (ref.current === null) ref.current = createRoom(dispatch);
  const { send, board, start } = ref.current;
  const boardEl = useRef(null);
  const talking = useRef(false);
  const pushToTalk = useRef(false);
  pushToTalk.current = room.pushToTalk;

  const talk = (down) => {
    if (talking.current === down) return;
    talking.current = down;
    send({ type: "talk", down });
  };
  const done = () => send({ type: "done" });
  const end = () => send({ type: "end" });

  useEffect(() => {
    const outsideBoard = (e) => {
      const el = boardEl.current;
      if (!el) return true;
      if (el.contains(e.target) || el.contains(document.activeElement)) return false;
      const t = e.target;
      return !(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)));
    };
    const down = (e) => {
      if (!outsideBoard(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Enter") {
        e.preventDefault();
        if (!e.repeat) done();
      } else if (e.key === " " && pushToTalk.current) {
        e.preventDefault();
        talk(true);
      }
    };
    const up = (e) => {
      if (e.key === " " && talking.current) {
        e.preventDefault();
        talk(false);
      }
    };
    const blur = () => talking.current && talk(false);
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, []);

  return (
    <div className="room">
      <LivePanel room={room} onStart={start} onDone={done} onTalk={talk} onEnd={end} />
      <Board sync={board} boardRef={boardEl} />
    </div>
  );
}
