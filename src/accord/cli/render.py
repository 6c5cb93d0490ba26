"""Terminal output that reads at 80 columns: tables whose headers wrap only between words,
numbers that never wrap, long labels moved into a detail section, and label-value facts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.table import Table


def console(stderr: bool = False) -> Console:
    """A console that wraps at the terminal's width (``$COLUMNS``, 80 when not a terminal)."""
    return Console(stderr=stderr, highlight=False)


def longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def table(*, compact: bool = False) -> Table:
    """A table; ``compact`` draws only a rule under the header (print its title with :func:`titled`)."""
    return Table(
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        pad_edge=not compact,
        show_edge=not compact,
        padding=(0, 0, 0, 1) if compact else (0, 1),
    )


def column(t: Table, header: str, *, numeric: bool = False, values: Sequence[str] = ()) -> None:
    """Add a column whose header never breaks inside a word and whose numbers never wrap.

    A numeric column is as narrow as its longest header word or value, so a header of
    several words wraps between them; other columns take the space left.
    """
    width = max([longest_word(header), *(len(v) for v in values)]) if numeric else None
    t.add_column(
        header,
        justify="right" if numeric else "left",
        width=width,
        min_width=longest_word(header),
        overflow="fold",
    )


def titled(con: Console, title: str, t: Table) -> None:
    """Print a title line (wrapped at the console's width, not the table's) and the table under it."""
    con.print(title, style="bold")
    con.print(t)


def hanging(con: Console, text: str, indent: int = 2, hang: int = 4) -> None:
    """Print ``text`` indented by ``indent``, its continuation lines by ``hang``."""
    import textwrap

    width = max(con.width, indent + 20)
    con.print(textwrap.fill(text, width=width, initial_indent=" " * indent, subsequent_indent=" " * hang,
                            break_on_hyphens=False), markup=False)


def facts(rows: Iterable[tuple[str, str]]) -> Table:
    """Labelled facts: the label on the left, the text wrapped under itself on the right."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for label, text in rows:
        grid.add_row(label, text)
    return grid


def details(con: Console, title: str, items: Sequence[tuple[str, str]]) -> None:
    """A detail section: one paragraph per item, ``label text``, wrapped and indented under the title."""
    from rich.padding import Padding
    from rich.text import Text

    if not items:
        return
    con.print(title, style="bold")
    for label, text in items:
        con.print(Padding(Text.assemble((label, "bold"), " ", str(text)), (0, 0, 0, 2)))


def model_header(name: str) -> str:
    """A model's name as a column header (``expected_utility`` -> ``expected utility``)."""
    return name.replace("_", " ")
