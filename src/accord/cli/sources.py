"""``accord sources``: add documents to a scenario file and list a scenario's sources."""

from __future__ import annotations

import typer

from accord.cli.common import SCENARIO_HELP, echo_json, handle_errors, load


def _parse_date(value: str | None):  # noqa: ANN202
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}",
                                 param_hint="--date") from None


def register(app: typer.Typer) -> None:
    sources = typer.Typer(help="Add source documents to a scenario, list its sources.", no_args_is_help=True)
    app.add_typer(sources, name="sources")

    @sources.command("add")
    @handle_errors
    def add(
        scenario: str = typer.Argument(..., help="A YAML or JSON scenario file (not a built-in scenario)."),
        files: list[str] = typer.Argument(..., help="Documents to add: text, Markdown, HTML or PDF."),
        title: str = typer.Option(None, "--title", help="Title, instead of the one read from the document."),
        author: str = typer.Option(None, "--author", help="Author, for every file."),
        date: str = typer.Option(None, "--date", help="Publication date YYYY-MM-DD, for every file."),
        publisher: str = typer.Option(None, "--publisher", help="Publisher, for every file."),
        source_id: str = typer.Option(None, "--id", help="Source id, instead of one made from the file name"),
        url: str = typer.Option(None, "--url", help="Where the document was published."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Copy each document's text next to SCENARIO (sources/<id>.txt) and list it under `sources`."""
        from accord.evidence.corpus import cached_passages
        from accord.evidence.sources_add import add_sources

        when = _parse_date(date)
        if len(files) > 1 and (title or source_id or url):
            raise typer.BadParameter("applies to a single file; add the files one at a time",
                                     param_hint="--title/--id/--url")
        added = add_sources(scenario, files, title=title, author=author, date=when, publisher=publisher,
                            source_id=source_id, url=url)
        rows = []
        for a in added:
            s = a.source
            rows.append({
                "id": s.id,
                "title": s.title,
                "title_assigned": s.title_assigned,
                "author": s.author,
                "publisher": s.publisher,
                "date": s.date.isoformat() if s.date else None,
                "url": s.url,
                "file": s.file,
                "from": str(a.original),
                "format": a.extracted.format,
                "chars": len(s.text or ""),
                "passages": len(cached_passages(s.id, s.text or "")),
                "boilerplate_dropped": list(a.extracted.dropped),
            })
        if as_json:
            echo_json({"scenario": scenario, "added": rows})
            return
        for r in rows:
            date_text = r["date"] or "no date found"
            assigned = " (title made from the file name)" if r["title_assigned"] else ""
            n_dropped = len(r["boilerplate_dropped"])
            dropped = f", {n_dropped} boilerplate blocks left out" if n_dropped else ""
            typer.echo(f"added {r['id']}: {r['title']}{assigned} — {date_text}; {r['format']}, "
                       f"{r['chars']:,} characters, {r['passages']} passages{dropped} -> {r['file']}")
        typer.echo(f"{scenario}: valid with {len(rows)} new source{'s' if len(rows) != 1 else ''}")

    @sources.command("list")
    @handle_errors
    def list_(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """The scenario's sources: title, date, size, passages and how many quotes cite each."""
        from accord.evidence.corpus import cached_passages

        sc = load(scenario)
        cited: dict[str, int] = {}
        for item in (*sc.stances, *sc.levers, *sc.timeline):
            for ev in item.evidence:
                cited[ev.source] = cited.get(ev.source, 0) + 1
        rows = [{
            "id": s.id,
            "title": s.title,
            "date": s.date.isoformat() if s.date else None,
            "author": s.author,
            "publisher": s.publisher,
            "file": s.file,
            "chars": len(s.text or ""),
            "passages": len(cached_passages(s.id, s.text or "")),
            "quotes": cited.get(s.id, 0),
        } for s in sc.sources]
        if as_json:
            echo_json({"scenario": sc.id, "sources": rows})
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{sc.title} — sources", title_justify="left")
        for col in ("id", "title", "date", "chars", "passages", "quotes"):
            table.add_column(col, justify="right" if col in ("chars", "passages", "quotes") else "left")
        for r in rows:
            table.add_row(r["id"], r["title"], r["date"] or "–", f"{r['chars']:,}", str(r["passages"]),
                          str(r["quotes"]))
        Console().print(table)
