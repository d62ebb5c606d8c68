"""constellation package."""
