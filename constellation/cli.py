"""The `constellation` command line (CONTRACT.md §1).

Exit codes: 0 success, 2 bad input, 1 internal failure. Errors are one human paragraph on stderr;
`--debug` (anywhere on the command line) or CONSTELLATION_DEBUG=1 adds the Python traceback.
Heavy imports live inside the commands so `--help` stays instant.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from constellation.errors import InternalError, UserError

app = typer.Typer(
    name="constellation",
    help="Safety-first AI care calls: a primary agent whose every turn is verified by specialists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
careplan_app = typer.Typer(help="Validate and import care plans.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema: migrate and inspect.", no_args_is_help=True)
app.add_typer(careplan_app, name="careplan")
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: SQLite file under the data folder, created on first use)."),
]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks on errors.")] = False,
) -> None:
    if debug:
        os.environ["CONSTELLATION_DEBUG"] = "1"


def _err(message: str) -> None:
    typer.echo(message, err=True)


# ---------------------------------------------------------------- care plans
@careplan_app.command("validate")
def careplan_validate(
    file: Annotated[Path, typer.Argument(help="Care plan: YAML, JSON or a FHIR R4 Bundle.")],
) -> None:
    """Validate a care plan and list every problem with its field path."""
    from careplans import load

    loaded = load(file)
    plan = loaded.plan
    for note in loaded.notes:
        _err(f"note: {note}")
    typer.echo(
        f"OK {file}: care plan {plan.id!r} ({loaded.format}) for {plan.patient.name}: "
        f"{len(plan.conditions)} conditions, {len(plan.allergies)} allergies, {len(plan.medications)} medications, "
        f"{len(plan.labs)} labs/vitals, {len(plan.targets)} targets, {len(plan.appointments)} appointments, "
        f"{len(plan.checklist)} checklist items"
    )


@careplan_app.command("import-fhir")
def careplan_import_fhir(
    bundle: Annotated[Path, typer.Argument(help="FHIR R4 Bundle (JSON).")],
    out: Annotated[Path, typer.Option("--out", help="Care plan file to write (.yaml/.yml or .json).")],
) -> None:
    """Turn a FHIR R4 Bundle into a care plan file; report anything that could not be mapped."""
    from careplans import load
    from careplans.loader import dump_yaml, is_fhir_bundle, parse_document, read_text

    text = read_text(bundle)
    data, _ = parse_document(text, str(bundle))
    if not is_fhir_bundle(data):
        raise UserError(f"{bundle}: not a FHIR Bundle (no \"resourceType\": \"Bundle\" at the top level)")
    if out.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise UserError(f"--out {out}: use a .yaml, .yml or .json file name")
    if out.exists() and out.is_dir():
        raise UserError(f"--out {out}: is a directory")
    loaded = load(bundle)
    plan = loaded.plan
    body = plan.model_dump_json(indent=2, exclude_none=True) + "\n" if out.suffix.lower() == ".json" else dump_yaml(plan)
    _write_atomically(out, body)
    for note in loaded.notes:
        _err(f"not mapped: {note}")
    typer.echo(
        f"wrote {out}: {len(plan.medications)} medications, {len(plan.conditions)} conditions, "
        f"{len(plan.allergies)} allergies, {len(plan.labs)} labs/vitals, {len(plan.targets)} targets, "
        f"{len(plan.appointments)} appointments, {len(plan.checklist)} checklist items"
        + (f"; {len(loaded.notes)} items not mapped (listed above)" if loaded.notes else "")
    )


def _write_atomically(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder so a failure never leaves half a file."""
    if not path.parent.exists():
        raise UserError(f"cannot write {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


# ---------------------------------------------------------------- database
@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from constellation.storage import database

    url = db or database.default_db_url()
    database.upgrade(url, revision)
    typer.echo(f"{database.display_url(url)}: at revision {database.current(url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision ('base' removes every table).")],
    db: DbOption = None,
) -> None:
    """Revert migrations down to REVISION."""
    from constellation.storage import database

    url = db or database.default_db_url()
    database.downgrade(url, revision)
    typer.echo(f"{database.display_url(url)}: at revision {database.current(url) or 'base'}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's current schema revision and the newest one available."""
    from constellation.storage import database

    url = db or database.default_db_url()
    typer.echo(f"{database.display_url(url)}: at revision {database.current(url) or 'base (empty)'}; head is {database.head_revision()}")


# ---------------------------------------------------------------- chat
@app.command("chat")
def chat(
    care_plan: Annotated[Path, typer.Option("--care-plan", help="Care plan: YAML, JSON or a FHIR R4 Bundle.")],
    script: Annotated[Path | None, typer.Option("--script", help="Patient lines, one per line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per agent turn on stdout.")] = False,
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not store the call in the database.")] = False,
    today: Annotated[str | None, typer.Option("--today", metavar="YYYY-MM-DD",
                                              help="The call's date (appointments, 'yesterday', ages); default: today.")] = None,
) -> None:
    """One text conversation with the assistant; every reply is verified by the specialists first."""
    import asyncio
    import datetime as dt
    import json

    from careplans import load_care_plan

    call_date: dt.date | None = None
    if today is not None:
        try:
            call_date = dt.date.fromisoformat(today)
        except ValueError:
            raise UserError(f"--today {today!r}: not a date in the form YYYY-MM-DD") from None
    plan = load_care_plan(care_plan)
    lines: list[str] | None = None
    if script is not None:
        if not script.is_file():
            raise UserError(f"--script {script}: file not found")
        try:
            lines = [ln.strip() for ln in script.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except UnicodeDecodeError:
            raise UserError(f"--script {script}: not UTF-8 text") from None
        if not lines:
            raise UserError(f"--script {script}: no patient lines in the file")

    from constellation.call import Call
    from constellation.llm import ModelSettings

    database = None
    if not no_store:
        from constellation.storage import open_database
        from constellation.storage.database import default_db_url

        database = open_database(db or default_db_url())
    settings = ModelSettings.from_env()
    primary = None
    if settings is not None:
        from constellation.primary.llm import LLMPrimary

        primary = LLMPrimary(settings)
    call = Call.start(plan, db=database, primary=primary, today=call_date)

    def show(outcome) -> None:  # noqa: ANN001 - a TurnOutcome
        if as_json:
            typer.echo(json.dumps(outcome.to_contract()))
        else:
            typer.echo(f"agent> {outcome.agent}")
            if outcome.escalation != "none":
                _err(f"  [escalation: {outcome.escalation}; verdict {outcome.verdict}]")

    async def run() -> None:
        if lines is not None:
            for line in lines:
                show(await call.say(line))
                if call.state.phase == "ended":
                    break
            return
        if not as_json:
            typer.echo("Type what the patient says; an empty line or Ctrl-D ends the call.", err=True)
        while call.state.phase != "ended":
            try:
                text = input("patient> " if not as_json else "")
            except EOFError:
                break
            if not text.strip():
                break
            show(await call.say(text))

    asyncio.run(run())
    call.end("the script's last line was answered" if lines is not None else "the chat was closed")
    if call.call_id and not as_json:
        _err(f"call stored as {call.call_id}")


# ---------------------------------------------------------------- voice
@app.command("transcribe")
def transcribe_cmd(
    audio: Annotated[Path, typer.Argument(help="WAV, MP3, WebM, OGG or FLAC file.")],
    care_plan: Annotated[Path | None, typer.Option("--care-plan", help="Bias recognition to this plan's drugs and people.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help='{"text", "language", "duration_s", "rtf", "words"} on stdout.')] = False,
    model: Annotated[str | None, typer.Option(help="faster-whisper model directory or size (default: bundled tiny.en).")] = None,
) -> None:
    """Speech to text with the bundled offline model."""
    import json

    from careplans import load_care_plan
    from constellation.voice import WhisperSTT, care_plan_prompt, load_audio

    plan = load_care_plan(care_plan) if care_plan else None
    decoded = load_audio(audio)
    stt = WhisperSTT(model)
    try:
        stt.warm_up()
    except Exception as exc:  # noqa: BLE001 - a missing or broken model is not the user's audio
        raise InternalError(f"the speech model {stt.model_name} could not be loaded: {exc}") from exc
    transcript = stt.transcribe(decoded, prompt=care_plan_prompt(plan) if plan else None)
    if as_json:
        typer.echo(json.dumps(transcript.to_contract()))
    else:
        typer.echo(transcript.text)
        _err(f"{transcript.duration_s:.1f} s of audio in {transcript.seconds:.2f} s (real-time factor "
             f"{transcript.rtf:.3f})" + ("" if transcript.text else "; no speech was heard"))


@app.command("speak")
def speak_cmd(
    text: Annotated[str, typer.Argument(help="What to say.")],
    out: Annotated[Path, typer.Option("--out", help="WAV file to write.")],
    rate: Annotated[int | None, typer.Option(help="Words per minute (default 165).")] = None,
    voice: Annotated[str | None, typer.Option(help="espeak-ng voice, e.g. en-us.")] = None,
) -> None:
    """Text to speech, offline (espeak-ng); doses and numbers are read the way a nurse says them."""
    from constellation.voice import VoiceSettings, synthesize
    from constellation.voice.tts import TTSError, UnknownVoice

    if not text.strip():
        raise UserError("nothing to say: TEXT is empty")
    if out.suffix.lower() != ".wav":
        raise UserError(f"--out {out}: the output is WAV; name it something.wav")
    base = VoiceSettings.from_env()
    settings = VoiceSettings(rate=rate or base.rate, voice=voice or base.voice)
    try:
        speech = synthesize(text, settings)
    except UnknownVoice as exc:
        raise UserError(str(exc)) from exc
    except TTSError as exc:
        raise InternalError(str(exc)) from exc
    _write_atomically(out, speech.wav)
    _err(f"wrote {out} ({len(speech.wav) // 1024} KiB): {speech.text!r}")


# ---------------------------------------------------------------- escalations
escalations_app = typer.Typer(help="Escalations raised on calls, with the nurse's handoff brief.", no_args_is_help=True)
app.add_typer(escalations_app, name="escalations")


@escalations_app.command("list")
def escalations_list(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(help="open, acknowledged or resolved (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per escalation.")] = False,
) -> None:
    """List escalations, most urgent and newest first."""
    import json

    from constellation.storage import open_database, repository
    from constellation.storage.database import default_db_url

    if status is not None and status not in {"open", "acknowledged", "resolved"}:
        raise UserError(f"--status {status}: use open, acknowledged or resolved")
    database = open_database(db or default_db_url())
    rank = {"emergency": 0, "urgent": 1, "routine": 2}
    with database.transaction() as s:
        rows = repository.list_escalations(s, status)
        items = [{"id": e.id, "call": e.session_id, "level": e.level, "status": e.status, "reason": e.reason,
                  "created_at": e.created_at.isoformat(), "brief": e.brief} for e in rows]
    items.sort(key=lambda e: e["created_at"], reverse=True)  # newest first within a level (sort is stable)
    items.sort(key=lambda e: rank.get(e["level"], 9))
    if as_json:
        for item in items:
            typer.echo(json.dumps(item))
        return
    if not items:
        typer.echo("no escalations")
    for e in items:
        who = (e["brief"] or {}).get("patient", {}).get("name", "?")
        typer.echo(f"#{e['id']} {e['level'].upper():9s} {e['status']:12s} {e['created_at'][:16]}  {who}: {e['reason']}")


# ---------------------------------------------------------------- replay
@app.command("replay")
def replay_cmd(
    out: Annotated[Path, typer.Option("--out", help="Report file to write (JSON).")],
    cases: Annotated[Path | None, typer.Option(
        "--cases", help="Cases (CONTRACT.md §3) and/or whole transcripts, JSON Lines.")] = None,
    transcripts: Annotated[Path | None, typer.Option("--transcripts", help="Transcripts, JSON Lines (one call per line).")] = None,
    calls: Annotated[str | None, typer.Option(
        "--calls", help="Replay calls stored in the database: 'all' or comma-separated call ids.")] = None,
    config: Annotated[list[Path] | None, typer.Option(
        "--config", help="Engine configuration (YAML); repeat to compare several.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes (deterministic engine).")] = 1,
    ray: Annotated[str | None, typer.Option("--ray", help="Run on a Ray cluster at this address (host:port or 'auto').")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Also write the comparison as Markdown.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write a self-contained HTML report with charts.")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Discard stored results of the same run and judge every case again.")] = False,
    db: DbOption = None,
) -> None:
    """Run cases through the specialists (or several engine configurations) and write the report.

    Results are stored case by case in the database: the same command after an interruption resumes where it
    stopped, and the dashboard (constellation ui) shows the run."""
    import json

    from constellation.storage import open_database
    from constellation.storage.database import default_db_url
    from evaluation.replay import latency_summary
    from evaluation.replay_config import load_configs
    from evaluation.replay_report import render_html, render_markdown
    from evaluation.replay_runner import Interrupted, run_configs
    from evaluation.replay_sources import from_cases_file, from_stored_calls
    from evaluation.replay_store import ReplayStore

    given = [n for n, v in (("--cases", cases), ("--transcripts", transcripts), ("--calls", calls)) if v is not None]
    if len(given) != 1:
        raise UserError("give exactly one of --cases FILE, --transcripts FILE or --calls all|ID,..."
                        + (f" (got {' and '.join(given)})" if given else ""))
    for path, flag in ((out, "--out"), (markdown, "--markdown"), (html, "--html")):
        if path is not None and path.is_dir():
            raise UserError(f"{flag} {path}: is a directory")
    configs = load_configs(list(config or []))
    database = open_database(db or default_db_url())
    if calls is not None:
        ids = None if calls.strip().lower() == "all" else [c.strip() for c in calls.split(",") if c.strip()]
        source = from_stored_calls(database, ids)
    else:
        source = from_cases_file(cases or transcripts)  # type: ignore[arg-type]
    if workers > 1 and any(c.engine != "deterministic" for c in configs) and not ray:
        _err("note: model engines run in one process with bounded concurrency (the configuration's "
             "`concurrency`); --workers applies to deterministic configurations")
    bar = _progress(len(source.cases) * max(1, len(configs)), "replay")
    try:
        report = run_configs(source, configs if config else [], store=ReplayStore(database), workers=workers,
                             ray_address=ray, progress=bar, notice=_err, fresh=fresh)
    except Interrupted as exc:
        bar(0, done=True)
        _fail(130, f"interrupted: {exc}. Every judged case is stored; run the same command again to resume.")
    bar(0, done=True)
    _write_atomically(out, json.dumps(report, indent=1) + "\n")
    if markdown:
        _write_atomically(markdown, render_markdown(report, source))
    if html:
        _write_atomically(html, render_html(report, source))
    for err in report.get("errors", []):
        _err(f"line {err['line']}: {err['error']}")
    for c in report["cases"]:  # a case that cannot be judged fails the same way in every configuration
        if "error" in c:
            _err(f"case {c['id']}: {c['error']}")
    for run in report.get("runs", [report]):
        failed = [c for c in run["cases"] if "error" in c]
        summary = f"{run['engine'].get('config', 'deterministic')}: {len(run['cases'])} cases ({len(failed)} errors)"
        if "micro" in run:
            m = run["micro"]
            summary += f"; micro P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}"
        lat = latency_summary(run)
        if lat:
            summary += f"; latency p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms"
        if run.get("model_failures"):
            summary += f"; {run['model_failures']} failed model calls"
        typer.echo(summary)
    for name, cmp in report.get("comparison", {}).get("configs", {}).items():
        typer.echo(f"{name}: call-level clean rate {cmp['call_clean_rate']}, {len(cmp['wrong_cases'])} cases wrong")
    typer.echo(f"-> {out}" + "".join(f", {p}" for p in (markdown, html) if p))


def _progress(total: int, label: str):  # noqa: ANN202 - a small closure
    """A one-line progress bar on stderr (redrawn in place on a terminal, every 10% otherwise)."""
    state = {"done": 0, "shown": -1}
    tty = sys.stderr.isatty()

    def step(n: int, done: bool = False) -> None:
        state["done"] += n
        pct = 100 * state["done"] // max(total, 1)
        if done or (tty and pct != state["shown"]) or (not tty and pct // 10 != state["shown"] // 10):
            state["shown"] = pct
            filled = pct // 5
            line = f"{label} [{'#' * filled}{'.' * (20 - filled)}] {state['done']}/{total}"
            sys.stderr.write(("\r" + line) if tty else line + "\n")
            if done and tty:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return step


# ---------------------------------------------------------------- benchmarks
bench_app = typer.Typer(help="Benchmarks that print their figures.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("specialists")
def bench_specialists_cmd(
    cases: Annotated[Path, typer.Option("--cases", help="Cases file (JSON Lines, CONTRACT.md §3).")],
    repeat: Annotated[int, typer.Option(min=1, help="Passes over the cases after a warm-up pass.")] = 5,
) -> None:
    """Deterministic specialists on one core: p95 latency per turn and replay throughput."""
    import json

    from evaluation.bench import bench_specialists

    result = bench_specialists(cases, repeat)
    lat = result["latency_ms"]
    typer.echo(f"specialists, deterministic, {result['cases']} cases x {result['repeat']} ({result['cpu']}): "
               f"latency per turn mean {lat['mean']:.2f} ms, p50 {lat['p50']:.2f} ms, p95 {lat['p95']:.2f} ms, "
               f"max {lat['max']:.2f} ms; throughput {result['throughput_cases_per_s']:.0f} cases/s")
    typer.echo(json.dumps(result))


@bench_app.command("crisis")
def bench_crisis_cmd(
    cases: Annotated[list[Path] | None, typer.Option(
        "--cases", help="Labelled crisis cases (CONTRACT.md §3 plus 'category'); repeat for several files.")] = None,
    calls: Annotated[list[Path] | None, typer.Option("--calls", help="A folder of scripted calls; repeatable.")] = None,
    ordinary: Annotated[list[Path] | None, typer.Option(
        "--ordinary", help="Ordinary check-in talk (cases of category 'control_ordinary'): turns the crisis "
        "specialist raises; repeatable.")] = None,
    show_wrong: Annotated[bool, typer.Option(
        "--show-wrong", help="List the cases and checks that failed (leave off for a held-out split).")] = False,
) -> None:
    """Suicidal, self-harm and overdose language: emergency recall, passive-ideation recall, controls raised."""
    import json

    from evaluation.conversation_bench import score_calls
    from evaluation.crisis_bench import score_cases, score_ordinary

    if not cases and not calls and not ordinary:
        raise UserError("give --cases FILE, --calls FOLDER and/or --ordinary FILE")
    for path in cases or []:
        if not path.is_file():
            raise UserError(f"--cases {path}: file not found")
        r = score_cases(path)
        typer.echo(f"{path}: {r['cases']} cases; emergency recall {r['emergency'][0]}/{r['emergency'][1]}; "
                   f"passive recall {r['passive'][0]}/{r['passive'][1]}; controls raised to urgent or above "
                   f"{r['controls'][0]}/{r['controls'][1]}")
        typer.echo("  " + ", ".join(f"{k} {v['right']}/{v['cases']}" for k, v in r["per_category"].items()))
        if show_wrong:
            for w in r["wrong"]:
                typer.echo(f"  wrong {w['id']} [{w['category']}] expected {w['expected']}, found {w['found']}: {w['text']}")
        r.pop("wrong")
        typer.echo(json.dumps(r))
    for path in ordinary or []:
        if not path.is_file():
            raise UserError(f"--ordinary {path}: file not found")
        o = score_ordinary(path)
        typer.echo(f"{path}: {o['cases']} turns of ordinary talk; raised by the crisis specialist to urgent or above "
                   f"{o['raised'][0]}/{o['cases']}, of them to emergency {o['emergency'][0]}")
        if show_wrong:
            for w in o["wrong"]:
                typer.echo(f"  raised {w['id']} to {w['found']}: {w['text']}")
        o.pop("wrong")
        typer.echo(json.dumps(o))
    for folder in calls or []:
        if not folder.is_dir():
            raise UserError(f"--calls {folder}: not a folder")
        c = score_calls(folder)
        typer.echo(f"{folder}: {len(c['calls'])} calls; {c['held']}/{c['checks']} rubric checks hold")
        for call in c["calls"]:
            typer.echo(f"  {call['id']}: {call['held']}/{call['checks']}")
            if show_wrong:
                for failure in call["failures"]:
                    typer.echo(f"    [{failure['type']}] " + "; ".join(failure["why"]))


@bench_app.command("conversations")
def bench_conversations_cmd(
    calls: Annotated[list[Path], typer.Option("--calls", help="A folder of scripted calls with rubric checks; repeatable.")],
    today: Annotated[str, typer.Option("--today", metavar="YYYY-MM-DD", help="The calls' date.")] = "2026-11-27",
    show_wrong: Annotated[bool, typer.Option(
        "--show-wrong", help="List the checks that failed with the call's transcript (leave off for a held-out split).")] = False,
) -> None:
    """Scripted calls scored by their rubric checks, per call, per category and per check type."""
    import datetime as dt

    from evaluation.conversation_bench import score_calls, summary

    try:
        call_date = dt.date.fromisoformat(today)
    except ValueError:
        raise UserError(f"--today {today!r}: not a date in the form YYYY-MM-DD") from None
    for folder in calls:
        result = score_calls(folder, call_date)
        typer.echo(f"{folder}: {len(result['calls'])} calls; {result['held']}/{result['checks']} rubric checks hold "
                   f"({result['rate']:.1%})")
        for name, key in (("category", "per_category"), ("check type", "per_type")):
            typer.echo(f"  per {name}: " + ", ".join(f"{k} {v['held']}/{v['checks']}" for k, v in result[key].items()))
        for call in result["calls"]:
            typer.echo(f"  {call['id']}: {call['held']}/{call['checks']}")
            if show_wrong and call["failures"]:
                for failure in call["failures"]:
                    typer.echo(f"    [{failure['category']}, {failure['type']}] " + "; ".join(failure["why"]))
                for t in call["transcript"]:
                    typer.echo(f"      {t['turn']} P: {t['patient']}\n        A: {t['agent']} [{t['escalation']}]")
        typer.echo(summary(result))


@bench_app.command("replay")
def bench_replay_cmd(
    cases: Annotated[Path, typer.Option("--cases", help="Cases file (JSON Lines, CONTRACT.md §3).")],
    workers: Annotated[str, typer.Option(help="Worker-process counts to compare, comma-separated.")] = "1,2",
    passes: Annotated[int, typer.Option(min=1, help="Passes over the cases per worker count (each starts cold).")] = 10,
) -> None:
    """Deterministic replay throughput with 1, 2, ... worker processes (cases/s) and the speed-up."""
    import json

    from evaluation.bench import bench_replay_scaling

    try:
        counts = tuple(sorted({int(w) for w in workers.split(",") if w.strip()}))
    except ValueError:
        raise UserError(f"--workers {workers}: give whole numbers, e.g. 1,2") from None
    if not counts or min(counts) < 1:
        raise UserError("--workers: give at least one count of 1 or more")
    result = bench_replay_scaling(cases, counts, passes)
    for n, run in result["runs"].items():
        typer.echo(f"replay, deterministic, {n} worker process(es): {result['cases']} cases x {passes} passes in "
                   f"{run['seconds']:.2f} s = {run['cases_per_s']:.0f} cases/s"
                   + (f" ({result['speedup'][n]:.2f}x one process)" if "speedup" in result else ""))
    typer.echo(json.dumps(result))


@bench_app.command("turns")
def bench_turns_cmd(
    care_plan: Annotated[Path | None, typer.Option("--care-plan", help="Care plan (default: the anticoagulation example).")] = None,
    calls: Annotated[int, typer.Option(min=1, help="Scripted calls of 8 turns each, after one warm-up call.")] = 10,
) -> None:
    """Per-turn overhead (scripted primary + deterministic specialists) and specialist-stage parallelism."""
    import json

    import careplans
    from evaluation.bench import bench_parallelism, bench_turns

    plan = care_plan or Path(careplans.__file__).with_name("examples") / "anticoagulation_warfarin.yaml"
    turns = bench_turns(plan, calls)
    t = turns["total_ms"]
    typer.echo(f"per-turn overhead over {turns['turns']} turns: mean {t['mean']:.1f} ms, p50 {t['p50']:.1f} ms, "
               f"p95 {t['p95']:.1f} ms, max {t['max']:.1f} ms; stage p95 {turns['stage_p95_ms']}")
    par = bench_parallelism()
    typer.echo(f"parallel specialist stage: 1 specialist {par['one_specialist_s']:.3f} s, 5 specialists "
               f"{par['5_specialists_s']:.3f} s, ratio {par['ratio']:.2f} (each with 200 ms model latency)")
    typer.echo(json.dumps({"turns": turns, "parallelism": par}))


VOICE_BENCH_LINES = [  # about five seconds each when spoken by espeak-ng at 165 words per minute
    "Hello, this is Walter Brooks calling back about my heart medicines today.",
    "My name is Walter Brooks and I was born March fourteenth, nineteen fifty three.",
    "I weighed one hundred ninety seven pounds this morning, same as last week.",
    "I take the furosemide and carvedilol every day and I have not missed any.",
    "My sugars have been between one twenty and one fifty most mornings this week.",
]


@bench_app.command("voice")
def bench_voice_cmd(
    repeat: Annotated[int, typer.Option(min=1, help="Passes over the five utterances (after a warm-up).")] = 3,
) -> None:
    """STT real-time factor, round-trip WER and drug recall with and without care-plan biasing, and audio in ->
    audio out latency per stage (scripted primary) on this machine."""
    import json

    import careplans
    from evaluation.voice_bench import bench_voice_turns, read_items, roundtrip

    items = read_items(Path(__file__).resolve().parents[1] / "tests" / "data" / "voice" / "roundtrip.yaml")
    rt = roundtrip(items)
    for mode in ("unbiased", "biased"):
        r = rt[mode]
        typer.echo(f"round trip {mode:>8}: WER {r['wer']:.3f}, drug recall {r['drug_recall']:.3f} ({r['drugs']}), "
                   f"RTF {r['rtf']:.3f} over {rt['sentences']} sentences")
    plan = Path(careplans.__file__).with_name("examples") / "heart_failure_ckd_diabetes.yaml"
    turns = bench_voice_turns(plan, VOICE_BENCH_LINES, repeat)
    med = turns["median_ms"]
    rtf = med["stt"] / 1000 / turns["audio_s_mean"]
    typer.echo(f"audio in -> audio out over {turns['turns']} turns of {turns['audio_s_mean']:.1f} s: median "
               f"{med['total']:.0f} ms (p95 {turns['p95_ms_total']:.0f} ms); stage medians: "
               + ", ".join(f"{k} {v:.0f} ms" for k, v in med.items() if k != "total")
               + f"; STT real-time factor {rtf:.3f}")
    typer.echo(json.dumps({"roundtrip": {k: v for k, v in rt.items() if k != "transcripts"}, "turns": turns,
                           "stt_rtf_turns": round(rtf, 4)}))


# ---------------------------------------------------------------- ratings
ratings_app = typer.Typer(help="Ratings of calls by clinicians: agreement statistics.", no_args_is_help=True)
app.add_typer(ratings_app, name="ratings")


@ratings_app.command("add-user")
def ratings_add_user_cmd(
    username: Annotated[str, typer.Argument(help="Login name (stored lower-case).")],
    admin: Annotated[bool, typer.Option("--admin", help="A portal administrator instead of a rater.")] = False,
    clinical_role: Annotated[str | None, typer.Option(help="RN, LPN, NP, PA, MD, DO, PharmD or other.")] = None,
    specialty: Annotated[str | None, typer.Option()] = None,
    years_experience: Annotated[float | None, typer.Option(min=0)] = None,
    db: DbOption = None,
) -> None:
    """Create a portal account (the first admin, typically). The password is read from
    CONSTELLATION_NEW_PASSWORD or asked for without echo; it is stored only as an Argon2id hash."""
    from constellation.storage import open_database
    from constellation.storage.database import default_db_url
    from evaluation.accounts import create_account

    password = os.environ.get("CONSTELLATION_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise UserError("set CONSTELLATION_NEW_PASSWORD or run in a terminal to type the password")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    database = open_database(db or default_db_url())
    with database.transaction() as s:
        user = create_account(s, username, password, role="admin" if admin else "rater", clinical_role=clinical_role,
                              specialty=specialty, years_experience=years_experience)
        _err(f"created {user.role} {user.username}")


@ratings_app.command("agreement")
def ratings_agreement_cmd(
    ratings: Annotated[Path, typer.Option("--ratings", help="Ratings CSV (CONTRACT.md §5).")],
    out: Annotated[Path, typer.Option("--out", help="JSON report to write.")],
    group_by: Annotated[str | None, typer.Option("--group-by", help="Rater attribute column, e.g. role.")] = None,
    permutations: Annotated[int, typer.Option(min=0, help="Permutations for the GAI p-value.")] = 500,
    bootstrap: Annotated[int, typer.Option(min=0, help="Bootstrap resamples of items for the 95% intervals.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (the report is reproducible).")] = 0,
) -> None:
    """Krippendorff's alpha (nominal, ordinal, interval), Gwet's AC1 and, with --group-by, IRR, XRR, GAI,
    negentropy and plurality per rater group, for every question."""
    import json

    from evaluation.agreement import agreement_report
    from evaluation.ratings_csv import read_ratings

    data = read_ratings(ratings)
    groups = data.groups(group_by) if group_by else None
    report = agreement_report(data.questions, groups=groups, permutations=permutations, n_boot=bootstrap, seed=seed)
    _write_atomically(out, json.dumps(report, indent=1) + "\n")
    _err(f"{len(data.questions)} question(s), {len(data.items)} items, {len(data.raters)} raters"
         + (f", {len(groups)} groups by {group_by}" if groups else "") + f": wrote {out}")


@bench_app.command("agreement")
def bench_agreement_cmd(
    items: Annotated[int, typer.Option(min=2)] = 2000,
    raters: Annotated[int, typer.Option(min=2)] = 100,
    questions: Annotated[int, typer.Option(min=1)] = 5,
    missing: Annotated[float, typer.Option(min=0.0, max=0.95)] = 0.3,
) -> None:
    """Time `ratings agreement` end to end (CSV read, statistics, permutations, JSON) on synthetic ratings."""
    import tempfile
    import time

    from evaluation.agreement_bench import write_synthetic_ratings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ratings.csv"
        rows = write_synthetic_ratings(path, items=items, raters=raters, questions=questions, missing=missing)
        t0 = time.perf_counter()
        ratings_agreement_cmd(ratings=path, out=Path(tmp) / "report.json", group_by="role", permutations=500,
                              bootstrap=1000, seed=0)
        seconds = time.perf_counter() - t0
    typer.echo(f"ratings agreement on {items} items x {raters} raters x {questions} questions, {missing:.0%} missing "
               f"({rows} rows), grouped by role with 500 permutations and 1000 bootstrap resamples: {seconds:.2f} s")


# ---------------------------------------------------------------- app
@app.command("ui")
def ui(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8501,
    db: DbOption = None,
) -> None:
    """Start the Streamlit app (voice demo, evaluation portal, replay dashboard) on 127.0.0.1."""
    import ui as ui_package

    script = Path(ui_package.__file__).with_name("app.py")
    env = dict(os.environ)
    if db:
        env["CONSTELLATION_DB"] = db
    args = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    typer.echo(f"Constellation UI on http://127.0.0.1:{port}", err=True)
    os.execvpe(args[0], args, env)


# ---------------------------------------------------------------- entry point
def _fail(code: int, message: str) -> NoReturn:
    _err(message)
    if os.environ.get("CONSTELLATION_DEBUG") == "1":
        traceback.print_exc()
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps exceptions to the contract's exit codes."""
    from careplans.loader import CarePlanError

    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        os.environ["CONSTELLATION_DEBUG"] = "1"
        args = ["--debug"] + [a for a in args if a != "--debug"]
    try:
        result = app(args=args, prog_name="constellation", standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        _fail(1, "aborted")
    except typer.TyperException as exc:  # usage errors (typer's click): exit 2 like bad input
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            _err(f"error: {exc}")
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    except (CarePlanError, UserError) as exc:
        _fail(2, f"error: {exc}")
    except InternalError as exc:
        _fail(1, f"error: {exc}")
    except KeyboardInterrupt:
        _fail(130, "interrupted")
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a clear message, exit 1
        from constellation.storage.database import StorageError

        if isinstance(exc, StorageError):
            _fail(2 if exc.bad_input else 1, f"error: {exc}")
        _fail(1, f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    raise SystemExit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
