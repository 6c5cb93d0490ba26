"""No input makes the loader raise anything but accord's own error type."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import AccordError
from accord.scenario.io import FORMATS, convert, load_scenario, scenario_from_data, scenario_from_text

FIELD_NAMES = ["id", "title", "actors", "issues", "stances", "sources", "actor", "issue", "position",
               "salience", "capability", "scale", "min", "max", "anchors", "veto", "evidence", "quote",
               "source", "text", "assumption", "status_quo", "levers", "edits", "field", "set", "types",
               "prior", "timeline", "date", "expects", "no_deal_cost", "schema_version", "kind", "name"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["a", "b", "x", "2025-01-01", "state", "position"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=5), st.integers()),
                        children, max_size=6),
    ),
    max_leaves=40,
)


def _loads_or_accord_error(call):
    try:
        call()
    except AccordError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_document_structure(data):
    _loads_or_accord_error(lambda: scenario_from_data(data))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "“”‘’—éß\t", max_size=400))
def test_any_yaml_text(text):
    _loads_or_accord_error(lambda: scenario_from_text(text, file="fuzz.yaml"))
    _loads_or_accord_error(lambda: scenario_from_text(text, file="fuzz.json", fmt="json"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable + "'#\t", max_size=300), st.sampled_from(FORMATS))
def test_any_import_text(text, fmt):
    _loads_or_accord_error(lambda: convert(text, fmt, name="fuzz"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["s.yaml", "s.json", "s.csv", "s.txt", "s"]))
def test_any_bytes_in_a_file(tmp_path, raw, name):
    path = tmp_path / name
    path.write_bytes(raw)
    _loads_or_accord_error(lambda: load_scenario(path))


KEYS = st.sampled_from(["id: a", "title: t", "actors:", "issues:", "stances:", "- id: x", "  name: y",
                        "  capability: [1, 2]", "  position: 5", "  salience: 2", "- actor: x",
                        "  issue: i", "  scale: {min: 5, max: 1}", "  veto: [q]", "&a [1]", "*a", "!!python/none"])


@settings(max_examples=300, deadline=None)
@given(st.lists(KEYS, max_size=25))
def test_yaml_like_lines(lines):
    _loads_or_accord_error(lambda: scenario_from_text("\n".join(lines), file="lines.yaml"))
