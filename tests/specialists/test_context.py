"""Scoping a phrase in an utterance: negated, hypothetical, a question, someone else's, history."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from specialists.text.context import Scope, answer_polarity, clause_bounds, is_affirmed, normalize, scope, speaking_for

TODAY = dt.date(2026, 11, 27)


def _scope(text: str, phrase: str, pattern: str | None = None) -> Scope:
    start = text.lower().index(phrase.lower())
    rx = re.compile(pattern, re.I) if pattern else None
    return scope(text, start, start + len(phrase), pattern=rx, today=TODAY)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I passed out in the kitchen this morning.", "passed out"),
        ("No fever but my chest feels crushed.", "chest feels crushed"),
        ("No chest pain, but I passed out after lunch.", "passed out"),
        ("I didn't have chest pain, I passed out.", "passed out"),
        ("I didn't take my insulin and passed out.", "passed out"),
        ("I haven't been eating since I passed out.", "passed out"),
        ("Should I be worried that I passed out twice?", "passed out"),
        ("Is it normal that I fainted yesterday?", "fainted"),
        ("My wife says my speech is slurred.", "speech is slurred"),
        ("My husband found me passed out on the floor.", "passed out"),
        ("They found blood in my stool at the clinic.", "blood in my stool"),
        ("I've never had chest pain like this before.", "chest pain"),
        ("I'm not feeling well and I passed out.", "passed out"),
        ("Not long after dinner I passed out.", "passed out"),
        ("I may have passed out for a second.", "passed out"),
        ("I didn't realize I had passed out.", "passed out"),
        ("I had a stroke years ago and now my face is drooping again.", "face is drooping"),
        ("If this doesn't stop I'm going to kill myself.", "kill myself"),
        ("No, I passed out in the shower.", "passed out"),
        ("I can't walk to the car without gasping.", "gasping"),
        # a conditional cue with nothing after it, or a reason given after it, governs nothing that follows
        ("I took an aspirin just in case, because my words were coming out wrong.", "words were coming out wrong"),
        ("I took the nitro in case it was my heart, because my chest was crushing.", "chest was crushing"),
    ],
)
def test_affirmed(text: str, phrase: str) -> None:
    sc = _scope(text, phrase)
    if "kill myself" in phrase:  # a statement of intent: judged in intent mode
        start = text.index(phrase)
        sc = scope(text, start, start + len(phrase), today=TODAY, intent=True)
    assert sc.affirmed, sc.reason


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("No chest pain.", "chest pain"),
        ("I don't have any chest pain.", "chest pain"),
        ("Denies chest pain or pressure.", "pressure"),
        ("I haven't had any of that crushing chest pain.", "crushing chest pain"),
        ("Never passed out in my life.", "passed out"),
        ("I'm without any shortness of breath.", "shortness of breath"),
        ("No fever, chills, or chest pressure.", "chest pressure"),
        ("Passed out? No.", "Passed out"),
        ("Chest pain, none of that.", "Chest pain"),
        ("I don't think I fainted.", "fainted"),
        ("I no longer get chest pain.", "chest pain"),
        ("Passing out hasn't happened.", "Passing out"),
        ("The squeezing thing hasn't come back since the stent, not once.", "squeezing"),
    ],
)
def test_negated(text: str, phrase: str) -> None:
    assert _scope(text, phrase).negated


def test_negation_inside_the_match_unless_the_pattern_needs_it() -> None:
    pattern = r"\blips\b[^.?!]{0,20}\bblue\b"
    assert _scope("My lips are not blue.", "lips are not blue", pattern).negated
    inhaler = r"\binhaler\b[^.?!]{0,25}\b(?:isn't|not) (?:working|helping)"
    assert _scope("My inhaler isn't working.", "inhaler isn't working", inhaler).affirmed


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("What if I pass out while driving?", "pass out"),
        ("If I get chest pain, should I call 911?", "chest pain"),
        ("Should I call if my lips turn blue?", "lips turn blue"),
        ("In case I pass out, who should I call?", "pass out"),
        ("If my sugar drops and I get confused, what do I do?", "confused"),
        ("I'm afraid I'll pass out at church.", "pass out"),
        ("I'm scared of passing out again.", "passing out"),
        ("I might pass out if I stand too fast.", "pass out"),
        ("I take aspirin to prevent a heart attack.", "heart attack"),
        ("Can you pass out from low blood sugar?", "pass out"),
    ],
)
def test_hypothetical(text: str, phrase: str) -> None:
    assert _scope(text, phrase).hypothetical


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("What are the signs of a stroke?", "stroke"),
        ("What does chest pressure from a heart attack feel like?", "heart attack"),
        ("How would I know if my face is drooping?", "face is drooping"),
        ("Can metoprolol make me pass out?", "pass out"),
        ("Is chest pressure always serious?", "chest pressure"),
        ("Tell me about black stools on warfarin.", "black stools"),
        ("When should I worry about blood in the stool?", "blood in the stool"),
    ],
)
def test_question_or_educational(text: str, phrase: str) -> None:
    sc = _scope(text, phrase)
    assert sc.question or sc.hypothetical, sc


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("My neighbour had a stroke last week.", "stroke"),
        ("My wife's chest pain is worse today.", "chest pain"),
        ("She's slurring her words.", "slurring"),
        ("My son passed out at football practice.", "passed out"),
        ("Mom fainted in the store.", "fainted"),
        ("I can't lift her arm.", "can't lift her arm"),
        ("My husband has been coughing up blood.", "coughing up blood"),
    ],
)
def test_other_person(text: str, phrase: str) -> None:
    assert _scope(text, phrase).other_person


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I had a stroke years ago.", "stroke"),
        ("I used to pass out when I stood up.", "pass out"),
        ("Back in 2019 I passed out at church.", "passed out"),
        ("I passed out once in 2015.", "passed out"),
        ("When I was a kid I fainted a lot.", "fainted"),
        ("I passed out once, but that was years ago.", "passed out"),
        ("I had black stools last year.", "black stools"),
        # a long-standing baseline said after the phrase, in its sentence or the next
        ("I can't find my words sometimes, but I've been like that for a couple of years.", "can't find my words"),
        ("I sleep propped up. Nothing new, I'm my usual self.", "sleep propped up"),
    ],
)
def test_historical(text: str, phrase: str) -> None:
    assert _scope(text, phrase).historical


def test_a_baseline_is_long_standing_only() -> None:
    """ "been like that for an hour" is no baseline; "for years" is."""
    assert not _scope("I can't find my words, I've been like that for an hour.", "can't find my words").historical


def test_a_year_this_year_is_not_history() -> None:
    assert _scope("I passed out in 2026 twice.", "passed out").affirmed


def test_clause_boundaries() -> None:
    text = "No fever but my chest feels crushed"
    start = text.index("my chest")
    lo, _ = clause_bounds(text, start, start + 8)
    assert text[lo:].strip().startswith("my chest")
    text = "no fever, I passed out"
    start = text.index("passed")
    lo, _ = clause_bounds(text, start, start + 6)
    assert "fever" not in text[lo:start]
    # a strong clause keeps the conditional together across "and I"
    text = "if my sugar drops and I get confused"
    start = text.index("confused")
    lo, _ = clause_bounds(text, start, start + 8, strong=True)
    assert lo == 0


def test_helpers() -> None:
    assert normalize("I can\u2019t breathe") == "I can't breathe"
    assert len(normalize("it\u2019s")) == len("it\u2019s")
    assert is_affirmed("I passed out", 2, 12)
    assert not is_affirmed("I never passed out", 8, 18)
    assert Scope(negated=True, cue="no").reason == "negated ('no')"
    assert Scope().reason == "affirmed"


@pytest.mark.parametrize(
    ("text", "polarity"),
    [("Yes, since this morning.", "yes"), ("Yeah.", "yes"), ("Um, yes I did.", "yes"), ("I am.", "yes"),
     ("No.", "no"), ("Nope, nothing like that.", "no"), ("I haven't.", "no"), ("Not really.", "no"),
     ("My sugar was 120.", None)],
)
def test_answer_polarity(text: str, polarity: str | None) -> None:
    assert answer_polarity(text) == polarity


def test_intent_mode_ignores_modals_and_fears_but_not_if_clauses() -> None:
    text = "I'm gonna kill myself"
    s = text.index("kill")
    assert not scope(text, s, len(text), today=TODAY).affirmed  # "gonna" is a modal for other phrases
    assert scope(text, s, len(text), today=TODAY, intent=True).affirmed
    text = "If I ever felt like killing myself I would call 988"
    s = text.index("killing")
    assert scope(text, s, s + 15, today=TODAY, intent=True).hypothetical


# --- a caregiver speaking for the patient ----------------------------------------------------------


@pytest.mark.parametrize(("texts", "pronoun", "relation"), [
    (["This is her husband."], "she", None),
    (["Hi, I'm his daughter, he asked me to call."], "he", None),
    (["I'm calling for my mother."], "she", "mom"),
    (["Speaking on behalf of my husband today."], "he", "husband"),
    (["Hello?", "No, I'm Maria, Walter's daughter."], None, None),
    (["She can't come to the phone right now."], "she", None),
    (["My dad can't talk right now, he's resting."], "he", "dad"),
    (["I'm her caregiver."], "her", None),
])
def test_speaking_for(texts: list[str], pronoun: str | None, relation: str | None) -> None:
    proxy = speaking_for(texts, sex="male" if "Walter" in " ".join(texts) else None)
    assert proxy is not None
    if pronoun:
        assert pronoun in proxy.pronouns
    if relation:
        assert relation in proxy.relations
    if "Walter" in " ".join(texts):
        assert "he" in proxy.pronouns and "she" not in proxy.pronouns and "walter" in proxy.names


@pytest.mark.parametrize("text", [
    "I'm calling about my refill.", "My mom has the flu.", "I take care of my mother.", "I'm his", "It's her birthday today.",
    "My husband is calling the pharmacy for me.",
])
def test_not_speaking_for(text: str) -> None:
    assert speaking_for([text]) is None


@pytest.mark.parametrize(("text", "phrase", "other"), [
    ("This is her husband. She's confused and shaky.", "confused", False),
    ("I'm calling for my mother. My mother passed out this morning.", "passed out", False),
    ("I'm calling for my dad. Dad's speech is slurred.", "speech is slurred", False),
    ("This is his wife. His face is drooping.", "face is drooping", False),
    ("This is her husband. My neighbour had a stroke and she is slurring her words.", "slurring", True),
    ("I'm calling for my mother. My sister passed out.", "passed out", True),
    ("I'm calling for my mother. My own chest pain is back.", "chest pain", True),
    ("This is her husband. I've been having chest pains myself.", "chest pains", True),
])
def test_scope_with_a_proxy(text: str, phrase: str, other: bool) -> None:
    proxy = speaking_for([text])
    start = text.index(phrase)
    sc = scope(text, start, start + len(phrase), today=TODAY, proxy=proxy)
    assert sc.other_person is other, sc.reason
    if not other:  # without the declaration the same words are someone else's
        assert scope(text, start, start + len(phrase), today=TODAY).other_person


def test_a_declared_relation_must_fit_the_patient() -> None:
    # a woman whose plan this is, asking about her husband, is not speaking for the patient
    assert speaking_for(["I'm calling about my husband's prescription."], sex="female") is None
    assert speaking_for(["I'm calling about my husband."], sex="male") is not None
    assert speaking_for(["This is his wife."], sex="female") is None


@pytest.mark.parametrize(("text", "phrase", "expected"), [
    # a purpose verb with nothing after it ("has to stop, and") makes nothing after it hypothetical
    ("I have to stop, and my lips look blue.", "lips look blue", "affirmed"),
    ("I take it to stop chest pain.", "chest pain", "hypothetical"),
    # a clause naming nobody belongs to the person of the clause before it
    ("His brother had a stroke, the face went all droopy.", "face went all droopy", "other_person"),
    ("I feel awful, the face went all droopy.", "face went all droopy", "affirmed"),
    # "not had one since" says the event did not come back: history
    ("Back in the spring I passed out once, and I've not had one since.", "passed out", "historical"),
    ("Back in the spring I passed out once, and I've been dizzy since.", "passed out", "affirmed"),
    ("Can you tell me what chest pain feels like?", "chest pain", "hypothetical"),
])
def test_scope_of_purpose_owner_and_not_since(text: str, phrase: str, expected: str) -> None:
    start = text.index(phrase)
    sc = scope(text, start, start + len(phrase), today=TODAY)
    got = next((k for k in ("hypothetical", "other_person", "historical", "negated") if getattr(sc, k)), "affirmed")
    assert got == expected, sc


def test_someone_who_cannot_tell_me_what_is_wrong_asks_nothing() -> None:
    text = "I'm calling for my mother. Mom can't really tell me what's wrong, she just keeps patting her chest."
    start = text.index("patting her chest")
    sc = scope(text, start, start + len("patting her chest"), today=TODAY, proxy=speaking_for([text]))
    assert sc.affirmed, sc
