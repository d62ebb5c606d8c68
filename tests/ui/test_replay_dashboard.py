"""The replay dashboard in AppTest: admins only; runs stored by a replay are listed and compared with the
numbers the command's report gives; a failing case opens with its conversation and care plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from constellation.storage import open_database
from evaluation.accounts import create_account
from evaluation.replay_config import load_configs
from evaluation.replay_runner import run_configs
from evaluation.replay_sources import from_cases_file
from evaluation.replay_store import ReplayStore
from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")
CONFIGS = [ROOT / "evaluation" / "configs" / "deterministic.yaml", ROOT / "tests" / "data" / "replay" / "no-labs.yaml"]


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("CONSTELLATION_DB", url)
    db = open_database(url)
    with db.transaction() as s:
        create_account(s, "boss", "the admin's password", role="admin")
        create_account(s, "ana", "ana's long password", clinical_role="RN")
    return run_configs(from_cases_file(ROOT / "tests" / "data" / "replay" / "calls.jsonl"), load_configs(CONFIGS),
                       store=ReplayStore(db), n_boot=500)


def _open(user: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/replay_dashboard.py").run()
    at.text_input(key="portal_username").input(user)
    at.text_input(key="portal_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _frame(at: AppTest, column: str):  # noqa: ANN202 - a pandas DataFrame
    """The page's table that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_only_admins_see_replays(stored: dict) -> None:
    at = _open("ana", "ana's long password")
    assert any("for portal administrators" in e.value for e in at.error)
    assert not any(t.value == "Replay dashboard" for t in at.title)


def test_runs_are_compared_and_a_failing_case_opens(stored: dict) -> None:
    at = _open("boss", "the admin's password")
    assert any(t.value == "Replay dashboard" for t in at.title)
    runs = _frame(at, "judged")
    assert sorted(runs["configuration"]) == ["deterministic", "no-labs"] and set(runs["judged"]) == {"7/7"}
    assert at.multiselect(key="replay_pick").value and len(at.multiselect(key="replay_pick").value) == 2
    summary = _frame(at, "call-level clean rate").set_index("configuration")
    expected = stored["comparison"]["configs"]
    for name in ("deterministic", "no-labs"):
        assert summary.loc[name, "micro F1"] == expected[name]["metrics"]["micro"]["f1"]
        assert summary.loc[name, "call-level clean rate"] == expected[name]["call_clean_rate"]
    assert summary.loc["no-labs", "wrong cases"] == 2

    at.selectbox(key="replay_failures_config").select("no-labs").run()
    wrong = _frame(at, "missed")
    assert list(wrong["case"]) == ["X/2", "Y/2"]
    assert "value_out_of_range(inr, high)" in wrong.loc[0, "missed"]
    at.selectbox(key="replay_case").select("Y/2").run()
    assert not at.exception, at.exception
    assert any("150 over 95" in m.markdown[0].value for m in at.chat_message if m.markdown)
    assert any("Margaret Louise Chen" in c.value and "warfarin" in c.value for c in at.code)

    at.selectbox(key="replay_failures_config").select("deterministic").run()
    assert any("got every scored case right" in s.value for s in at.success)


def test_empty_dashboard_says_how_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("CONSTELLATION_DB", url)
    with open_database(url).transaction() as s:
        create_account(s, "boss", "the admin's password", role="admin")
    at = _open("boss", "the admin's password")
    assert any("No replay runs yet" in i.value for i in at.info)
