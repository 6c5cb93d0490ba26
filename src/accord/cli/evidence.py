"""``accord evidence``: search the sources, check each stance's backing, read a new article against it."""

from __future__ import annotations

import typer

from accord.cli.common import SCENARIO_HELP, echo_json, handle_errors, load

SHOW_CHARS = 600


def register(app: typer.Typer) -> None:
    evidence = typer.Typer(
        help="Search the source texts, check the evidence behind each stance, read a new article against it.",
        no_args_is_help=True,
    )
    app.add_typer(evidence, name="evidence")

    @evidence.command("search")
    @handle_errors
    def search(
        scenario: str = typer.Argument(..., help=SCENARIO_HELP),
        query: str = typer.Argument(..., help='What to look for, e.g. "85,000 troops".'),
        top: int = typer.Option(10, "--top", "-k", min=1, max=1000, help="How many passages to return."),
        rerank: bool = typer.Option(True, "--rerank/--no-rerank",
                                    help="Re-rank by meaning when accord[semantic] is installed."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Rank the passages of the scenario's sources for QUERY (BM25, optionally re-ranked)."""
        from accord.evidence.corpus import Corpus
        from accord.evidence.rerank import load_reranker
        from accord.evidence.search import SearchIndex
        from accord.evidence.tokens import terms

        query_terms = terms(query)
        if not query_terms:
            raise typer.BadParameter("the query has no searchable words (only stop words or punctuation)",
                                     param_hint="QUERY")
        sc = load(scenario)
        index = _index(sc, Corpus, SearchIndex)
        reranker, status = load_reranker(rerank)
        typer.echo(f"note: {status}", err=True)
        hits = index.search(query_terms, top=top, reranker=reranker, text=query)
        if as_json:
            echo_json({
                "scenario": sc.id,
                "query": query,
                "terms": query_terms,
                "reranker": reranker.name if reranker is not None else None,
                "passages_searched": len(index),
                "hits": [h.to_dict() for h in hits],
            })
            return
        if not hits:
            typer.echo(f"no passage of {sc.id}'s {len(index.corpus)} sources contains any of: "
                       f"{' '.join(query_terms)}")
            return
        _print_hits(hits, set(query_terms))

    @evidence.command("coverage")
    @handle_errors
    def coverage_cmd(
        scenario: str = typer.Argument(None, help=SCENARIO_HELP + " Default: ukraine-2025."),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when a stance has no support at all."),
        show: int = typer.Option(3, "--show", min=0, max=1000, help="Supporting passages listed per stance."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """For each stance: do its quotes verify (and where), and how many other passages support it."""
        from accord.evidence.coverage import coverage, load_for_coverage
        from accord.scenario import builtin

        sc, unverified = load_for_coverage(scenario or builtin.DEFAULT)
        report = coverage(sc, unverified=unverified)
        if as_json:
            echo_json(report.to_dict(max_support=show))
        else:
            _print_coverage(sc, report, show)
        if report.unverified_quotes or (strict and report.unsupported):
            raise typer.Exit(1)

    @evidence.command("stance")
    @handle_errors
    def stance_cmd(
        scenario: str = typer.Argument(..., help=SCENARIO_HELP),
        actor: str = typer.Argument(..., help="Actor id."),
        issue: str = typer.Argument(..., help="Issue id."),
        show: int = typer.Option(5, "--show", min=0, max=1000, help="Supporting passages to list."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """One stance's numbers next to the passages they rest on."""
        from accord.evidence.coverage import coverage, load_for_coverage

        sc, unverified = load_for_coverage(scenario)
        check_ids(sc, actor, issue)
        if sc.stance(actor, issue) is None:
            have = [s.issue for s in sc.stances if s.actor == actor]
            typer.echo(f"error: {sc.id} has no stance of actor {actor!r} on issue {issue!r}; "
                       f"{actor} has stances on: {', '.join(have) or 'none'}", err=True)
            raise typer.Exit(1)
        report = coverage(sc, unverified=unverified)
        row = next(r for r in report.stances if r.actor == actor and r.issue == issue)
        if as_json:
            echo_json({"scenario": sc.id, **row.to_dict(max_support=show)})
            return
        _print_stance(sc, row, show)

    @evidence.command("diff")
    @handle_errors
    def diff_cmd(
        scenario: str = typer.Argument(..., help=SCENARIO_HELP),
        new_source: str = typer.Argument(..., help="A new article: text, Markdown, HTML or PDF."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """The passages of a new article that mention an actor and an issue, grouped by stance."""
        from pathlib import Path

        from accord.evidence.corpus import Document
        from accord.evidence.diff import diff_source
        from accord.evidence.extract import extract_file

        sc = load(scenario)
        extracted = extract_file(new_source)
        name = Path(new_source).name
        doc = Document.from_text(name, extracted.text, title=extracted.title or name, date=extracted.date)
        result = diff_source(sc, doc)
        if as_json:
            echo_json({"scenario": sc.id, "file": new_source, **result.to_dict()})
            return
        _print_diff(sc, result)


def _index(sc, corpus_cls, index_cls):  # noqa: ANN001, ANN202
    from accord.errors import Problem, ScenarioError

    corpus = corpus_cls.from_scenario(sc)
    if not len(corpus):
        raise ScenarioError([Problem("sources", "the scenario has no source texts to search")], source=sc.id)
    return index_cls(corpus)


def _console():  # noqa: ANN202
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _marked(text: str, query_terms: set[str], span: tuple[int, int] | None = None, limit: int = SHOW_CHARS):  # noqa: ANN202
    """Passage text with query words in bold and a quoted span underlined, cut near ``limit`` characters."""
    from rich.text import Text

    from accord.evidence.tokens import word_spans

    cut = len(text)
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
    out = Text(text[:cut] + ("…" if cut < len(text) else ""))
    if span is not None:
        out.stylize("underline", max(span[0], 0), min(span[1], cut))
    for start, end, found in word_spans(text[:cut]):
        if query_terms.intersection(found):
            out.stylize("bold", start, end)
    return out


def _indented(renderable, n: int):  # noqa: ANN001, ANN202
    from rich.padding import Padding

    return Padding(renderable, (0, 0, 0, n))


def _print_hits(hits, query_terms: set[str]) -> None:  # noqa: ANN001
    from rich.text import Text

    console = _console()
    for h in hits:
        p = h.passage
        date = f", {h.date.isoformat()}" if h.date else ""
        score = f"score {h.score:.3f}" + (f" (bm25 {h.bm25:.2f})" if h.score != h.bm25 else "")
        console.print(f"[bold]{h.rank}.[/bold] {p.source} ¶{p.number}  chars {p.start}–{p.end}  {score}")
        console.print(_indented(Text(f"{h.title}{date}", style="dim"), 3))
        console.print(_indented(_marked(p.text, query_terms), 3))
        console.print()


def _stance_terms(sc, actor: str, issue: str) -> set[str]:  # noqa: ANN001
    from accord.evidence.terms import actor_names, issue_names

    return set(actor_names(sc.actor(actor)).query_terms + issue_names(sc.issue(issue)).query_terms)


def _print_coverage(sc, report, show: int) -> None:  # noqa: ANN001
    from rich.table import Table

    console = _console()
    table = Table(title=f"{sc.title} — evidence coverage", title_justify="left")
    numeric = ("position", "salience", "other passages")
    for col in ("actor", "issue", "position", "salience", "status", "quotes (source ¶)", "other passages"):
        table.add_column(col, justify="right" if col in numeric else "left")
    style = {"quoted": "green", "supported": "yellow", "unsupported": "red"}
    for row in report.stances:
        quotes = ", ".join(
            f"{q.source} ¶{'+'.join(str(p.number) for p in q.passages)}" if q.verified
            else f"{q.source} NOT FOUND"
            for q in row.quotes
        ) or ("assumption" if row.assumption else "–")
        table.add_row(row.actor, row.issue, str(row.position), str(row.salience),
                      f"[{style[row.status]}]{row.status}[/]", quotes, str(len(row.support)))
    console.print(table)
    counts = {k: sum(1 for s in report.stances if s.status == k)
              for k in ("quoted", "supported", "unsupported")}
    console.print(f"{len(report.stances)} stances over {report.sources} sources "
                  f"({report.passages} passages): "
                  f"{counts['quoted']} quoted, {counts['supported']} supported only by other passages, "
                  f"{counts['unsupported']} with no support at all.")
    for row, q in report.unverified_quotes:
        console.print(f"[red]quote not found[/red] ({row.actor} on {row.issue}, source {q.source}): "
                      f"{q.quote!r}")
    if report.unsupported:
        console.print("\n[bold]No support at all[/bold] "
                      "(no verified quote, no passage names both actor and issue):")
        for row in report.unsupported:
            why = f" — assumption: {row.assumption}" if row.assumption else ""
            console.print(f"  {row.actor} on {row.issue}{why}")
    if show:
        lacking = [r for r in report.stances if r.status == "supported"]
        if lacking:
            console.print("\n[bold]Stances without a quote, and the passages that could back them[/bold]:")
        for row in lacking:
            console.print(f"  {row.actor} on {row.issue}:")
            for s in row.support[:show]:
                snippet = _marked(s.passage.text, _stance_terms(sc, row.actor, row.issue), limit=200)
                console.print(f"    {s.passage.source} ¶{s.passage.number} (score {s.score:.2f})")
                console.print(_indented(snippet, 6))


def _print_stance(sc, row, show: int) -> None:  # noqa: ANN001
    from accord.scenario.schema import nearest_anchor

    console = _console()
    actor, issue = sc.actor(row.actor), sc.issue(row.issue)
    anchor = nearest_anchor(issue, row.position.mid)
    anchor_text = f"; nearest anchor {anchor[0]:g}: {anchor[1]}" if anchor else ""
    console.print(f"[bold]{actor.name} on {issue.name}[/bold]")
    console.print(f"position {row.position} on {issue.scale.min:g}–{issue.scale.max:g}{anchor_text}; "
                  f"salience {row.salience}; status: {row.status}")
    if row.assumption:
        console.print(f"assumption: {row.assumption}")
    query_terms = _stance_terms(sc, row.actor, row.issue)
    sources = {s.id: s for s in sc.sources}
    if row.quotes:
        console.print("\n[bold]Quoted evidence[/bold]")
    for q in row.quotes:
        if not q.verified:
            console.print(f"  [red]NOT FOUND[/red] in {q.source}: {q.quote!r}")
            continue
        for p in q.passages:
            src = sources[q.source]
            date = f", {src.date.isoformat()}" if src.date else ""
            console.print(f"  {q.source} ¶{p.number}, chars {p.start}–{p.end}  [dim]{src.title}{date}[/dim]")
            span = (q.start - p.start, q.end - p.start)
            console.print(_indented(_marked(p.text, query_terms, span, limit=2000), 4))
    console.print(f"\n[bold]Other passages naming {actor.name} and {issue.name}[/bold]: {len(row.support)}")
    for s in row.support[:show]:
        console.print(f"  {s.passage.source} ¶{s.passage.number} (score {s.score:.2f}; "
                      f"as {', '.join(s.actor_labels)} / {', '.join(s.issue_labels)})")
        console.print(_indented(_marked(s.passage.text, query_terms), 4))


def _print_diff(sc, result) -> None:  # noqa: ANN001
    console = _console()
    doc = result.document
    date = f", {doc.date.isoformat()}" if doc.date else ""
    relevant = {m.passage.number for g in result.groups for m in g.mentions}
    console.print(f"[bold]{doc.title}[/bold]{date}: {len(doc.passages)} passages, {len(relevant)} name "
                  f"an actor and an issue of {sc.id}; {len(result.touched)} stances touched, "
                  f"{len(result.new_pairs)} actor-issue pairs with no stance yet.")
    if result.duplicate_of:
        console.print(f"[yellow]this text is already source {result.duplicate_of!r} of the scenario[/yellow]")
    names = {a.id: a.name for a in sc.actors} | {i.id: i.name for i in sc.issues}
    for group in result.groups:
        st = sc.stance(group.actor, group.issue)
        label = (f"stance: position {st.position}, salience {st.salience}" if st is not None
                 else "no stance yet")
        console.print(f"\n[bold]{names[group.actor]} — {names[group.issue]}[/bold] ({label})")
        query_terms = _stance_terms(sc, group.actor, group.issue)
        for m in group.mentions:
            labels = f"{', '.join(m.actor_labels)} / {', '.join(m.issue_labels)}"
            console.print(f"  ¶{m.passage.number} (as {labels})")
            console.print(_indented(_marked(m.passage.text, query_terms), 4))


def check_ids(sc, actor: str | None, issue: str | None) -> None:  # noqa: ANN001
    """Exit 1 with the closest ids when ``actor`` or ``issue`` is not one of the scenario's."""
    from accord.cli.common import did_you_mean

    for kind, given, ids in (("actor", actor, [a.id for a in sc.actors]), ("issue", issue, [i.id for i in sc.issues])):
        if given is not None and given not in ids:
            hint = did_you_mean(given, ids) or f"; {kind}s: {', '.join(ids)}"
            typer.echo(f"error: no stance of {actor!r} on {issue!r}: {sc.id} has no {kind} {given!r}{hint}", err=True)
            raise typer.Exit(1)
