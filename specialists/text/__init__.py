"""Text helpers shared by the specialists: spoken numbers, negation and context."""
