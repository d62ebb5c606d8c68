"""Calls in the database: 20 concurrent calls without lost or mixed turns (SQLite and PostgreSQL), and
crash safety: a call killed with SIGKILL keeps every acknowledged turn and resumes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from careplans import load_care_plan
from constellation.call import Call
from constellation.storage import CallSession, Turn, open_database
from tests.conftest import EXAMPLES

PLANS = [load_care_plan(p) for p in sorted(EXAMPLES.glob("*.yaml"))]


def _lines(plan, n: int) -> list[str]:
    p = plan.patient
    dob = p.date_of_birth.strftime("%B %d, %Y")
    return [f"Hello, this is {p.name}.", dob, *[f"Call line {i} for {p.first_name}: I'm doing fine." for i in range(n)]]


def test_twenty_concurrent_calls_keep_their_own_turns(db_url: str) -> None:
    db = open_database(db_url)

    def one_call(k: int) -> tuple[str, list[str]]:
        plan = PLANS[k % len(PLANS)]
        call = Call.start(plan, db=db)
        lines = _lines(plan, 4)

        async def go() -> None:
            for line in lines:
                await call.say(line)

        asyncio.run(go())
        assert call.call_id is not None
        return call.call_id, lines

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one_call, range(20)))
    assert len({cid for cid, _ in results}) == 20
    with db.transaction() as s:
        for call_id, lines in results:
            turns = s.scalars(select(Turn).where(Turn.session_id == call_id).order_by(Turn.index)).all()
            assert [t.patient_text for t in turns] == lines
            assert [t.index for t in turns] == list(range(1, len(lines) + 1))
            state = s.get(CallSession, call_id).state
            assert [u["text"] for u in state["transcript"] if u["speaker"] == "patient"] == lines
    db.close()


def test_sigkill_mid_call_loses_no_acknowledged_turn_and_resumes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    plan_path = EXAMPLES / "anticoagulation_warfarin.yaml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "constellation.cli", "chat", "--care-plan", str(plan_path), "--json", "--db", url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    said = ["Hi, this is Margaret Chen.", "September 2nd, 1957.", "I take my warfarin every evening, no missed doses."]
    acknowledged = []
    assert proc.stdin is not None and proc.stdout is not None
    for line in said:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        acknowledged.append(json.loads(proc.stdout.readline()))
    proc.send_signal(signal.SIGKILL)  # mid-call: the process is waiting for the next patient line
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    db = open_database(url)
    with db.transaction() as s:
        call = s.scalars(select(CallSession)).one()
        turns = s.scalars(select(Turn).where(Turn.session_id == call.id).order_by(Turn.index)).all()
        assert [t.final_text for t in turns] == [a["agent"] for a in acknowledged]
        assert call.status == "active"
        call_id = call.id
    resumed = Call.resume(db, call_id)
    assert resumed.state.identity_verified and resumed.state.turn_index == 3
    out = asyncio.run(resumed.say("When is my next INR check?"))
    assert out.index == 4 and "December" in out.agent
    with db.transaction() as s:
        assert len(s.scalars(select(Turn).where(Turn.session_id == call_id)).all()) == 4
    db.close()
