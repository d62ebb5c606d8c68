"""Speech-recognition variants of a cases file, made by the project's own voice loop.

    python -m evaluation.asr_variants CASES.jsonl --out CASES_asr.jsonl [--limit N]

Every patient turn is spoken by the demo's text-to-speech (pyttsx3 over espeak-ng) and transcribed by its
speech recogniser (faster-whisper, the packaged model, no care-plan prompt), so the garbles in the new file are
the ones a live call makes ("car vidilol", "one forty two over eighty six" as "140, 2 over 86"). Each variant keeps
its case's history, plan, gold and `today`; its id gains "-asr", and `asr_of` keeps the words as written. The gold
stays the writer's: a drug the recogniser lost entirely then counts as a miss, as it would on a call. Agent drafts
are left out (they are never heard).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path

from constellation.voice.audio import load_audio
from constellation.voice.stt import WhisperSTT
from constellation.voice.tts import synthesize


def variants(cases_path: Path, out: Path, limit: int | None = None) -> int:
    stt = WhisperSTT()
    lines = [json.loads(line) for line in cases_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = 0
    with out.open("w", encoding="utf-8") as f:
        for case in lines:
            if limit is not None and written >= limit:
                break
            turn = case.get("turn") or {}
            if turn.get("speaker") != "patient" or not str(turn.get("text", "")).strip():
                continue
            heard = stt.transcribe(load_audio(synthesize(turn["text"]).wav), words=False).text
            variant = {**case, "id": f"{case['id']}-asr", "turn": {"speaker": "patient", "text": heard},
                       "asr_of": turn["text"]}
            if isinstance(case.get("care_plan"), str):  # keep the plan path valid from the new file's folder
                plan = (cases_path.parent / case["care_plan"]).resolve()
                variant["care_plan"] = os.path.relpath(plan, out.parent.resolve())
            f.write(json.dumps(variant) + "\n")
            written += 1
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="at most this many variants")
    args = parser.parse_args(argv)
    n = variants(args.cases, args.out, args.limit)
    print(f"wrote {n} variants to {args.out}")


if __name__ == "__main__":
    main()
