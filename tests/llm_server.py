"""A real HTTP server on 127.0.0.1 that speaks the chat-completions API (plain and streaming).

Each test sets `server.reply` to a function of the request JSON that returns a Reply: the
status, headers, JSON body or streamed text, and an optional delay. Requests are recorded.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON body (dict) or raw text (str)
    stream: list[str] | None = None  # streamed content pieces (SSE)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    refusal: str | None = None
    finish: str = "stop"


def completion(content: str | None, refusal: str | None = None, finish: str = "stop") -> dict:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def user_prompt(request: dict) -> str:
    return request["messages"][-1]["content"]


def transcript_lines(request: dict) -> list[str]:
    """The judge prompt's transcript, without the [time] prefixes."""
    text = next(m["content"] for m in request["messages"] if "<transcript>" in (m["content"] or ""))
    body = text.rsplit("<transcript>", 1)[1].split("</transcript>", 1)[0]
    return [
        re.sub(r"^\[[^\]]*\]\s*", "", line) for line in body.strip().splitlines() if line.strip()
    ]


class FakeLlm:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.reply: Callable[[dict], Reply] = lambda req: Reply(body=completion("{}"))
        self.models = ["fake-model"]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(
                        200,
                        {
                            "object": "list",
                            "data": [
                                {"id": m, "object": "model", "created": 0, "owned_by": "test"}
                                for m in server.models
                            ],
                        },
                    )
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                request["_auth"] = self.headers.get("authorization", "")
                server.requests.append(request)
                r = server.reply(request)
                if r.delay:
                    time.sleep(r.delay)
                try:
                    if r.stream is not None and request.get("stream"):
                        self._sse(r)
                    elif isinstance(r.body, str):
                        self._raw(r.status, r.body, r.headers)
                    else:
                        self._json(r.status, r.body, r.headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): fine

            def _json(self, status: int, body: Any, headers: dict | None = None) -> None:
                self._raw(status, json.dumps(body), headers, "application/json")

            def _raw(
                self,
                status: int,
                text: str,
                headers: dict | None = None,
                ctype: str = "application/json",
            ) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, r: Reply) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                pieces = r.stream or []
                for i, piece in enumerate(pieces):
                    last = i == len(pieces) - 1
                    chunk = {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "fake",
                        "choices": [
                            {
                                "index": 0,
                                "delta": {"content": piece},
                                "finish_reason": r.finish if last else None,
                            }
                        ],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
