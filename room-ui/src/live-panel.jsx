// The left column: question, phases and clock, transcript, what the interviewer waits for,
// the level meter and the buttons. Everything from the server is rendered as text by React.
import { useEffect, useRef, useState } from "react";

const clock = (s) => {
  const t = Math.max(0, Math.round(s || 0));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
};

function Phases({ phases, current }) {
  return (
    <ol className="phases">
      {phases.map((p) => (
        <li key={p.id} className={current === p.id || current === p.name ? "current" : ""}>
          <span className="phase-name">{p.name}</span>
          <span className="phase-budget">{clock(p.budget_s)}</span>
        </li>
      ))}
    </ol>
  );
}

function Transcript({ turns, heard }) {
  const box = useRef(null);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [turns.length, heard]);
  return (
    <div className="transcript" ref={box}>
      {turns.map((t) => (
        <p key={`${t.role}-${t.n}`} className={`turn ${t.role}`}>
          <span className="who">{t.role === "interviewer" ? "Interviewer" : "You"}</span>
          {t.text}
        </p>
      ))}
      {heard ? (
        <p className="turn candidate heard">
          <span className="who">You</span>
          {heard}
        </p>
      ) : null}
    </div>
  );
}

function Meter({ db }) {
  const level = Math.max(0, Math.min(1, ((db ?? -60) + 60) / 60));
  return (
    <div className="meter" title="microphone level">
      <div className="meter-bar" style={{ width: `${(level * 100).toFixed(1)}%` }} />
    </div>
  );
}

function reportHref(report) {
  try {
    const url = new URL(report, location.href);
    return url.origin === location.origin ? url.href : null;
  } catch {
    return null;
  }
}

// Ending the interview asks once more: a stray click must not end a 45-minute session.
function EndButton({ onEnd, disabled }) {
  const [sure, setSure] = useState(false);
  useEffect(() => {
    if (!sure) return undefined;
    const t = setTimeout(() => setSure(false), 4000);
    return () => clearTimeout(t);
  }, [sure]);
  return (
    <button
      type="button"
      className="end"
      disabled={disabled}
      onClick={() => (sure ? (setSure(false), onEnd()) : setSure(true))}
    >
      {sure ? "Click again to end" : "End interview"}
    </button>
  );
}

export function LivePanel({ room, onStart, onDone, onTalk, onEnd }) {
  const { live, phases, minutes } = room;
  const total = (minutes || 0) * 60;
  const clockS = live ? live.clock_s : 0;
  let waiting = live ? live.expect : "";
  if (room.thinking) waiting = "thinking...";
  else if (room.speaking !== null) waiting = "speaking...";
  if (room.ended) waiting = "The interview is over.";
  const href = room.ended ? reportHref(room.ended) : null;

  return (
    <aside className="panel">
      <div className="status-row">
        <span className={room.connected ? "dot on" : "dot"} />
        <span>{room.connected ? "connected" : "reconnecting..."}</span>
        {room.started ? <span className="mic-on">microphone on</span> : null}
      </div>
      {!room.started ? (
        <button type="button" className="start" onClick={onStart}>
          Start
        </button>
      ) : null}
      {room.micError ? <p className="error">{room.micError}</p> : null}
      <h1 className="question">{room.question}</h1>
      <div className="clock-row">
        <span className={total && clockS > total ? "clock over" : "clock"}>{clock(clockS)}</span>
        {total ? <span className="budget"> / {clock(total)}</span> : null}
      </div>
      <Phases phases={phases} current={live ? live.phase : null} />
      <Transcript turns={room.turns} heard={room.thinking ? "" : live ? live.heard : ""} />
      <p className="waiting">{waiting}</p>
      <Meter db={live ? live.level_db : -60} />
      {room.error ? <p className="error">{room.error}</p> : null}
      {href ? (
        <p>
          <a href={href}>Open the report</a>
        </p>
      ) : null}
      <div className="buttons">
        <button type="button" className="done" onClick={onDone} disabled={!!room.ended}>
          I'm done
        </button>
        {room.pushToTalk ? (
          <button
            type="button"
            className="talk"
            onPointerDown={() => onTalk(true)}
            onPointerUp={() => onTalk(false)}
            onPointerLeave={() => onTalk(false)}
            onPointerCancel={() => onTalk(false)}
          >
            Hold to talk
          </button>
        ) : null}
        <EndButton onEnd={onEnd} disabled={!!room.ended} />
      </div>
      <p className="keys">
        Enter: I'm done{room.pushToTalk ? " · hold Space: talk" : ""} (outside the board)
      </p>
    </aside>
  );
}
