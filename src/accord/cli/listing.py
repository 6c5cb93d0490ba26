"""``accord scenarios`` and ``accord models``: what is available."""

from __future__ import annotations

import typer

from accord.cli.common import echo_json, handle_errors


def register(app: typer.Typer) -> None:
    @app.command("scenarios")
    @handle_errors
    def scenarios(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """List the built-in scenarios."""
        from accord.scenario import builtin
        from accord.scenario.io import load_scenario

        rows = []
        for name in builtin.names():
            sc = load_scenario(name)
            rows.append({"id": sc.id, "title": sc.title, "as_of": str(sc.as_of) if sc.as_of else None,
                         "actors": len(sc.actors), "issues": len(sc.issues), "stances": len(sc.stances)})
        if as_json:
            echo_json(rows)
            return
        for r in rows:
            typer.echo(f"{r['id']}: {r['title']} ({r['actors']} actors, {r['issues']} issues, "
                       f"{r['stances']} stances, as of {r['as_of']})")

    @app.command("models")
    @handle_errors
    def models(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """List the models and their parameters."""
        from accord.models.base import describe_params, get_model, model_names

        rows = []
        for name in model_names():
            m = get_model(name)
            rows.append({"name": m.name, "aliases": list(m.aliases), "summary": m.summary,
                         "citation": m.citation, "works_in_rounds": m.works_in_rounds,
                         "params": describe_params(m)})
        if as_json:
            echo_json(rows)
            return
        for r in rows:
            alias = f" (alias: {', '.join(r['aliases'])})" if r["aliases"] else ""
            typer.echo(f"{r['name']}{alias}: {r['summary']}")
            for p in r["params"]:
                rng = " ".join(f"{k} {v}" for k, v in p["range"].items())
                typer.echo(f"    --set {p['name']}=...  {p['type']}, default {p['default']!r}"
                           + (f", {rng}" if rng else "") + (f": {p['description']}" if p["description"] else ""))
