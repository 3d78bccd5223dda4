"""Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp) through the `openai` client."""

from interviewer.llm.client import LlmClient, LlmFailure
from interviewer.llm.config import LlmOptions, load_llm_options

__all__ = ["LlmClient", "LlmFailure", "LlmOptions", "load_llm_options"]
