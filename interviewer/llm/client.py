"""The one place that talks to an OpenAI-compatible endpoint.

Failure is normal: every call has a timeout and at most `max_retries` retries (timeouts, refused
connections, 429 honouring Retry-After up to a limit, 5xx); anything still failing, or a reply
that is malformed, truncated or a refusal, raises LlmFailure, and the caller falls back to the
offline judge or interviewer. Structured output uses a JSON schema where the server supports it;
servers that reject json_schema (llama-cpp-python answers HTTP 500 "Input should be 'text' or
'json_object'") get JSON mode with the schema attached, detected once per endpoint and model and
remembered in ~/.cache/interviewer/llm-endpoints.json.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.errors import first_line
from interviewer.llm.config import LlmOptions
from interviewer.settings import cache_home

T = TypeVar("T", bound=BaseModel)
SCHEMA_REJECTED = re.compile(r"json_schema|response_format|json_object|Input should be", re.I)


class LlmFailure(Exception):
    """The LLM could not give a usable answer; `kind` says why, for the report."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}" if detail else kind)


def _cache_path() -> Path:
    return cache_home() / "llm-endpoints.json"


class LlmClient:
    def __init__(self, options: LlmOptions, sleep: Callable[[float], None] = time.sleep):
        from openai import OpenAI

        self.o = options
        self.sleep = sleep
        # Retries are ours (explicit count, Retry-After cap), so the client's own are off. The
        # transport bounds each call's total time and reply size (httpx's timeout is per read:
        # a server sending a byte a second never trips it).
        self._client = OpenAI(
            base_url=options.base_url,
            api_key=options.api_key,
            timeout=options.timeout_s,
            max_retries=0,
            http_client=bounded_http_client(options.timeout_s, options.max_reply_bytes),
        )
        self.calls = 0

    # -- modes ----------------------------------------------------------------------------------
    @property
    def _key(self) -> str:
        return f"{self.o.base_url}|{self.o.model}"

    def schema_mode(self) -> str:
        try:
            mode: str = json.loads(_cache_path().read_text()).get(self._key, "json_schema")
            return mode
        except (OSError, ValueError):
            return "json_schema"

    def _remember_mode(self, mode: str) -> None:
        path = _cache_path()
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
        except (OSError, ValueError):
            data = {}
        data[self._key] = mode
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, indent=2))
        except OSError:
            pass  # remembering is an optimisation; detection simply happens again

    # -- calls ----------------------------------------------------------------------------------
    def _call(self, **kwargs: Any) -> Any:
        """One request with retries; returns the openai response or raises LlmFailure."""
        import openai

        attempt = 0
        while True:
            self.calls += 1
            try:
                return self._client.chat.completions.create(model=self.o.model, **kwargs)
            except openai.RateLimitError as exc:
                wait = _retry_after(exc)
                if attempt >= self.o.max_retries or wait > self.o.max_retry_after_s:
                    raise LlmFailure("rate-limited", f"HTTP 429, retry after {wait:g} s") from None
                self.sleep(wait)
            except openai.APITimeoutError:
                if attempt >= self.o.max_retries:
                    raise LlmFailure(
                        "timeout", f"no answer within {self.o.timeout_s:g} s"
                    ) from None
            except openai.APIConnectionError as exc:
                if isinstance(exc.__cause__, ReplyTooLarge):
                    raise LlmFailure("too-large", str(exc.__cause__)) from None
                if attempt >= self.o.max_retries:
                    raise LlmFailure(
                        "unreachable", self.o.scrub(f"{self.o.base_url}: {exc}")
                    ) from None
                self.sleep(self.o.retry_backoff_s * min(2**attempt, 4))
            except openai.APIStatusError as exc:
                body = self.o.scrub(_body(exc))
                if exc.status_code >= 500 and not SCHEMA_REJECTED.search(body):
                    if attempt >= self.o.max_retries:
                        raise LlmFailure(
                            "server-error", f"HTTP {exc.status_code}: {body[:160]}"
                        ) from None
                    self.sleep(self.o.retry_backoff_s * min(2**attempt, 4))
                else:
                    raise LlmFailure(f"http-{exc.status_code}", body[:200]) from None
            except ReplyTooLarge as exc:
                raise LlmFailure("too-large", str(exc)) from None
            except (
                ValueError,
                TypeError,
                AttributeError,
            ) as exc:  # a body that is not the API's JSON
                raise LlmFailure(
                    "malformed", self.o.scrub(f"unreadable reply ({type(exc).__name__})")
                ) from None
            attempt += 1

    def structured(self, messages: list[dict[str, str]], model: type[T], name: str) -> T:
        """A reply validated as `model`, with one repair attempt for invalid JSON."""
        schema = model.model_json_schema()
        mode = self.schema_mode()
        try:
            reply = self._call(messages=messages, **self._format(mode, schema, name))
        except LlmFailure as exc:
            if (
                mode == "json_schema"
                and exc.kind.startswith("http-")
                and SCHEMA_REJECTED.search(exc.detail)
            ):
                mode = "json_object"  # this server has no json_schema: remember and go on
                self._remember_mode(mode)
                reply = self._call(messages=messages, **self._format(mode, schema, name))
            else:
                raise
        text = self.o.scrub(_content(reply))  # a key echoed back never reaches a report
        try:
            return model.model_validate_json(_strip_fences(text))
        except ValidationError as exc:
            problem = str(exc).splitlines()[0:3]
        if len(text) > MAX_REPAIR_CHARS:  # garbage this long is not worth sending back
            raise LlmFailure("malformed", f"a {len(text)}-character reply that is not the schema")
        repair = messages + [
            {"role": "assistant", "content": text},
            {
                "role": "user",
                "content": "That reply was not valid JSON for the schema ("
                + " ".join(problem)
                + "). Reply again with only the corrected JSON object.",
            },
        ]
        text = self.o.scrub(
            _content(self._call(messages=repair, **self._format(mode, schema, name)))
        )
        try:
            return model.model_validate_json(_strip_fences(text))
        except ValidationError as exc:
            raise LlmFailure("malformed", first_line(exc)) from None

    def _format(self, mode: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
        if mode == "json_schema":
            return {
                "temperature": self.o.temperature,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": schema},
                },
            }
        # llama-cpp-python takes the schema beside json_object; others ignore the extra field.
        return {
            "temperature": self.o.temperature,
            "response_format": {"type": "json_object", "schema": schema},
        }

    def text(self, messages: list[dict[str, str]], max_tokens: int = 200) -> str:
        return self.o.scrub(
            _content(
                self._call(messages=messages, temperature=self.o.temperature, max_tokens=max_tokens)
            )
        )

    def stream_sentences(
        self, messages: list[dict[str, str]], max_tokens: int = 200
    ) -> Iterator[str]:
        """Yield the reply sentence by sentence as it streams, so speech can start early."""
        import httpx
        import openai

        stream = self._call(
            messages=messages, temperature=self.o.temperature, max_tokens=max_tokens, stream=True
        )
        buffer = ""
        finish = None
        try:
            for chunk in stream:
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                finish = choice.finish_reason or finish
                if getattr(choice.delta, "refusal", None):
                    raise LlmFailure("refusal", choice.delta.refusal)
                buffer += choice.delta.content or ""
                while (m := _SENTENCE_END.search(buffer)) is not None:
                    sentence, buffer = buffer[: m.end()].strip(), buffer[m.end() :]
                    if sentence:
                        yield self.o.scrub(sentence)
        except openai.APIError as exc:
            raise LlmFailure("stream-broken", self.o.scrub(str(exc))[:160]) from None
        except (
            ValueError,
            TypeError,
            AttributeError,
            httpx.HTTPError,
            ReplyTooLarge,
        ) as exc:  # garbage
            raise LlmFailure(
                "stream-broken", self.o.scrub(f"{type(exc).__name__}: {exc}")[:160]
            ) from None
        if finish == "length":
            raise LlmFailure("truncated", "the reply hit the token limit")
        if buffer.strip():
            yield self.o.scrub(buffer.strip())

    def list_models(self) -> list[str]:
        import openai

        try:
            return [m.id for m in self._client.models.list()]
        except openai.APIConnectionError as exc:
            raise LlmFailure("unreachable", self.o.scrub(f"{self.o.base_url}: {exc}")) from None
        except openai.APIStatusError as exc:
            raise LlmFailure(f"http-{exc.status_code}", self.o.scrub(_body(exc))[:160]) from None


