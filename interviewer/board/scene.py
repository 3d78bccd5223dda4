"""An Excalidraw scene read as a component graph: labelled shapes, the arrows between them, notes.

The elements come from the browser, so they are untrusted JSON: every count, size and string
length is bounded here, deleted elements (`isDeleted`), unknown types and malformed fields are
skipped, and nothing raises on junk; what is usable is returned.

What counts as what:
- a component is a rectangle, ellipse or diamond with a label: its bound text (a text element whose
  `containerId` is the shape), then any free text lying inside its box (in reading order). A
  shape with no text names nothing and is left out. A free text that an arrow is bound to is a
  component too ("User" written without a box);
- an edge is an arrow or a line between two components: the elements named by its
  `startBinding` / `endBinding`, or, for an end bound to nothing (or to something missing), the
  labelled shape within SNAP_PX of that end. Its label is its own bound text. An arrow with a
  head only at its start points the other way; a line with no head is undirected ("--");
- a note is free text inside no shape that no arrow is bound to.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# Bounds on what is read from one scene (the room refuses a scene message over 2 MiB).
MAX_ELEMENTS = 5000  # elements read; the rest are ignored
MAX_RAW_TEXT = 4000  # characters of one element's text looked at before it is cleaned
MAX_LABEL = 120  # characters of a label once cleaned (longer ones are cut, with "…")
MAX_NOTE = 300  # characters of a note once cleaned
MAX_ID = 128  # characters of an element id (Excalidraw's are 20)
MAX_SHAPES = 1000  # shapes and texts read (in the scene's order): placing texts in shapes
MAX_TEXTS = 1000  # costs shapes x texts
MAX_INSIDE = 8  # free texts joined into one shape's label
MAX_COMPONENTS = 200
MAX_EDGES = 400
MAX_NOTES = 50
MAX_COORD = 1e7  # px: a coordinate farther out than this is junk
SNAP_PX = 24.0  # px: an unbound arrow end this close to a labelled shape's box connects to it
ROW_PX = 40.0  # px: components whose tops are this close read as one row, left to right
MAX_CHAIN = 8  # components in one chain; a longer path continues in the next chain

SHAPES = ("rectangle", "ellipse", "diamond")
LINES = ("arrow", "line")
CONNECTORS = ("->", "<->", "--")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in scene px (rotation is ignored: a tilted box still reads as one)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def area(self) -> float:
        return (self.right - self.left) * (self.bottom - self.top)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def distance(self, x: float, y: float) -> float:
        """From a point to the box: 0 inside."""
        dx = max(self.left - x, 0.0, x - self.right)
        dy = max(self.top - y, 0.0, y - self.bottom)
        return math.hypot(dx, dy)


@dataclass(frozen=True)
class Component:
    id: str  # the Excalidraw element id
    label: str  # cleaned: whitespace collapsed, at most MAX_LABEL characters
    kind: str  # rectangle | ellipse | diamond | text
    box: Box


@dataclass(frozen=True)
class Edge:
    source: str  # component ids
    target: str
    label: str = ""
    connector: str = "->"  # "->" one head; "<->" heads at both ends; "--" no head


@dataclass(frozen=True)
class Diagram:
    """A board as a graph, in reading order (top to bottom, left to right): the same scene
    always gives the same Diagram and the same description."""

    components: tuple[Component, ...] = ()
    edges: tuple[Edge, ...] = ()
    notes: tuple[str, ...] = ()

    @cached_property
    def _by_id(self) -> dict[str, Component]:
        return {c.id: c for c in self.components}

    @property
    def empty(self) -> bool:
        return not (self.components or self.edges or self.notes)

    def label(self, component_id: str) -> str:
        c = self._by_id.get(component_id)
        return c.label if c is not None else ""

    def standalone(self) -> tuple[Component, ...]:
        """Components no edge touches."""
        linked = {e.source for e in self.edges} | {e.target for e in self.edges}
        return tuple(c for c in self.components if c.id not in linked)

    def chains(self) -> tuple[tuple[Edge, ...], ...]:
        """The edges as flows, each edge in exactly one: a chain starts at a component nothing
        unused points to (else at the first component with an edge left), follows the first
        unused edge out of each component, and stops at a component already in it (a loop),
        at one with no unused edge out, or at MAX_CHAIN components."""
        order = {c.id: k for k, c in enumerate(self.components)}
        out: dict[str, deque[Edge]] = {}
        into: Counter[str] = Counter()
        for e in self.edges:
            out.setdefault(e.source, deque()).append(e)
            into[e.target] += 1
        found: list[tuple[Edge, ...]] = []
        while any(out.values()):
            starts = sorted((s for s, q in out.items() if q), key=lambda s: order.get(s, 0))
            node = next((s for s in starts if into[s] == 0), starts[0])
            path: list[Edge] = []
            seen = {node}
            while out.get(node) and len(path) < MAX_CHAIN - 1:
                e = out[node].popleft()
                into[e.target] -= 1
                path.append(e)
                if e.target in seen:
                    break
                seen.add(e.target)
                node = e.target
            found.append(tuple(path))
        return tuple(found)

    def chain_text(self, chain: tuple[Edge, ...]) -> str:
        """ "Gateway -> Feature store -[top 500]-> Ranker" """
        if not chain:
            return ""
        return self.label(chain[0].source) + "".join(_hop(e) + self.label(e.target) for e in chain)

    def describe(self) -> str:
        """One line per chain, then each component with no edge, then each note in quotes."""
        lines = [self.chain_text(c) for c in self.chains()]
        lines += [c.label for c in self.standalone()]
        lines += [f'"{n}"' for n in self.notes]
        return "\n".join(lines)

    def edge_key(self, e: Edge) -> tuple[str, str, str, str]:
        """An edge by what it says (its ends' labels), not by element ids: the same arrow
        redrawn is the same edge, a box relabelled makes its edges new."""
        return (
            self.label(e.source).casefold(),
            self.label(e.target).casefold(),
            e.label.casefold(),
            e.connector,
        )

    def shown(self) -> Shown:
        return Shown(
            edges=frozenset(self.edge_key(e) for e in self.edges),
            labels=frozenset(c.label.casefold() for c in self.components),
            notes=frozenset(n.casefold() for n in self.notes),
        )

    def since(self, before: Shown) -> Diagram:
        """What this board shows that was not shown `before`: edges and notes new by what they
        say, components with a new label, and the components the new edges join."""
        edges = tuple(e for e in self.edges if self.edge_key(e) not in before.edges)
        ends = {e.source for e in edges} | {e.target for e in edges}
        return Diagram(
            components=tuple(
                c
                for c in self.components
                if c.label.casefold() not in before.labels or c.id in ends
            ),
            edges=edges,
            notes=tuple(n for n in self.notes if n.casefold() not in before.notes),
        )


@dataclass(frozen=True)
class Shown:
    """What boards have shown so far, by what it says: edges (their ends' labels, label,
    connector), component labels and notes, case-folded."""

    edges: frozenset[tuple[str, str, str, str]] = frozenset()
    labels: frozenset[str] = frozenset()
    notes: frozenset[str] = frozenset()

    def __or__(self, other: Shown) -> Shown:
        return Shown(self.edges | other.edges, self.labels | other.labels, self.notes | other.notes)


def _hop(e: Edge) -> str:
    if not e.label:
        return f" {e.connector} "
    return {
        "->": f" -[{e.label}]-> ",
        "<->": f" <-[{e.label}]-> ",
        "--": f" -[{e.label}]- ",
    }[e.connector]


# -- reading the elements ----------------------------------------------------------------------


def clean(text: object, limit: int) -> str:
    """A label as shown: printable characters only (newlines, tabs, control and bidi-override
    characters become spaces), whitespace collapsed, at most `limit` characters."""
    if not isinstance(text, str):
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in text[:MAX_RAW_TEXT])
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    if isinstance(v, int) and abs(v) > MAX_COORD:  # a huge int would overflow float()
        return None
    f = float(v)
    return f if math.isfinite(f) and abs(f) <= MAX_COORD else None


def _id(v: object) -> str | None:
    return v if isinstance(v, str) and 0 < len(v) <= MAX_ID else None


def _box(e: dict[str, Any]) -> Box | None:
    x, y = _num(e.get("x")), _num(e.get("y"))
    w, h = _num(e.get("width", 0)), _num(e.get("height", 0))
    if x is None or y is None or w is None or h is None:
        return None
    return Box(min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))


def _point(v: object) -> tuple[float, float] | None:
    if not isinstance(v, list | tuple) or len(v) < 2:
        return None
    x, y = _num(v[0]), _num(v[1])
    return None if x is None or y is None else (x, y)


def _ends(e: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """A line's first and last points in scene px (its points are relative to x, y)."""
    x, y, points = _num(e.get("x")), _num(e.get("y")), e.get("points")
    if x is None or y is None or not isinstance(points, list) or len(points) < 2:
        return None
    first, last = _point(points[0]), _point(points[-1])
    if first is None or last is None:
        return None
    return (x + first[0], y + first[1]), (x + last[0], y + last[1])


def _bound_to(e: dict[str, Any], key: str) -> str | None:
    binding = e.get(key)
    return _id(binding.get("elementId")) if isinstance(binding, dict) else None


@dataclass
class _Text:
    id: str
    text: str
    box: Box | None  # None: no usable position (fine for a label bound to its container)
    container: str | None


NOWHERE = Box(0.0, 0.0, 0.0, 0.0)


def _text_order(t: _Text) -> tuple[float, float, str, str]:
    """Texts with no position read last."""
    if t.box is None:
        return (math.inf, math.inf, t.text.casefold(), t.id)
    return _reading_order(t.box, t.text, t.id)


def _reading_order(box: Box, label: str, element_id: str) -> tuple[float, float, str, str]:
    return (math.floor(box.top / ROW_PX), box.left, label.casefold(), element_id)


def read_scene(elements: object) -> Diagram:
    """The component graph of Excalidraw's `elements` array (as the browser sent it)."""
    if not isinstance(elements, list):
        return Diagram()
    shapes: dict[str, tuple[str, Box]] = {}
    lines: dict[str, dict[str, Any]] = {}
    texts: dict[str, _Text] = {}
    deleted: set[str] = set()
    for e in elements[:MAX_ELEMENTS]:
        if not isinstance(e, dict):
            continue
        if e.get("isDeleted") not in (None, False):
            if (did := _id(e.get("id"))) is not None:
                deleted.add(did)
            continue
        kind, eid = e.get("type"), _id(e.get("id"))
        if eid is None or eid in shapes or eid in lines or eid in texts:
            continue  # no id, or one already taken: the first element with an id keeps it
        if kind in LINES:
            lines[eid] = e
            continue
        box = _box(e)
        if kind in SHAPES and box is not None and len(shapes) < MAX_SHAPES:
            shapes[eid] = (str(kind), box)
        elif kind == "text" and len(texts) < MAX_TEXTS:
            raw = e.get("originalText")
            raw = raw if isinstance(raw, str) and raw.strip() else e.get("text")
            text = clean(raw, MAX_NOTE)
            if text:
                texts[eid] = _Text(eid, text, box, _id(e.get("containerId")))

    bound: dict[str, str] = {}  # container (shape or line) id -> its bound text
    free: list[_Text] = []
    for t in texts.values():
        if t.container is not None and (t.container in shapes or t.container in lines):
            bound.setdefault(t.container, t.text)
        elif t.container is None or t.container not in deleted:
            free.append(t)  # no container, or one that was never there: free text
        # (the label of a deleted shape or arrow went with it)
    free.sort(key=_text_order)
    inside: dict[str, list[str]] = {}
    holder: dict[str, str] = {}  # free text id -> the shape it lies in
    loose: list[_Text] = []
    for t in free:
        x, y = t.box.centre if t.box is not None else (math.nan, math.nan)
        holders = [(b.area, sid) for sid, (_, b) in shapes.items() if b.contains(x, y)]
        if holders:
            holder[t.id] = min(holders)[1]  # the smallest box holding it
            held = inside.setdefault(holder[t.id], [])
            if len(held) < MAX_INSIDE:
                held.append(t.text)
        else:
            loose.append(t)

    components: dict[str, Component] = {}
    for sid, (kind, box) in shapes.items():
        label = clean(
            " ".join([*([bound[sid]] if sid in bound else []), *inside.get(sid, [])]), MAX_LABEL
        )
        if label:
            components[sid] = Component(sid, label, kind, box)
    loose_by_id = {t.id: t for t in loose}
    named = sorted(components.values(), key=lambda c: _reading_order(c.box, c.label, c.id))[
        :MAX_COMPONENTS
    ]
    components = {c.id: c for c in named}

    def resolve(target: str | None, point: tuple[float, float]) -> str | None:
        if target is not None:
            if target in components:
                return target
            t = texts.get(target)
            shape = holder.get(target) or (t.container if t is not None else None)
            if shape is not None and shape in components:
                return shape  # bound to the text of a shape: the shape
            if target in loose_by_id:
                t = loose_by_id[target]
                components.setdefault(
                    t.id, Component(t.id, clean(t.text, MAX_LABEL), "text", t.box or NOWHERE)
                )
                return t.id
            if target in shapes or target in texts:
                return None  # bound to a shape with no label, or to text inside one
        near = [
            (c.box.distance(*point), c.box.area, c.id)
            for c in components.values()
            if c.kind in SHAPES and c.box.distance(*point) <= SNAP_PX
        ]
        return min(near)[2] if near else None

    edges: list[Edge] = []
    for lid, e in lines.items():
        ends = _ends(e)
        if ends is None:
            continue
        source = resolve(_bound_to(e, "startBinding"), ends[0])
        target = resolve(_bound_to(e, "endBinding"), ends[1])
        if source is None or target is None or source == target:
            continue
        default_end = "arrow" if e.get("type") == "arrow" and "endArrowhead" not in e else None
        head_start = bool(e.get("startArrowhead"))
        head_end = bool(e.get("endArrowhead", default_end))
        if head_start and not head_end:
            source, target = target, source
        connector = "<->" if head_start and head_end else "->" if head_start or head_end else "--"
        edges.append(Edge(source, target, clean(bound.get(lid, ""), MAX_LABEL), connector))
        if len(edges) >= MAX_EDGES:
            break

    used = {c for e in edges for c in (e.source, e.target)}
    notes = [t.text for t in loose if t.id not in used][:MAX_NOTES]
    ordered = sorted(components.values(), key=lambda c: _reading_order(c.box, c.label, c.id))
    order = {c.id: k for k, c in enumerate(ordered)}
    unique = sorted(
        set(edges),
        key=lambda e: (order[e.source], order[e.target], e.label.casefold(), e.connector),
    )
    return Diagram(tuple(ordered), tuple(unique), tuple(notes))
