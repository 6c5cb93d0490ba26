"""``accord validate``: check a scenario and report every problem with its location."""

from __future__ import annotations

import typer

from accord.cli.common import SCENARIO_HELP, echo_json, safe_text


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        scenario: str = typer.Argument(..., help=SCENARIO_HELP),
        fmt: str = typer.Option(None, "--format", help="Force the input format: bdm, decide or ktab."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Check a scenario file: structure, ids, ranges, and every quote against its source."""
        from accord.cli.common import load
        from accord.errors import AccordError, ScenarioError

        try:
            sc = load(scenario, fmt)
        except ScenarioError as exc:
            if as_json:
                echo_json({"valid": False, "problems": [p.to_dict() for p in exc.problems]})
            else:
                typer.echo(safe_text(exc), err=True)
            raise typer.Exit(1) from None
        except AccordError as exc:
            if as_json:
                echo_json({"valid": False, "problems": [{"path": "", "message": str(exc)}]})
            else:
                typer.echo(f"error: {safe_text(exc)}", err=True)
            raise typer.Exit(1) from None
        quotes = sum(len(s.evidence) for s in sc.stances)
        summary = {
            "valid": True,
            "id": sc.id,
            "actors": len(sc.actors),
            "issues": len(sc.issues),
            "stances": len(sc.stances),
            "quotes_verified": quotes,
            "assumptions": sum(1 for s in sc.stances if s.assumption),
        }
        if as_json:
            echo_json(summary)
        else:
            counts = ", ".join(_plural(summary[k], k[:-1]) for k in ("actors", "issues", "stances"))
            typer.echo(f"{safe_text(scenario)}: valid — {counts}, {_plural(quotes, 'quote')} found in their sources")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