_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def _content(reply: Any) -> str:
    try:
        choices = reply.choices  # a non-JSON body comes back from the SDK as a plain str
        if not choices:
            raise LlmFailure("malformed", "no choices in the reply")
        choice = choices[0]
        if getattr(choice.message, "refusal", None):
            raise LlmFailure("refusal", str(choice.message.refusal))
        if choice.finish_reason == "length":
            raise LlmFailure("truncated", "the reply hit the token limit")
        text = choice.message.content or ""
    except (AttributeError, TypeError, IndexError, KeyError):
        raise LlmFailure("malformed", "the reply is not a chat completion") from None
    if not isinstance(text, str) or not text.strip():
        raise LlmFailure("empty", "the reply had no content")
    return text


MAX_REPAIR_CHARS = 20_000  # a malformed reply longer than this is not sent back for repair


class ReplyTooLarge(Exception):
    pass


def bounded_http_client(total_s: float, max_bytes: int) -> Any:
    """An httpx client whose responses stop at `total_s` seconds from the request and at
    `max_bytes` of body: past either, reading raises (a timeout, or ReplyTooLarge)."""
    import httpx

    class Bounded(httpx.SyncByteStream):
        def __init__(self, inner: Any, deadline: float):
            self.inner, self.deadline, self.seen = inner, deadline, 0

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self.inner:
                self.seen += len(chunk)
                if self.seen > max_bytes:
                    raise ReplyTooLarge(f"the reply passed {max_bytes} bytes")
                if time.monotonic() > self.deadline:
                    raise httpx.ReadTimeout(f"the reply took over {total_s:g} s in all")
                yield chunk

        def close(self) -> None:
            self.inner.close()

    class Transport(httpx.HTTPTransport):
        def handle_request(self, request: Any) -> Any:
            deadline = time.monotonic() + total_s
            response = super().handle_request(request)
            response.stream = Bounded(response.stream, deadline)
            return response

    return httpx.Client(transport=Transport(), timeout=total_s)


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = re.sub(r"^```[a-zA-Z]*\n?|```$", "", text).strip()
    return text


def _retry_after(exc: Any) -> float:
    try:
        wait = float(exc.response.headers.get("retry-after", "1"))
    except (TypeError, ValueError, AttributeError):
        return 1.0
    return wait if math.isfinite(wait) and wait >= 0 else 1.0  # "-1", "nan": the default


def _body(exc: Any) -> str:
    try:
        text: str = exc.response.text
        return text
    except Exception:
        return str(exc)
