"""Generated scenarios with non-finite, huge and degenerate values: refused with a located message, never a verdict."""

from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from pathlib import Path

import typer
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cli.app import app as typer_app

_SPEC = importlib.util.spec_from_file_location(
    "make_bad_inputs", Path(__file__).resolve().parents[2] / "scripts" / "make_bad_inputs.py"
)
corpus = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(corpus)

APP = typer.main.get_command(typer_app)
LOCATED = re.compile(r"\((?:[^()]*), line \d+\)")


def _huge(digits: int) -> str:
    return "9" * digits


BAD_YAML = st.one_of(
    st.sampled_from([".nan", ".NaN", ".inf", "-.inf", "+.inf", "1e400", "-1.0e+309"]),
    st.integers(310, 6000).map(_huge),
    st.integers(310, 6000).map(lambda d: "-" + _huge(d)),
)
BAD_JSON = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-2E+308"]),
    st.integers(310, 6000).map(_huge),
)


def _zero(field: str):  # noqa: ANN202
    def apply(data: dict) -> dict:
        for item in data["actors" if field == "capability" else "stances"]:
            item[field] = 0
        return data

    return apply


def _off_scale(op: str, value: float):  # noqa: ANN202
    def apply(data: dict) -> dict:
        data["levers"][0]["edits"][0] = {"field": "position", "actor": "alpha", "issue": "port", op: value}
        return data

    return apply


DEGENERATE = st.sampled_from([
    lambda d: {**d, "stances": [], "timeline": [], "types": []},
    _zero("capability"),
    _zero("salience"),
    lambda d: {**d, "issues": [*d["issues"], {"id": "orphan", "name": "Orphan"}]},
    _off_scale("set", 1000),
    _off_scale("add", -500),
    _off_scale("multiply", 50),
])


@st.composite
def bad_documents(draw):  # noqa: ANN001, ANN201
    """A (file name, text) pair: the good scenario with one non-finite, huge or degenerate value."""
    kind = draw(st.sampled_from(["yaml-number", "json-number", "degenerate"]))
    if kind == "degenerate":
        data = draw(DEGENERATE)(json.loads(json.dumps(corpus.GOOD)))
        fmt = draw(st.sampled_from(["yaml", "json"]))
        return f"case.{fmt}", corpus.to_yaml(data) if fmt == "yaml" else json.dumps(data, indent=1)
    path = draw(st.sampled_from(sorted(corpus.NUMERIC_FIELDS.values())))
    data = corpus.deep(corpus.GOOD, path, "@@X@@")
    if kind == "yaml-number":
        return "case.yaml", corpus.to_yaml(data, {"@@X@@": draw(BAD_YAML)})
    return "case.json", json.dumps(data, indent=1).replace('"@@X@@"', draw(BAD_JSON))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=bad_documents(), command=st.sampled_from([["validate"], ["run"], ["agree"], ["mc", "--draws", "20"]]))
def test_bad_values_are_refused_with_a_location(doc, command):
    name, text = doc
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(APP, [*command, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output[:1000]
    assert "Traceback" not in result.output
    assert not result.stdout.strip(), result.stdout[:500]
    assert LOCATED.search(result.stderr), result.stderr[:1000]
