"""Meaning: sentences -> embeddings -> agenda step, key points hit, trade-offs, relevance.

The offline judge and the live interviewer read the same `Understanding` of an answer.
"""

from interviewer.meaning.embedder import Embedder, MiniLM, default_embedder
from interviewer.meaning.understanding import StepFinding, Understanding, understand

__all__ = ["Embedder", "MiniLM", "StepFinding", "Understanding", "default_embedder", "understand"]
