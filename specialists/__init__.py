"""specialists package."""
