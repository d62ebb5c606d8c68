"""Primary agents: the scripted (offline default) and the LLM primary."""
