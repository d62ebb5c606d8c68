"""The bundled example care plans, by display name."""

from __future__ import annotations

from pathlib import Path

import careplans

EXAMPLES_DIR = Path(careplans.__file__).with_name("examples")


def example_plans() -> dict[str, Path]:
    """Display name -> file, for every care plan shipped in careplans/examples/."""
    files = sorted(p for p in EXAMPLES_DIR.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    return {p.stem.replace("_", " ").capitalize(): p for p in files}
