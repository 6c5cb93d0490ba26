"""Creating and editing scenarios: the form, the YAML editor, file imports, errors next to their fields."""

from __future__ import annotations

import re

import pytest

from accord.errors import Problem
from accord.web import forms

SOURCE_TEXT = "Alpha said it wants a high price. Beta said it would pay little."


def new_form(csrf_token: str, salience_b: str = "0.5") -> dict[str, str]:
    return {
        "csrf_token": csrf_token, "mode": "form",
        "id": "deal", "title": "A deal", "as_of": "2025-01-31", "description": "",
        "sources[0].id": "memo", "sources[0].title": "Memo", "sources[0].date": "2025-01-30",
        "sources[0].text": SOURCE_TEXT,
        "actors[0].id": "a", "actors[0].name": "Alpha", "actors[0].capability": "60",
        "actors[1].id": "b", "actors[1].name": "Beta", "actors[1].capability": "[30, 50]",
        "actors[2].id": "", "actors[2].name": "",
        "issues[0].id": "price", "issues[0].name": "Price", "issues[0].scale.min": "0",
        "issues[0].scale.max": "100", "issues[0].status_quo": "50", "issues[0].veto": "a, b",
        "issues[0].scale.anchors": "0: nothing\n100: everything",
        "stances[0].actor": "a", "stances[0].issue": "price", "stances[0].position": "80",
        "stances[0].salience": "0.9", "stances[0].evidence": "memo: Alpha said it wants a high price",
        "stances[1].actor": "b", "stances[1].issue": "price", "stances[1].position": "20..30",
        "stances[1].salience": salience_b, "stances[1].assumption": "Beta's usual line",
    }


def test_create_through_the_form_with_an_error_next_to_its_field(client, csrf):
    token = csrf(client.get("/scenarios/new").text)
    bad = client.post("/scenarios/new", data=new_form(token, salience_b="1.4"))
    assert bad.status_code == 422
    html = bad.text
    field = re.search(r'<label class="field[^"]*invalid[^"]*kind-uncertain">.*?</label>', html, re.S)
    assert field is not None and 'name="stances[1].salience"' in field.group(0)
    assert "salience must be between 0 and 1, got 1.4" in field.group(0)
    assert 'value="1.4"' in field.group(0)
    assert "1 problem to fix" in html
    good = client.post("/scenarios/new", data=new_form(token), follow_redirects=False)
    assert good.status_code == 303 and "notice=saved" in good.headers["location"]
    page = client.get(good.headers["location"])
    assert "Saved as version 1" in page.text and "Alpha said it wants a high price" in page.text
    again = client.post("/scenarios/new", data=new_form(token), follow_redirects=False)
    assert again.headers["location"] == good.headers["location"].replace("saved", "unchanged")


def test_stored_scenario_keeps_what_was_typed(client, app, csrf):
    token = csrf(client.get("/scenarios/new").text)
    response = client.post("/scenarios/new", data=new_form(token), follow_redirects=False)
    version = app.state.store.get_version(int(response.headers["location"].split("/")[2].split("?")[0]))
    sc = version.scenario()
    assert [a.id for a in sc.actors] == ["a", "b"]
    assert sc.actor("b").capability.low == 30 and sc.actor("b").capability.high == 50
    assert sc.stance("b", "price").position.low == 20 and sc.stance("b", "price").position.high == 30
    assert sc.issue("price").scale.anchors == {0.0: "nothing", 100.0: "everything"}
    assert sc.issue("price").veto == ("a", "b")
    assert sc.stance("a", "price").evidence[0].source == "memo"


