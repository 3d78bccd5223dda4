"""The live interview: a LangGraph state machine around the answer pipeline."""
