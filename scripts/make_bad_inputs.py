"""Write the corpus of bad inputs in ``tests/data/bad/``: every file must be refused with a located message.

    python scripts/make_bad_inputs.py

Each file is a small variation of one good scenario (or of a good BDM, Decide or
KTAB file) with a single defect: a non-finite or overflowing number, a broken date,
an unprintable id, a degenerate case (no stances, all-zero weights, an edit off the
scale), a size beyond a documented limit, or a malformed file. ``tests/test_bad_inputs.py``
runs every file through ``validate``, ``run``, ``agree``, ``mc`` and ``import``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"

GOOD = {
    "id": "toy",
    "title": "Toy negotiation",
    "as_of": "2025-03-01",
    "hold_probability": 0.9,
    "sources": [{"id": "memo", "title": "A memo", "date": "2025-02-28",
                 "text": "Alpha wants the port. Beta wants it shared."}],
    "actors": [
        {"id": "alpha", "name": "Alpha", "capability": 60, "no_deal_cost": 0.1,
         "no_deal_cost_path": [{"date": "2025-01-01", "value": 0.1}, {"date": "2025-06-01", "value": 0.2}]},
        {"id": "beta", "name": "Beta", "capability": 40},
        {"id": "gamma", "name": "Gamma", "capability": [10, 20]},
    ],
    "issues": [
        {"id": "port", "name": "The port", "status_quo": 50, "veto": ["alpha", "beta"],
         "hold_probability": 0.8, "scale": {"min": 0, "max": 100, "anchors": {0: "Beta", 100: "Alpha"}}},
        {"id": "toll", "name": "The toll", "status_quo": 20},
    ],
    "stances": [
        {"actor": "alpha", "issue": "port", "position": 90, "salience": 0.9, "expects": 60,
         "evidence": [{"source": "memo", "quote": "Alpha wants the port."}]},
        {"actor": "beta", "issue": "port", "position": 40, "salience": [0.5, 0.7], "assumption": "stated"},
        {"actor": "gamma", "issue": "port", "position": 50, "salience": 0.3, "assumption": "stated"},
        {"actor": "alpha", "issue": "toll", "position": 10, "salience": 0.4, "assumption": "stated"},
        {"actor": "beta", "issue": "toll", "position": 70, "salience": 0.6, "assumption": "stated"},
    ],
    "levers": [{"id": "sanctions", "name": "Sanctions",
                "edits": [{"field": "no_deal_cost", "actor": "beta", "add": 0.1}], "assumption": "stated"}],
    "timeline": [{"date": "2025-04-01", "label": "April",
                  "edits": [{"field": "position", "actor": "beta", "issue": "port", "set": 45}],
                  "assumption": "stated"}],
    "types": [
        {"actor": "beta", "id": "hard", "name": "Hard", "prior": 0.5,
         "stances": [{"issue": "port", "position": 20, "assumption": "stated"}]},
        {"actor": "beta", "id": "soft", "name": "Soft", "prior": 0.5},
    ],
}

NUMERIC_FIELDS: dict[str, tuple] = {
    "capability": ("actors", 0, "capability"),
    "no-deal-cost": ("actors", 0, "no_deal_cost"),
    "cost-path": ("actors", 0, "no_deal_cost_path", 0, "value"),
    "position": ("stances", 0, "position"),
    "salience": ("stances", 0, "salience"),
    "expects": ("stances", 0, "expects"),
    "status-quo": ("issues", 0, "status_quo"),
    "scale-min": ("issues", 0, "scale", "min"),
    "scale-max": ("issues", 0, "scale", "max"),
    "issue-hold": ("issues", 0, "hold_probability"),
    "deal-hold": ("hold_probability",),
    "prior": ("types", 0, "prior"),
    "lever-add": ("levers", 0, "edits", 0, "add"),
    "timeline-set": ("timeline", 0, "edits", 0, "set"),
    "type-position": ("types", 0, "stances", 0, "position"),
    "range-low": ("stances", 1, "salience", 0),
    "range-high": ("actors", 2, "capability", 1),
}

YAML_BAD_NUMBERS = {"nan": ".nan", "inf": ".inf", "neg-inf": "-.inf"}
HUGE_400 = "9" * 400
HUGE_5000 = "7" * 5000


def deep(data, path, value):  # noqa: ANN001, ANN201
    data = json.loads(json.dumps(data))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def to_yaml(data, raw: dict[str, str] | None = None) -> str:  # noqa: ANN001
    """YAML in flow style for nested values; ``raw`` maps placeholder strings to literal YAML scalars."""
    text = _emit(data, 0)
    for key, value in (raw or {}).items():
        text = text.replace(json.dumps(key), value)
    return text


def _emit(data, indent: int) -> str:  # noqa: ANN001
    pad = " " * indent
    if isinstance(data, dict):
        lines = []
        for k, v in data.items():
            key = json.dumps(k) if isinstance(k, str) else str(k)
            if isinstance(v, list) and v and isinstance(v[0], dict):
                lines.append(f"{pad}{key}:")
                for item in v:
                    lines.append(f"{pad}  - {json.dumps(item, ensure_ascii=False)}")
            else:
                lines.append(f"{pad}{key}: {json.dumps(v, ensure_ascii=False)}")
        return "\n".join(lines) + "\n"
    return json.dumps(data, ensure_ascii=False) + "\n"


def write(name: str, text: str | bytes) -> None:
    path = OUT / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="\n")


def numbers() -> None:
    for field, path in NUMERIC_FIELDS.items():
        for label, literal in YAML_BAD_NUMBERS.items():
            write(f"num-{field}-{label}.yaml", to_yaml(deep(GOOD, path, "@@X@@"), {"@@X@@": literal}))
        write(f"num-{field}-400-digits.yaml", to_yaml(deep(GOOD, path, "@@X@@"), {"@@X@@": HUGE_400}))
        write(f"num-{field}-nan.json", json.dumps(deep(GOOD, path, "@@X@@"), indent=1).replace('"@@X@@"', "NaN"))
    for field in ("capability", "position", "status-quo", "scale-max", "prior"):
        path = NUMERIC_FIELDS[field]
        write(f"num-{field}-5000-digits.yaml", to_yaml(deep(GOOD, path, "@@X@@"), {"@@X@@": HUGE_5000}))
        write(f"num-{field}-5000-digits.json",
              json.dumps(deep(GOOD, path, "@@X@@"), indent=1).replace('"@@X@@"', HUGE_5000))
        write(f"num-{field}-infinity.json",
              json.dumps(deep(GOOD, path, "@@X@@"), indent=1).replace('"@@X@@"', "-Infinity"))
        write(f"num-{field}-1e400.yaml", to_yaml(deep(GOOD, path, "@@X@@"), {"@@X@@": "1.0e+400"}))
        write(f"num-{field}-1e400.json",
              json.dumps(deep(GOOD, path, "@@X@@"), indent=1).replace('"@@X@@"', "1e400"))
    text = to_yaml(GOOD).replace("{\"0\": \"Beta\"", "{\"0\": \"Beta\"")
    write("num-anchor-key-nan.yaml", text.replace('"anchors": {', '"anchors": {.nan: "bad", ', 1))
    write("num-anchor-key-inf.yaml", text.replace('"anchors": {', '"anchors": {.inf: "bad", ', 1))
    write("num-anchor-key-nan.json", json.dumps(GOOD, indent=1).replace('"anchors": {', '"anchors": {"NaN": "x", ', 1))
    write("num-capability-quoted-6e1.yaml", to_yaml(deep(GOOD, ("actors", 0, "capability"), "6e1")))
    write("num-capability-text.yaml", to_yaml(deep(GOOD, ("actors", 0, "capability"), "strong")))
    write("num-capability-bool.yaml", to_yaml(deep(GOOD, ("actors", 0, "capability"), True)))
    write("num-range-three.yaml", to_yaml(deep(GOOD, ("stances", 0, "position"), [1, 2, 3])))
    write("num-range-reversed.yaml", to_yaml(deep(GOOD, ("stances", 0, "position"), [90, 10])))


def json_structure() -> None:
    good = json.dumps(GOOD, indent=1)
    write("json-duplicate-top-key.json", good.replace('"title": "Toy negotiation",',
                                                      '"title": "Toy negotiation",\n "title": "Again",', 1))
    write("json-duplicate-actor-key.json", good.replace('"capability": 40', '"capability": 40, "capability": 400', 1))
    write("json-duplicate-stance-key.json", good.replace('"position": 90,', '"position": 90, "position": 10,', 1))
    write("json-duplicate-scale-key.json", good.replace('"min": 0,', '"min": 0, "min": 5,', 1))
    write("json-truncated.json", good[: len(good) // 2])
    write("json-trailing-comma.json", good.replace('"title": "Toy negotiation",', '"title": "Toy negotiation",,', 1))
    write("json-top-level-list.json", "[1, 2, 3]\n")
    write("json-nested-deep.json", "[" * 100_000 + "]" * 100_000)
    write("json-empty-object.json", "{}\n")


def dates() -> None:
    for label, value in (("month-13", "2025-13-45"), ("feb-30", "2025-02-30"), ("text", "soon"),
                         ("year-0", "0000-01-01")):
        write(f"date-as-of-{label}.yaml", to_yaml(deep(GOOD, ("as_of",), value)))
    write("date-as-of-month-13.json", json.dumps(deep(GOOD, ("as_of",), "2025-13-45"), indent=1))
    write("date-source.yaml", to_yaml(deep(GOOD, ("sources", 0, "date"), "2025-02-31")))
    write("date-cost-path.yaml", to_yaml(deep(GOOD, ("actors", 0, "no_deal_cost_path", 1, "date"), "2025-06-31")))
    write("date-cost-path-order.yaml", to_yaml(deep(GOOD, ("actors", 0, "no_deal_cost_path", 1, "date"),
                                                    "2024-06-01")))
    write("date-timeline.yaml", to_yaml(deep(GOOD, ("timeline", 0, "date"), "2025-04-31")))
    write("date-unquoted-month-13.yaml", to_yaml(GOOD).replace('"as_of": "2025-03-01"', '"as_of": 2025-13-45'))


def ids() -> None:
    chars = {"bidi-override": "\u202e", "zero-width": "\u200b", "del": "\x7f", "escape": "\x1b[31m",
             "bell": "\x07", "line-separator": "\u2028", "bidi-isolate": "\u2066", "bom": "\ufeff"}
    targets = {"actor": ("actors", 1, "id"), "issue": ("issues", 1, "id"), "source": ("sources", 0, "id"),
               "lever": ("levers", 0, "id")}
    for cname, ch in chars.items():
        for tname, path in targets.items():
            if tname in ("source", "lever") and cname not in ("bidi-override", "zero-width"):
                continue
            write(f"id-{tname}-{cname}.yaml", to_yaml(deep(GOOD, path, f"be{ch}ta")))
    write("id-actor-leading-space.yaml", to_yaml(deep(GOOD, ("actors", 1, "id"), " beta")))
    write("id-actor-empty.yaml", to_yaml(deep(GOOD, ("actors", 1, "id"), "")))
    write("id-actor-too-long.yaml", to_yaml(deep(GOOD, ("actors", 1, "id"), "b" * 101)))
    write("id-actor-list.yaml", to_yaml(deep(GOOD, ("actors", 1, "id"), ["beta"])))
    write("id-zero-width.json", json.dumps(deep(GOOD, ("actors", 1, "id"), "be\u200bta"), indent=1))


def degenerate() -> None:
    write("degenerate-no-stances.yaml", to_yaml({**GOOD, "stances": [], "timeline": [], "types": []}))
    data = {k: v for k, v in GOOD.items() if k not in ("stances", "timeline", "types")}
    write("degenerate-stances-missing.yaml", to_yaml(data))
    write("degenerate-no-stances.json", json.dumps({**GOOD, "stances": [], "timeline": [], "types": []}))
    zero_cap = json.loads(json.dumps(GOOD))
    for a in zero_cap["actors"]:
        a["capability"] = 0
    write("degenerate-all-capabilities-zero.yaml", to_yaml(zero_cap))
    zero_sal = json.loads(json.dumps(GOOD))
    for s in zero_sal["stances"]:
        s["salience"] = 0
    write("degenerate-all-saliences-zero.yaml", to_yaml(zero_sal))
    one_issue = json.loads(json.dumps(GOOD))
    for s in one_issue["stances"]:
        if s["issue"] == "toll":
            s["salience"] = 0
    write("degenerate-issue-saliences-zero.yaml", to_yaml(one_issue))
    mixed = json.loads(json.dumps(GOOD))
    for s in mixed["stances"]:
        if s["issue"] == "toll":
            s["salience"] = 0 if s["actor"] == "alpha" else s["salience"]
    mixed["actors"][1]["capability"] = 0
    write("degenerate-issue-weights-zero.yaml", to_yaml(mixed))
    orphan = json.loads(json.dumps(GOOD))
    orphan["issues"].append({"id": "fees", "name": "Fees"})
    write("degenerate-issue-without-stances.yaml", to_yaml(orphan))
    for name, edit in {
        "lever-set-position": {"field": "position", "actor": "alpha", "issue": "port", "set": 1000},
        "lever-add-position": {"field": "position", "actor": "alpha", "issue": "port", "add": 200},
        "lever-multiply-salience": {"field": "salience", "actor": "alpha", "issue": "port", "multiply": 1000},
        "lever-set-salience": {"field": "salience", "actor": "alpha", "issue": "port", "set": 1.5},
        "lever-set-capability-negative": {"field": "capability", "actor": "alpha", "set": -1},
        "lever-multiply-capability-negative": {"field": "capability", "actor": "alpha", "multiply": -2},
        "lever-hold-probability": {"field": "hold_probability", "issue": "port", "set": 2},
        "lever-deal-hold-probability": {"field": "hold_probability", "add": 0.5},
        "lever-expects-off-scale": {"field": "expects", "actor": "alpha", "issue": "port", "add": -100},
        "lever-no-deal-cost-negative": {"field": "no_deal_cost", "actor": "beta", "add": -5},
    }.items():
        write(f"degenerate-{name}.yaml", to_yaml(deep(GOOD, ("levers", 0, "edits", 0), edit)))
    write("degenerate-timeline-set-off-scale.yaml",
          to_yaml(deep(GOOD, ("timeline", 0, "edits", 0, "set"), -50)))
    write("degenerate-timeline-multiply-off-scale.yaml",
          to_yaml(deep(GOOD, ("timeline", 0, "edits", 0), {"field": "position", "actor": "beta", "issue": "port",
                                                          "multiply": 10})))
    write("degenerate-type-position-off-scale.yaml",
          to_yaml(deep(GOOD, ("types", 0, "stances", 0, "position"), 1000)))
    write("degenerate-type-salience-above-one.yaml",
          to_yaml(deep(GOOD, ("types", 0, "stances", 0), {"issue": "port", "salience": 50, "assumption": "s"})))
    write("degenerate-priors-not-one.yaml", to_yaml(deep(GOOD, ("types", 1, "prior"), 0.9)))
    write("degenerate-scale-empty.yaml", to_yaml(deep(GOOD, ("issues", 0, "scale"), {"min": 5, "max": 5})))


def limits() -> None:
    actors = [{"id": f"a{k}", "name": f"A{k}", "capability": 1} for k in range(2001)]
    stances = [{"actor": "a0", "issue": "x", "position": 1, "salience": 0.5, "assumption": "s"}]
    write("limit-actors.json", json.dumps({"id": "big", "title": "Big", "actors": actors,
                                           "issues": [{"id": "x", "name": "X"}], "stances": stances}))
    issues = [{"id": f"i{k}", "name": f"I{k}"} for k in range(1001)]
    write("limit-issues.yaml", to_yaml({"id": "big", "title": "Big", "actors": actors[:2], "issues": issues}))
    write("limit-ktab-dimensions.csv", "Big,Huge,2,99999999\nActor,Description,Power,P1,S1\nA,A,1,50,50\nB,B,1,40,50\n")
    write("limit-ktab-actors.csv", "Big,Huge,99999999,1\nActor,Description,Power,P1,S1\nA,A,1,50,50\n")
    write("limit-ktab-actor-count-long.csv",
          "Big,Huge," + "9" * 40 + ",1\nActor,Description,Power,P1,S1\nA,A,1,50,50\n")
    rows = "".join(f"A{k},1,50,0.5\n" for k in range(2001))
    write("limit-bdm-actors.csv", "Actor,Capability,Position,Salience\n" + rows)
    write("limit-yaml-alias-bomb.yaml",
          "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
          + "".join(f"{chr(98 + k)}: &{chr(98 + k)} [" + ", ".join([f"*{chr(97 + k)}"] * 10) + "]\n"
                    for k in range(8)))


BDM = "Actor,Capability,Position,Salience\nA,10,20,0.8\nB,20,80,0.4\nC,5,50,0.6\n"
DECIDE = ("#A;a;Alpha\n#A;b;Beta\n#P;x;Issue X\n#M;x;0;none\n#M;x;100;all\n"
          "#D;a;x;20;0.8;10\n#D;b;x;80;0.4;20\n")
KTAB = "Case,Desc,2,1\nActor,Description,Power,X Position,X Salience\nA,Alpha,10,20,80\nB,Beta,20,80,40\n"


def importers() -> None:
    for label, bad in (("nan", "nan"), ("inf", "inf"), ("1e400", "1e400"), ("400-digits", HUGE_400),
                       ("text", "lots")):
        write(f"bdm-capability-{label}.csv", BDM.replace("A,10,", f"A,{bad},", 1))
        write(f"bdm-position-{label}.csv", BDM.replace("A,10,20,", f"A,10,{bad},", 1))
        write(f"ktab-power-{label}.csv", KTAB.replace("A,Alpha,10,", f"A,Alpha,{bad},", 1))
        write(f"decide-position-{label}.csv", DECIDE.replace("#D;a;x;20;", f"#D;a;x;{bad};", 1))
    write("bdm-salience-mixed-scales.csv", "Actor,Capability,Position,Salience\nA,1,10,50\nB,1,20,0.9\nC,1,30,0.7\n")
    write("bdm-salience-500.csv", BDM.replace("0.8", "500", 1))
    write("bdm-salience-negative.csv", BDM.replace("0.8", "-0.5", 1))
    write("bdm-capability-negative.csv", BDM.replace("A,10,", "A,-10,", 1))
    write("bdm-all-capabilities-zero.csv", "Actor,Capability,Position,Salience\nA,0,10,0.5\nB,0,90,0.5\n")
    write("bdm-all-saliences-zero.csv", "Actor,Capability,Position,Salience\nA,1,10,0\nB,2,90,0\n")
    write("bdm-actor-bidi.csv", BDM.replace("B,20", "B\u202e,20", 1))
    write("bdm-no-actors.csv", "Actor,Capability,Position,Salience\n")
    write("bdm-short-row.csv", BDM.replace("C,5,50,0.6", "C,5", 1))
    write("ktab-salience-500.csv", KTAB.replace("20,80\n", "20,500\n", 1))
    write("ktab-salience-negative.csv", KTAB.replace("20,80\n", "20,-1\n", 1))
    write("ktab-dimensions-more-than-columns.csv", KTAB.replace("Case,Desc,2,1", "Case,Desc,2,3", 1))
    write("ktab-zero-dimensions.csv", KTAB.replace("Case,Desc,2,1", "Case,Desc,2,0", 1))
    write("ktab-actor-count-wrong.csv", KTAB.replace("Case,Desc,2,1", "Case,Desc,5,1", 1))
    write("ktab-all-power-zero.csv", KTAB.replace("A,Alpha,10,", "A,Alpha,0,").replace("B,Beta,20,", "B,Beta,0,"))
    write("ktab-actor-zero-width.csv", KTAB.replace("A,Alpha", "A\u200b,Alpha", 1))
    write("decide-unknown-issue-scale-row.csv", DECIDE + "#M;y;0;none\n")
    write("decide-unknown-actor.csv", DECIDE + "#D;c;x;20;0.8;10\n")
    write("decide-unknown-issue.csv", DECIDE + "#D;a;y;20;0.8;10\n")
    write("decide-salience-above-one.csv", DECIDE.replace("#D;a;x;20;0.8;10", "#D;a;x;20;5;10", 1))
    write("decide-power-differs.csv", DECIDE.replace("#P;x;Issue X\n", "#P;x;Issue X\n#P;y;Y\n", 1)
          + "#D;a;y;20;0.8;99\n#D;b;y;20;0.8;20\n")
    write("decide-no-data.csv", "#A;a;Alpha\n#P;x;Issue X\n")
    write("decide-all-power-zero.csv", DECIDE.replace(";10\n", ";0\n").replace(";20\n", ";0\n"))
    write("decide-scale-value-nan.csv", DECIDE.replace("#M;x;100;all", "#M;x;nan;all", 1))


def malformed() -> None:
    write("file-empty.yaml", "")
    write("file-only-comment.yaml", "# nothing here\n")
    write("file-binary.yaml", bytes(range(256)) * 4)
    write("file-latin1.yaml", to_yaml(GOOD).replace("Toy negotiation", "Négociation").encode("latin-1"))
    write("file-pdf-named-yaml.yaml", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    write("file-yaml-syntax.yaml", to_yaml(GOOD).replace('"title": "Toy negotiation"', '"title": [unclosed', 1))
    write("file-yaml-tab-indent.yaml", "id: t\n\ttitle: T\n")
    write("file-top-level-list.yaml", "- a\n- b\n")
    write("file-top-level-scalar.yaml", "just text\n")
    write("file-duplicate-key.yaml", to_yaml(GOOD).replace('"title": "Toy negotiation"\n',
                                                            '"title": "Toy negotiation"\n"title": "Again"\n', 1))
    write("file-unknown-field.yaml", to_yaml({**GOOD, "actorz": []}))
    write("file-actors-not-list.yaml", to_yaml({**GOOD, "actors": "alpha, beta"}))
    write("file-python-tag.yaml", "id: !!python/object/apply:os.system ['echo hi']\ntitle: T\n")
    write("file-schema-version-future.yaml", to_yaml({**GOOD, "schema_version": 99}))
    write("file-unknown-actor-reference.yaml", to_yaml(deep(GOOD, ("stances", 2, "actor"), "delta")))
    write("file-duplicate-actor-id.yaml", to_yaml(deep(GOOD, ("actors", 2, "id"), "beta")))
    write("file-source-outside-folder.yaml", to_yaml(deep(GOOD, ("sources", 0), {"id": "memo", "title": "M",
                                                                                 "file": "../../etc/passwd"})))
    write("file-quote-not-in-source.yaml", to_yaml(deep(GOOD, ("stances", 0, "evidence", 0, "quote"),
                                                        "Alpha never said this.")))
    write("file-unknown.txt", "just some words\nthat are no format\n")
    write("file-deep-yaml.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for make in (numbers, json_structure, dates, ids, degenerate, limits, importers, malformed):
        make()
    (OUT / "README.md").write_text(
        "Bad inputs: each file must be refused by `validate`, `run`, `agree`, `mc` and `import` with exit\n"
        "code 1, a message that names the file and the place of the problem, no traceback and no verdict.\n"
        "Written by `scripts/make_bad_inputs.py`; run it again after changing it.\n",
        encoding="utf-8",
    )
    print(f"{sum(1 for p in OUT.iterdir() if p.name != 'README.md')} files in {OUT}")


if __name__ == "__main__":
    main()
