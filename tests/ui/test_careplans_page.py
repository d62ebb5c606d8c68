"""The care plan browser page, driven by Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


def _careplans_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/careplans.py")
    return at.run()


def test_examples_are_listed_and_shown() -> None:
    at = _careplans_page()
    assert not at.exception
    options = at.selectbox(key="careplan_example").options
    assert len(options) >= 3
    for option in options:
        at.selectbox(key="careplan_example").set_value(option).run()
        assert not at.exception
        assert at.metric[0].value  # the patient's name
        assert len(at.dataframe) == 2  # medications and labs


def test_anticoagulation_example_shows_the_inr_target() -> None:
    at = _careplans_page()
    choice = next(o for o in at.selectbox(key="careplan_example").options if "Anticoagulation" in o)
    at.selectbox(key="careplan_example").set_value(choice).run()
    assert "Margaret Louise Chen" in [m.value for m in at.metric]
    assert any("inr: 2.0 to 3.0" in md.value for md in at.markdown)
