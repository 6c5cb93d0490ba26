"""Recording and reading runs and scenario versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from accord.errors import AccordError, RunNotFoundError
from accord.runner import run_models, run_to_json
from accord.scenario.io import load_scenario, scenario_from_text
from accord.store import content_hash, default_url, open_store, record_run, scenario_document
from accord.store.content import scenario_from_document
from accord.store.engine import current_revision, head_revision, normalise_url


def test_record_and_read_back(store, small, record):
    rec = record(small, seed=7, params={"rounds": 3})
    got = store.get_run(rec.id)
    assert got.id == rec.id
    assert got.scenario_id == "small" and got.version_number == 1
    assert got.seed == 7 and got.params == {"rounds": 3}
    assert got.models == list(run_to_json(run_models(small, seed=7))["models"])
    fresh = run_to_json(run_models(small, seed=7))
    for data in (fresh, got.results):
        for model in data["models"].values():
            model.pop("seconds")
    assert got.results == fresh
    assert set(got.timings["models"]) == set(got.models)
    from accord import __version__

    assert got.accord_version == __version__
    assert got.version is not None and got.version.scenario() == small


def test_identical_content_is_the_same_version(store, small, small_text, record):
    a = record(small)
    reparsed = scenario_from_text(small_text.replace("title: A small case", "title: 'A small case'"))
    b = record(reparsed)
    assert a.version_id == b.version_id
    assert store.save_version(small).id == a.version_id
    assert len(store.versions("small")) == 1


def test_edited_content_is_a_new_numbered_version(store, small, record):
    first = record(small)
    edited = small.model_copy(update={"stances": small.stances[:-1]})
    second = record(edited)
    assert (first.version_number, second.version_number) == (1, 2)
    assert second.content_hash != first.content_hash
    assert [v.number for v in store.versions("small")] == [2, 1]
    assert store.latest_version("small").id == second.version_id
    again = record(small)
    assert again.version_id == first.version_id


def test_version_is_self_contained_and_hash_ignores_file_references():
    builtin = load_scenario("ukraine-2025")
    assert any(src.file for src in builtin.sources)
    document = scenario_document(builtin)
    assert "file:" not in document
    back = scenario_from_document(document)
    assert content_hash(back) == content_hash(builtin)
    assert [s.text for s in back.sources] == [s.text for s in builtin.sources]


def test_listings(store, small, record):
    other = small.model_copy(update={"id": "other", "title": "Other"})
    r1 = record(small)
    r2 = record(other)
    r3 = record(small, seed=2)
    assert [r.id for r in store.list_runs()] == [r3.id, r2.id, r1.id]
    assert [r.id for r in store.list_runs(scenario_id="small")] == [r3.id, r1.id]
    assert [r.id for r in store.list_runs(limit=1)] == [r3.id]
    assert store.count_runs() == 3 and store.count_runs(scenario_id="other") == 1
    listed = {s.scenario_id: s for s in store.list_scenarios()}
    assert listed["small"].runs == 2 and listed["small"].versions == 1
    assert listed["other"].title == "Other"
    assert store.get_run("latest").id == r3.id


def test_missing_runs_are_accord_errors(store):
    with pytest.raises(RunNotFoundError, match="no run 5"):
        store.get_run(5)
    with pytest.raises(AccordError, match="whole numbers"):
        store.get_run("abc")
    with pytest.raises(RunNotFoundError):
        store.get_run("latest")


def test_record_run_opens_the_database_itself(db_url, small):
    rec = record_run(run_to_json(run_models(small)), small, url=db_url, origin="api")
    with open_store(db_url) as store:
        assert store.get_run(rec.id).origin == "api"


def test_schema_is_migrated_and_matches_the_models(db_url, store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from accord.store.models import Base

    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    open_store(db_url).close()


def test_sqlite_runs_in_wal_mode(sqlite_url, small):
    from accord.runner import run_models, run_to_json

    with open_store(sqlite_url) as store:
        store.record(run_to_json(run_models(small)), small)
        path = store.engine.url.database
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_default_url(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCORD_DB", str(tmp_path / "h.db"))
    assert default_url() == f"sqlite:///{tmp_path / 'h.db'}"
    monkeypatch.setenv("ACCORD_DB", "postgresql+psycopg://u:p@db/accord")
    assert default_url() == "postgresql+psycopg://u:p@db/accord"
    monkeypatch.delenv("ACCORD_DB")
    import platformdirs

    assert default_url() == normalise_url(str(Path(platformdirs.user_data_dir("accord")) / "accord.db"))


def test_json_shapes(store, small, record):
    rec = record(small)
    data = store.get_run(rec.id).to_json()
    assert data["id"] == rec.id and data["version"]["number"] == 1
    assert data["created_at"].endswith("+00:00")
    assert "document" not in data["version"]
