"""The board in the report: each turn's component graph and what its new part earned."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BoardEdge(BaseModel):
    source: str  # the components' labels
    target: str
    label: str = ""
    connector: str = "->"  # "->", "<->" or "--" (no arrowhead)


class BoardLine(BaseModel):
    """One sentence the board said at a turn (only what was new then), and what it earned."""

    shown: str  # what the board shows: "Gateway -> Feature store -> Ranker"
    sentence: str  # how the judge read it: "From Gateway to Feature store to Ranker."
    counted: bool = False  # evidence for at least one step, check or key point
    why: str = ""  # what it counted for, or why it earned nothing


class BoardTurn(BaseModel):
    """The board as saved at the end of one candidate turn (board/turn-NN.json)."""

    turn: int  # the turn's n, as in Report.turns
    answer: int  # NN: the candidate's answer number, from 1
    at_s: float  # session clock: the end of that answer, when the board was saved
    svg: str | None = None  # "board/turn-NN.svg" when one was saved and is an SVG
    components: list[str] = Field(default_factory=list)  # labels, in reading order
    edges: list[BoardEdge] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    graph: list[str] = Field(default_factory=list)  # Diagram.describe(), line by line: all of it
    lines: list[BoardLine] = Field(default_factory=list)  # what was new at this turn
