"""The room's server, for real: uvicorn on 127.0.0.1, HTTP and a WebSocket client acting as the
page. No speech model here; the interview through the room is in test_room_live.py."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from interviewer.errors import RoomError
from interviewer.room.board_files import BoardFiles
from interviewer.room.devices import BrowserInput, BrowserOutput
from interviewer.room.hub import Hub
from interviewer.room.server import RoomServer


def wait_for(condition, timeout: float = 10.0, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def room(tmp_path):  # type: ignore[no-untyped-def]
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<!doctype html><title>room</title>")
    (static / "app.js").write_text("console.log(1)")
    session = tmp_path / "session"
    session.mkdir()
    (session / "report.html").write_text("<p>report</p>")
    (tmp_path / "secret.html").write_text("outside")
    hub = Hub()
    server = RoomServer(hub, lambda: session, static=static)
    board = BoardFiles(session)
    hub.on_scene, hub.on_snapshot = board.scene, board.snapshot
    server.start()
    yield server, hub, session, board
    server.stop()


def get(url: str, host: str | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def page(server: RoomServer, origin: str | None = None):  # type: ignore[no-untyped-def]
    ws_url = server.url.replace("http://", "ws://") + "ws"
    return connect(ws_url, origin=origin or f"http://127.0.0.1:{server.port}", open_timeout=10)


def test_every_request_needs_the_token_and_the_host(room):
    server, *_ = room
    base = f"http://127.0.0.1:{server.port}"
    code, headers, body = get(server.url)
    assert code == 200 and b"<title>room</title>" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert get(server.url + "static/app.js")[0] == 200
    other = ("A" if server.token[0] != "A" else "B") + server.token[1:]  # one character off
    for path in ("/", "/static/app.js", f"/{other}/", f"/{server.token[:-1]}/"):
        assert get(base + path)[0] == 404, path
    # A page on another name for this address (DNS rebinding) is refused.
    assert get(server.url, host=f"evil.example:{server.port}")[0] == 404


def test_session_files_are_served_by_plain_name_only(room):
    server, *_ = room
    assert get(server.url + "session/report.html")[2] == b"<p>report</p>"
    for name in ("..%2Fsecret.html", "%2E%2E/secret.html", "session.sqlite", "nothing.html"):
        assert get(server.url + "session/" + name)[0] == 404, name


def test_the_websocket_checks_origin_and_answers_hello_with_the_state(room):
    server, hub, *_ = room
    with pytest.raises(InvalidStatus), page(server, origin="http://evil.example") as ws:
        ws.recv(timeout=5)
    hub.state = lambda: {"type": "state", "question": "Q?", "turns": []}
    with page(server) as ws:
        ws.send(json.dumps({"type": "hello"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "state", "question": "Q?", "turns": []}


def test_audio_frames_reach_the_recorder_and_buttons_are_key_presses(room):
    server, hub, *_ = room
    got: list[bytes] = []
    stream = BrowserInput(hub)(callback=lambda data, frames, when, status: got.append(data))
    frame = (np.arange(640, dtype=np.int16)).tobytes()
    with page(server) as ws, stream:
        ws.send(frame)
        ws.send(b"x" * (70 * 1024))  # too big for a 40 ms block: dropped
        ws.send(b"abc")  # not 16-bit samples: dropped
        ws.send(json.dumps({"type": "done"}))
        ws.send(frame)
        wait_for(lambda: len(got) == 2, what="two frames")
        wait_for(hub.keys.pressed, what="the done press")
        assert hub.ready.is_set() and got == [frame, frame]
        ws.send(json.dumps({"type": "end"}))
        wait_for(hub.end_requested.is_set, what="end")
    assert not hub.connected


def test_a_newer_tab_takes_over_and_the_older_is_told(room):
    server, *_ = room
    with page(server) as first, page(server) as second:
        msg = json.loads(first.recv(timeout=10))
        assert msg["type"] == "error" and "another tab" in msg["message"]
        second.send(json.dumps({"type": "hello"}))
        assert json.loads(second.recv(timeout=10))["type"] == "state"


def test_a_line_plays_in_the_page_and_stops_when_the_candidate_speaks_over_it(room):
    server, hub, *_ = room
    hub.ready.set()
    out = BrowserOutput(hub)
    samples = np.sin(np.arange(32000) / 10).astype(np.float32) * 0.3  # 2 s at 16 kHz
    with page(server) as ws:
        wait_for(lambda: hub.connected, what="the page")
        result: list[float] = []
        t = threading.Thread(target=lambda: result.append(out.play(samples, 16000, None)))
        t.start()
        say = json.loads(ws.recv(timeout=10))
        assert say["type"] == "say"
        code, headers, wav = get(server.url + say["url"])
        assert code == 200 and headers["content-type"] == "audio/wav" and wav[:4] == b"RIFF"
        ws.send(json.dumps({"type": "played", "n": say["n"]}))
        t.join(10)
        assert result == [2.0]

        stop = threading.Event()
        result.clear()
        t = threading.Thread(target=lambda: result.append(out.play(samples, 16000, stop)))
        t.start()
        say = json.loads(ws.recv(timeout=10))
        stop.set()  # the barge-in detector heard the candidate
        msg = json.loads(ws.recv(timeout=10))
        assert msg == {"type": "stop", "n": say["n"]}
        ws.send(json.dumps({"type": "stopped", "n": say["n"], "at_s": 0.62}))
        t.join(10)
        assert result == [0.62] and out.stopped_at > out.started_at


def test_a_reloaded_page_gets_the_line_that_was_playing(room):
    server, hub, *_ = room
    hub.ready.set()
    out = BrowserOutput(hub)
    samples = np.zeros(8000, dtype=np.float32)
    with page(server) as ws:
        wait_for(lambda: hub.connected, what="the page")
        t = threading.Thread(target=out.play, args=(samples, 16000, None))
        t.start()
        say = json.loads(ws.recv(timeout=10))
    with page(server) as ws:  # the reload
        ws.send(json.dumps({"type": "hello"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "state"
        assert json.loads(ws.recv(timeout=10)) == say
        ws.send(json.dumps({"type": "played", "n": say["n"]}))
        t.join(10)
        assert not t.is_alive()


def test_the_board_is_saved_as_it_settles_and_snapshotted_per_turn(room):
    server, _, session, board = room
    elements = [{"type": "rectangle", "id": "a", "x": 0, "y": 0}]
    with page(server) as ws:
        ws.send(json.dumps({"type": "scene", "elements": elements, "files": {}}))
        wait_for(lambda: (session / "board" / "scene.json").exists(), what="the scene")
        saved = json.loads((session / "board" / "scene.json").read_text())
        assert saved["elements"] == elements
        # A snapshot for a turn whose scene was not taken is not written; junk is not an SVG.
        ws.send(json.dumps({"type": "snapshot", "turn": 1, "svg": "<svg></svg>"}))
        ws.send(json.dumps({"type": "hello"}))
        ws.recv(timeout=10)  # handled in order: the snapshot above was seen (and refused)
        assert not (session / "board" / "turn-01.svg").exists()
        assert board.turn_end(1) is not None
        ws.send(json.dumps({"type": "snapshot", "turn": 1, "svg": "<script>x</script>"}))
        ws.send(json.dumps({"type": "snapshot", "turn": 1, "svg": "<svg><rect/></svg>"}))
        wait_for(lambda: (session / "board" / "turn-01.svg").exists(), what="the snapshot")
        assert (session / "board" / "turn-01.svg").read_text() == "<svg><rect/></svg>"
        ws.send(json.dumps({"type": "scene", "elements": "not a list"}))
        ws.send(json.dumps({"type": "scene", "elements": [{}] * 6000}))  # too many elements
        ws.send(json.dumps({"type": "hello"}))
        ws.recv(timeout=10)  # messages are handled in order: the two above were seen
    assert json.loads((session / "board" / "scene.json").read_text())["elements"] == elements
    assert json.loads((session / "board" / "turn-01.json").read_text())["elements"] == elements


def test_a_taken_port_is_a_one_line_error(room):
    server, *_ = room
    with pytest.raises(RoomError, match=f"port {server.port} on 127.0.0.1 is not free"):
        RoomServer(Hub(), lambda: None, port=server.port, static=server_static(room)).start()


def test_a_missing_page_is_a_one_line_error(tmp_path):
    with pytest.raises(RoomError, match="the room's page is missing"):
        RoomServer(Hub(), lambda: None, static=tmp_path)


def server_static(room) -> Path:  # type: ignore[no-untyped-def]
    return room[2].parent / "static"


def test_a_closed_connection_is_not_an_error(room):
    server, hub, *_ = room
    with page(server) as ws:
        wait_for(lambda: hub.connected, what="the page")
    wait_for(lambda: not hub.connected, what="the page to go")
    hub.send({"type": "thinking"})  # nobody to tell: dropped, the server goes on
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=1)
    with page(server) as ws:
        ws.send(json.dumps({"type": "hello"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "state"