def test_editing_the_builtin_unchanged_keeps_its_content(client, app, csrf, fields):
    edit = client.get("/builtin/ukraine-2025/edit")
    assert edit.status_code == 200
    data = fields(edit.text, "/builtin/ukraine-2025/edit")
    assert data["stances[0].actor"] and data["issues[0].scale.anchors"]
    saved = client.post("/builtin/ukraine-2025/edit", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    from accord.scenario.io import load_scenario
    from accord.store import content_hash

    version = app.state.store.get_version(int(saved.headers["location"].split("/")[2].split("?")[0]))
    assert version.content_hash == content_hash(load_scenario("ukraine-2025"))
    data["stances[0].salience"] = "0.5"
    changed = client.post("/builtin/ukraine-2025/edit", data=data, follow_redirects=False)
    assert "notice=saved" in changed.headers["location"]
    second = app.state.store.get_version(int(changed.headers["location"].split("/")[2].split("?")[0]))
    assert second.number == version.number + 1
    assert second.scenario().levers == load_scenario("ukraine-2025").levers


def test_removing_a_row(client, app, csrf):
    token = csrf(client.get("/scenarios/new").text)
    data = new_form(token)
    data["stances[1]._delete"] = "1"
    response = client.post("/scenarios/new", data=data, follow_redirects=False)
    version = app.state.store.get_version(int(response.headers["location"].split("/")[2].split("?")[0]))
    assert len(version.scenario().stances) == 1


def test_yaml_editor_reports_lines(client, csrf):
    token = csrf(client.get("/scenarios/new?tab=yaml").text)
    text = "id: x\ntitle: X\nactors:\n  - {id: a, name: A, capability: -1}\nissues:\n  - {id: i, name: I}\n"
    response = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": text})
    assert response.status_code == 422
    assert 'data-line="4"' in response.text and "capability must be at least 0, got -1" in response.text
    broken = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": "id: [x\n"})
    assert broken.status_code == 422 and "malformed YAML" in broken.text


def test_uploaded_yaml_cannot_read_files(client, csrf):
    token = csrf(client.get("/scenarios/new").text)
    text = ("id: x\ntitle: X\nsources:\n  - {id: s, title: S, file: /etc/passwd}\n"
            "actors:\n  - {id: a, name: A, capability: 1}\nissues:\n  - {id: i, name: I}\n")
    response = client.post("/scenarios/new", data={"csrf_token": token, "mode": "yaml", "yaml": text})
    assert response.status_code == 422
    assert "cannot refer to files" in response.text and "root:" not in response.text


@pytest.mark.parametrize("name, body, fmt, actors", [
    ("ec.csv", None, "auto", 10),
    ("pair.csv", "Actor,Capability,Position,Salience\nA,1,10,80\nB,2,90,40\n", "bdm", 2),
    ("case.txt", "#A;a;Alpha\n#A;b;Beta\n#P;p;Price\n#D;a;p;10;0.5;1\n#D;b;p;90;0.5;2\n", "auto", 2),
])
def test_imports(client, csrf, data_dir, name, body, fmt, actors, app):
    raw = (data_dir / "eum" / "ec_car_emissions_1994.csv").read_bytes() if body is None else body.encode()
    token = csrf(client.get("/scenarios/new?tab=import").text)
    response = client.post("/scenarios/import", data={"csrf_token": token, "format": fmt},
                           files={"file": (name, raw, "text/csv")}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    version = app.state.store.get_version(int(response.headers["location"].split("/")[2].split("?")[0]))
    assert len(version.scenario().actors) == actors and version.origin.startswith("import:")


def test_ktab_import(client, csrf, data_dir, app):
    raw = (data_dir / "ktab" / "SOE-Policy.csv").read_bytes()
    token = csrf(client.get("/scenarios/new?tab=import").text)
    response = client.post("/scenarios/import", data={"csrf_token": token, "format": "ktab"},
                           files={"file": ("../../etc/SOE-Policy.csv", raw, "text/csv")}, follow_redirects=False)
    assert response.status_code == 303
    version = app.state.store.get_version(int(response.headers["location"].split("/")[2].split("?")[0]))
    assert version.origin == "import:ktab"


def test_bad_imports_are_explained(client, csrf):
    token = csrf(client.get("/scenarios/new?tab=import").text)
    response = client.post("/scenarios/import", data={"csrf_token": token, "format": "bdm"},
                           files={"file": ("x.csv", b"Actor,Capability,Position,Salience\nA,lots,1,1\n", "text/csv")})
    assert response.status_code == 422 and "capability must be a number" in response.text
    binary = client.post("/scenarios/import", data={"csrf_token": token, "format": "auto"},
                         files={"file": ("x.csv", b"\xff\xfe\x00bad", "text/csv")})
    assert binary.status_code == 422 and "not UTF-8" in binary.text
    empty = client.post("/scenarios/import", data={"csrf_token": token, "format": "auto"})
    assert empty.status_code == 422 and "choose a file" in empty.text


def test_parse_form_drops_blank_rows_and_renumbers():
    form = {"id": "s", "title": "S",
            "actors[0].id": "a", "actors[0].name": "A", "actors[0].capability": "1",
            "actors[3].id": "", "actors[3].name": "",
            "actors[7].id": "b", "actors[7].name": "B", "actors[7].capability": "oops"}
    state, data, problems = forms.parse_form(form, None)
    assert [a["id"] for a in data["actors"]] == ["a", "b"]
    assert data["actors"][1]["capability"] == "oops"
    assert len(state.sections["actors"]) == 2 and problems == []


@pytest.mark.parametrize("text, value", [("40", 40), ("2.5", 2.5), ("[30, 50]", [30, 50]), ("30..50", [30, 50]),
                                         ("30 to 50", [30, 50]), ("30-50", [30, 50]), ("-5", -5),
                                         ("1e3", 1000.0), ("abc", "abc")])
def test_uncertain_inputs(text, value):
    assert forms._parse("uncertain", text, "x", []) == value


def test_problems_land_on_the_nearest_field():
    state = forms.state_from_document({"actors": [{"id": "a"}], "issues": [{"id": "i"}],
                                       "stances": [{"actor": "a", "issue": "i"}]})
    placed = forms.place_problems(state, [
        Problem("stances[0].salience", "too big"),
        Problem("stances[0].evidence[0].quote", "not in the source"),
        Problem("issues[0].scale", "min must be below max"),
        Problem("issues[0].scale.anchors.75.0", "outside"),
        Problem("stances[0]", "duplicate"),
        Problem("actors", "needs one"),
        Problem("levers[0].edits[1].actor", "unknown actor"),
        Problem("", "empty"),
    ])
    assert placed.at("stances[0].salience") == ["too big"]
    assert placed.at("stances[0].evidence") == ["not in the source"]
    assert placed.at("issues[0].scale.anchors") == ["outside"]
    assert placed.at("issues[0].scale.min") == ["min must be below max"]
    assert placed.at("stances[0]") == ["duplicate"]
    assert placed.at("actors") == ["needs one"]
    assert [p.path for p in placed.general] == ["levers[0].edits[1].actor", ""]
    assert placed.count == 8


def test_the_form_shows_every_field_error_at_once(client, csrf):
    token = csrf(client.get("/scenarios/new").text)
    data = new_form(token, salience_b="high")
    data["stances[1].position"] = "150"
    bad = client.post("/scenarios/new", data=data)
    assert bad.status_code == 422
    html = bad.text
    for name in ("stances[1].salience", "stances[1].position"):
        field = re.search(r'<label class="field[^"]*invalid[^"]*">(?:(?!</label>).)*name="'
                          + re.escape(name) + r'".*?</label>', html, re.S)
        assert field is not None, name
    assert "2 problems to fix" in html
