"""Every file in ``tests/data/bad/`` is refused by every command: exit 1, a located message, no traceback, no verdict.

The commands run in this process (typer's test runner) to keep the test fast; time and
memory per file are measured by ``benchmarks/bench_bad_inputs.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from click.testing import CliRunner

from accord.cli.app import app as typer_app

app = typer.main.get_command(typer_app)

BAD = Path(__file__).parent / "data" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.name != "README.md")
COMMANDS = {
    "validate": ["validate"],
    "run": ["run"],
    "agree": ["agree"],
    "mc": ["mc", "--draws", "50"],
    "import": ["import"],
}
# A location: a line number, or a path into the document such as ``stances[0].position``.
LOCATED = re.compile(r"line \d+|\b(?:actors|issues|stances|sources|levers|timeline|types)(?:\[\d+\])?\b"
                     r"|\b(?:as_of|id|title|hold_probability|schema_version|distribution)\b:")
VERDICT = re.compile(r"is attainable|not attainable|— forecasts|draws, seed|: valid —|^wrote ", re.I | re.M)


def test_the_corpus_is_large_enough():
    assert len(FILES) >= 150


def check_refused(args: list[str], path: Path) -> str:
    result = CliRunner().invoke(app, [*args, str(path)], catch_exceptions=True)
    out, err = result.stdout, result.stderr
    where = f"accord {' '.join(args)} {path.name}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where} raised {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code == 1, f"{where} exited {result.exit_code}\nstdout: {out[:500]}\nstderr: {err[:500]}"
    assert "Traceback" not in out + err, f"{where} printed a traceback:\n{err[-2000:]}"
    assert not out.strip() and not VERDICT.search(err), f"{where} gave output:\n{out[:500]}"
    assert path.name in err, f"{where} does not name the file:\n{err[:500]}"
    return err


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_command_refuses_with_a_located_message(path: Path):
    for name, args in COMMANDS.items():
        err = check_refused(args, path)
        if name != "import" or path.suffix == ".csv":
            assert LOCATED.search(err.replace(str(path), "")), f"accord {name} {path.name}: no location in\n{err}"


def test_capability_written_6e1_is_a_number(tmp_path: Path):
    from accord.scenario.io import scenario_from_text

    text = (BAD / "num-capability-quoted-6e1.yaml").read_text(encoding="utf-8").replace('"6e1"', "6e1")
    assert scenario_from_text(text).actor("alpha").capability.mid == 60.0


def test_capability_given_as_text_is_one_problem_not_three():
    from accord.errors import ScenarioError
    from accord.scenario.io import load_scenario

    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / "num-capability-quoted-6e1.yaml")
    assert [p.path for p in info.value.problems] == ["actors[0].capability"]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    err = check_refused(["validate"], path)
    assert "21.0 MiB, larger than the 20 MiB limit; set ACCORD_MAX_FILE_MIB to raise it" in err


def test_limits_name_the_variable_that_raises_them(monkeypatch):
    err = check_refused(["validate"], BAD / "limit-actors.json")
    assert "2,001 actors, more than the limit of 2,000; set ACCORD_MAX_ACTORS to raise it" in err
    monkeypatch.setenv("ACCORD_MAX_ACTORS", "5000")
    result = CliRunner().invoke(app, ["validate", str(BAD / "limit-actors.json")])
    assert "limit" not in result.stderr and "unknown" not in result.stderr


def test_ktab_header_announcing_millions_of_dimensions_fails_fast():
    err = check_refused(["validate"], BAD / "limit-ktab-dimensions.csv")
    assert "line 1 announces 99,999,999 issues, more than the limit of 1,000" in err


def test_mc_refuses_more_work_than_the_limit(tmp_path: Path):
    import json

    actors = [{"id": f"a{k}", "name": f"A{k}", "capability": 1} for k in range(1000)]
    issues = [{"id": f"i{k}", "name": f"I{k}"} for k in range(50)]
    stances = [{"actor": "a0", "issue": i["id"], "position": 1, "salience": 0.5, "assumption": "s"} for i in issues]
    path = tmp_path / "wide.json"
    path.write_text(json.dumps({"id": "w", "title": "W", "actors": actors, "issues": issues, "stances": stances}))
    result = CliRunner().invoke(app, ["mc", str(path), "--draws", "20000"])
    assert result.exit_code == 1
    assert "more than the limit of 500,000,000; set ACCORD_MAX_DRAW_CELLS to raise it" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Actor,Capability,Position,Salience\nA,1,10,50\nB,1,20,0.9\n", "line 3: salience 0.9 reads as a 0–1 value"),
        ("Case,D,1,1\nActor,Description,Power,P,S\nA,A,1,50,500\n", "line 3: salience must be between 0 and 100, "
                                                                     "got 500"),
        ("#A;a;A\n#P;x;X\n#M;y;0;none\n#D;a;x;20;0.8;10\n", "line 3: #M row for unknown issue 'y'"),
        ("#A;a;A\n#A;b;B\n#P;x;X\n#D;a;x;20;5;10\n#D;b;x;20;0.5;10\n", "line 4"),
    ],
)
def test_importer_problems_carry_their_line(text: str, message: str):
    from accord.errors import ImportFormatError
    from accord.scenario.io import convert, detect_format

    with pytest.raises(ImportFormatError) as info:
        convert(text, detect_format(text) or "bdm", name="case")
    assert message in str(info.value)


def test_bdm_salience_scale_is_stated():
    from accord.scenario.io import convert

    sc = convert("Actor,Capability,Position,Salience\nA,1,10,80\nB,2,90,40\n", "bdm", name="x")
    assert sc.description == "Saliences read on a 0–100 scale and divided by 100."
    sc = convert("Actor,Capability,Position,Salience\nA,1,10,0.8\nB,2,90,1\n", "bdm", name="x")
    assert sc.description == "Saliences read on a 0–1 scale."


def test_names_are_made_safe_for_the_terminal(tmp_path: Path):
    path = tmp_path / "esc.yaml"
    path.write_text('id: t\ntitle: "T \\e[2J [bold]x"\nactors:\n  - {id: a, name: "A\\e]0;owned\\a\\u202e", '
                    'capability: 1}\nissues:\n  - {id: x, name: X}\nstances:\n'
                    '  - {actor: a, issue: x, position: 1, salience: 0.5, assumption: s}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b]0;owned\\x07\\u202e" in result.stdout and "[bold]x" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--seed", "-1"], "--seed"),
        (["run", "--save", "--seed", "9" * 26], "--seed"),
        (["mc", "--seed", str(2**63)], "--seed"),
        (["run", "--rounds", "99999999999"], "--rounds"),
        (["mc", "--workers", "100000"], "--workers"),
    ],
)
def test_arguments_out_of_range_are_usage_errors(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_runs_show_with_an_id_out_of_range(tmp_path: Path):
    result = CliRunner().invoke(app, ["runs", "show", "9" * 23, "--db", str(tmp_path / "h.db")])
    assert result.exit_code == 1 and "run ids are whole numbers from 1 to 2,147,483,647" in result.stderr


def test_a_run_that_cannot_be_stored_is_kept(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bdm = tmp_path / "case.csv"
    bdm.write_text("Actor,Capability,Position,Salience\nA,1,10,0.8\nB,2,90,0.4\n", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(bdm), "-m", "median", "--save", "--json", "--seed", str(2**63 - 1),
                                      "--db", str(blocker / "h.db")])
    assert result.exit_code == 1 and "the run was computed but could not be stored" in result.stderr
    kept = Path(result.stderr.rsplit("kept in ", 1)[1].strip())
    import json

    assert json.loads(kept.read_text())["run"] == json.loads(result.stdout)


def test_import_output_into_a_missing_folder_or_onto_a_folder(tmp_path: Path):
    bdm = tmp_path / "case.csv"
    bdm.write_text("Actor,Capability,Position,Salience\nA,1,10,0.8\nB,2,90,0.4\n", encoding="utf-8")
    target = tmp_path / "new" / "deeper" / "case.yaml"
    assert CliRunner().invoke(app, ["import", str(bdm), "-o", str(target)]).exit_code == 0
    assert target.exists()
    onto = CliRunner().invoke(app, ["import", str(bdm), "-o", str(tmp_path / "new")])
    assert onto.exit_code == 1 and "is a folder" in onto.stderr


@pytest.mark.parametrize("suffix", [".txt", ".html", ".md"])
def test_a_pdf_under_another_name_is_read_as_a_pdf(tmp_path: Path, data_dir: Path, suffix: str):
    from accord.evidence.extract import extract_file

    renamed = tmp_path / f"commission{suffix}"
    renamed.write_bytes((data_dir / "evidence" / "commission.pdf").read_bytes())
    extracted = extract_file(renamed)
    assert extracted.format == "pdf" and "%PDF" not in extracted.text


def test_a_source_file_is_never_left_half_written(tmp_path: Path, monkeypatch):
    import os

    from accord.evidence import sources_add

    target = tmp_path / "s.txt"

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", broken)
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        sources_add._write_new(target, "text " * 1000)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    sources_add._write_new(target, "text")
    assert target.read_text() == "text" and [p.name for p in tmp_path.iterdir()] == ["s.txt"]
    with pytest.raises(FileExistsError):
        sources_add._write_new(target, "other")
    assert target.read_text() == "text" and [p.name for p in tmp_path.iterdir()] == ["s.txt"]
