"""Agreement statistics against published values and hand-computed cases (CONTRACT.md §5)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from constellation.errors import UserError
from evaluation.agreement import ac1, agreement_report, alpha, benjamini_hochberg, bootstrap_ci, code, group_agreement
from evaluation.ratings_csv import parse_ratings

NA = np.nan


def _matrix(text: str) -> np.ndarray:
    """Coders as rows ("*" missing) -> items x raters."""
    return np.array([[NA if t == "*" else float(t) for t in line.split()] for line in text.strip().splitlines()]).T


# The example of the Wikipedia article and of the `krippendorff` package's README: 3 coders x 15 units.
WIKIPEDIA = _matrix("""
*  *  *  *  *  3  4  1  2  1  1  3  3  *  3
1  *  2  1  3  3  4  3  *  *  *  *  *  *  *
*  *  2  1  3  4  4  *  2  1  1  3  3  *  4
""")
# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers x 12 units.
KRIPPENDORFF_2011 = _matrix("""
1 2 3 3 2 1 4 1 2 * * *
1 2 3 3 2 2 4 1 2 5 * 3
* 3 3 3 2 3 4 2 2 5 1 *
1 2 3 3 2 4 4 1 2 5 1 *
""")


def test_published_alpha_values() -> None:
    assert alpha(WIKIPEDIA, "nominal") == pytest.approx(0.691358, abs=5e-7)
    assert alpha(WIKIPEDIA, "interval") == pytest.approx(0.810845, abs=5e-7)
    assert alpha(WIKIPEDIA, "ordinal") == pytest.approx(0.806721, abs=5e-7)
    assert alpha(KRIPPENDORFF_2011, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert alpha(KRIPPENDORFF_2011, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert alpha(KRIPPENDORFF_2011, "interval") == pytest.approx(0.849, abs=5e-4)


TWO_RATERS = np.array([[0, 0], [1, 1], [0, 1], [1, 1]], dtype=float)


def test_hand_computed_two_raters() -> None:
    # Coincidences [[2, 1], [1, 4]], n = 8: alpha = 1 - 7 * 2 / (2 * 3 * 5) = 0.533333.
    assert alpha(TWO_RATERS, "nominal") == pytest.approx(1 - 14 / 30)
    # Gwet: pa = 3/4; pi = (0.375, 0.625); pe = 2 * 0.375 * 0.625 = 0.46875; AC1 = 0.28125 / 0.53125.
    assert ac1(TWO_RATERS) == pytest.approx(0.28125 / 0.53125)
    assert alpha(np.array([[1, 1], [2, 2], [3, 3]], dtype=float), "interval") == 1.0


def test_missing_ratings_and_units_with_one_rating_drop_out() -> None:
    with_singletons = np.vstack([TWO_RATERS, [[1, NA]], [[NA, NA]], [[NA, 0]]])
    assert alpha(with_singletons, "nominal") == pytest.approx(alpha(TWO_RATERS, "nominal"))


def test_undefined_cases_are_none_not_crashes() -> None:
    constant = np.full((5, 3), 4.0)
    assert alpha(constant) is None and alpha(constant, "interval") is None and ac1(constant) is None
    single_rater = np.array([[1.0], [2.0], [3.0]])
    assert alpha(single_rater) is None and ac1(single_rater) is None
    assert alpha(np.full((3, 3), NA)) is None
    report = agreement_report({"constant": constant, "single": single_rater}, n_boot=50)
    q = report["questions"]
    assert q["constant"]["alpha_nominal"] is None and "same value" in q["constant"]["notes"][0]
    assert q["single"]["ac1"] is None and "two ratings" in q["single"]["notes"][0]
    json.dumps(report)  # None becomes null: the report is valid JSON


def test_bootstrap_interval_contains_the_estimate() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(1, 6, 200)
    m = np.clip(truth[:, None] + rng.integers(-1, 2, (200, 6)), 1, 5).astype(float)
    m[rng.random(m.shape) < 0.3] = NA
    coded = code(m)
    for stat, value in (("alpha_ordinal", alpha(coded, "ordinal")), ("alpha_nominal", alpha(coded, "nominal")),
                        ("ac1", ac1(coded))):
        lo, hi = bootstrap_ci(coded, stat, n_boot=400)
        assert lo < value < hi and hi - lo < 0.2


def test_group_measures_by_hand() -> None:
    x_group = np.array([True, False])
    g = group_agreement(TWO_RATERS, x_group, permutations=0)
    # One rater per group: irr undefined; xrr: d_o = 2/8, d_e = 1 - (0.5 * 0.25 + 0.5 * 0.75) = 0.5 -> 0.5.
    assert g.irr is None and g.xrr == pytest.approx(0.5) and g.gai is None
    assert g.plurality == 1.0 and g.negentropy == pytest.approx(math.log(2))
    opposed = np.array([[0, 0, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0]], dtype=float)
    g = group_agreement(opposed, np.array([True, True, False, False]), permutations=100)
    assert g.irr == pytest.approx(1.0) and g.xrr == pytest.approx(-1.0)
    assert g.gai is None and g.gai_p_value is None  # xrr <= 0: GAI reported as null
    split = np.array([[0, 1, 0, 1], [1, 0, 1, 0]], dtype=float).T  # 4 items, group shares (0.5, 0.5)
    g = group_agreement(np.hstack([split, split]), np.array([True, True, False, False]), permutations=0)
    assert g.negentropy == pytest.approx(0.0) and g.plurality == pytest.approx(0.5)


def test_a_distinct_group_has_a_small_p_value() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 300)
    m = np.repeat(truth[:, None], 12, axis=1).astype(float)
    noisy = rng.random(m.shape) < 0.35
    m[noisy] = rng.integers(0, 3, noisy.sum())
    subset = rng.random(300) < 0.3  # on a third of the items, four raters agree on their own reading
    m[np.ix_(subset, np.arange(4))] = ((truth[subset] + 1) % 3)[:, None]
    g = group_agreement(m, np.arange(12) < 4, permutations=200)
    assert g.gai is not None and g.gai > 1.5 and g.gai_p_value == 0.0
    same = group_agreement(m, np.isin(np.arange(12), [4, 5, 6, 7]), permutations=200)
    assert same.gai_p_value is not None and same.gai_p_value > 0.05


def test_benjamini_hochberg() -> None:
    assert benjamini_hochberg([0.01, 0.04, 0.03, None]) == pytest.approx([0.03, 0.04, 0.04, None])
    assert benjamini_hochberg([]) == []


CSV = """rater_id,item_id,question,value,role
a,c1,safety,1,RN
b,c1,safety,1,RN
c,c1,safety,0,MD
a,c2,safety,0,RN
b,c2,safety,,RN
c,c2,safety,0,MD
a,c1,tone,5,RN
"""


def test_csv_to_contract_report() -> None:
    data = parse_ratings(CSV)
    assert data.raters == ["a", "b", "c"] and set(data.questions) == {"safety", "tone"}
    assert np.isnan(data.questions["safety"][1, 1])
    report = agreement_report(data.questions, groups=data.groups("role"), permutations=50, n_boot=50)
    entry = report["questions"]["safety"]
    assert entry["n_items"] == 2 and entry["n_raters"] == 3
    assert set(entry["groups"]) == {"MD", "RN"}
    assert set(entry["groups"]["RN"]) >= {"irr", "xrr", "gai", "gai_p_value", "negentropy", "plurality"}


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("rater,item,q,v\n1,2,3,4\n", "missing column"),
    ("rater_id,item_id,question,value\na,c1,q,high\n", "line 2: value 'high' is not a number"),
    ("rater_id,item_id,question,value\na,c1,q,1\na,c1,q,2\n", "line 3: rater a rated item c1 on q again"),
    ("rater_id,item_id,question,value\n,c1,q,1\n", "line 2: rater_id, item_id and question are required"),
    ("rater_id,item_id,question,value,role\na,c1,q,1,RN\na,c2,q,1,MD\n", "role differs"),
    ("rater_id,item_id,question,value\n", "no ratings"),
])
def test_bad_csv_is_refused_with_lines(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_ratings(text)


def test_cli(cli, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ratings.csv"
    path.write_text(CSV)
    out = tmp_path / "report.json"
    r = cli("ratings", "agreement", "--ratings", path, "--out", out, "--group-by", "role", "--permutations", "20")
    assert r.code == 0, r.err
    assert set(json.loads(out.read_text())["questions"]) == {"safety", "tone"}
    assert cli("ratings", "agreement", "--ratings", path, "--out", out, "--group-by", "gender").code == 2
    assert cli("ratings", "agreement", "--ratings", tmp_path / "none.csv", "--out", out).code == 2
