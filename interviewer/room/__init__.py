"""The interview room in the browser: another driver of the same interview graph.

`interviewer room` (or `practice --room`) runs `practice` with the microphone, the speaker and
the live view in a browser page served on 127.0.0.1: the page captures the microphone with the
browser's echo cancellation and streams it here over a WebSocket; the interviewer's lines go
back as WAVs the page plays; the Excalidraw whiteboard is saved into the session folder.

- hub.py: the bridge between the interview's threads and the server's event loop;
- devices.py: the browser as a microphone, a speaker and the "I'm done" key, behind the seams
  `practice` already uses (DeviceMicrophone's stream factory, the voice's LineOutput);
- board_files.py: the whiteboard's scene and snapshots in the session folder;
- view.py: the live panel, sent to the page instead of drawn in the terminal;
- server.py: the ASGI app (Starlette, uvicorn) and its safety checks.

The protocol is docs/room-protocol.md.
"""
