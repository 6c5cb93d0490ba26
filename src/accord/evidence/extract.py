"""Plain text and what the document says about itself, from a text, Markdown, HTML or PDF file.

Every extractor returns paragraphs separated by blank lines, so that
:func:`accord.evidence.passages.split_passages` sees the document's own paragraphs.

- HTML is parsed with a real HTML5 parser (selectolax/Lexbor). Scripts, styles, forms,
  navigation, headers and footers outside the article, asides, and blocks whose class, id
  or ARIA role name them as cookie banners, donation or subscription appeals, share
  buttons, related links or adverts are dropped; short paragraphs that read like such
  appeals ("Support our journalism", "We use cookies") are dropped too. When the page has
  an ``<article>`` or ``<main>``, only that is kept.
- Markdown loses its markup (headings, emphasis, links, lists, code fences) and its
  front matter, whose ``title``, ``author``, ``date``, ``publisher`` and ``url`` are read.
- PDF text comes from pypdf, with lines re-joined into paragraphs, words hyphenated
  across lines re-joined, and page numbers and running headers dropped.
- Plain text is kept as it is; a short first line is read as the title, a date line and
  an ``Author:``/``By`` line near the top as date and author.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from accord.errors import ImportFormatError, Problem, ScenarioError

FORMATS = ("text", "markdown", "html", "pdf")
MAX_FILE_BYTES = 50 * 1024 * 1024

_SUFFIXES = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
}


@dataclass(frozen=True)
class Extracted:
    """The text of a document and the facts it states about itself.

    Attributes
    ----------
    text : str
        Paragraphs separated by blank lines.
    format : {"text", "markdown", "html", "pdf"}
    title, author, publisher, url : str or None
        As the document gives them (metadata, front matter, or its first lines).
    date : datetime.date or None
        Publication date as the document gives it.
    dropped : tuple of str
        The start of each block left out as boilerplate, for review.
    """

    text: str
    format: str
    title: str | None = None
    author: str | None = None
    date: dt.date | None = None
    publisher: str | None = None
    url: str | None = None
    dropped: tuple[str, ...] = field(default_factory=tuple)


def detect_format(path: Path, head: bytes) -> str:
    """The format of a file: a PDF from its content whatever its name, else from its suffix or first bytes."""
    if head[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    by_suffix = _SUFFIXES.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    lowered = head[:2048].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return "html"
    if b"\x00" in head:
        raise ImportFormatError(f"{path}: not a text, Markdown, HTML or PDF file")
    return "text"


def extract_file(path: str | Path, fmt: str | None = None) -> Extracted:
    """Read ``path`` and extract its text.

    Parameters
    ----------
    path : str or Path
    fmt : {"text", "markdown", "html", "pdf"}, optional
        Force a format instead of detecting it from the suffix and content.

    Raises
    ------
    ScenarioError
        The file is missing, unreadable, too large, not UTF-8 (text formats) or has no text.
    ImportFormatError
        The format is unknown or the PDF cannot be parsed.
    """
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise ScenarioError([Problem("", "is a directory, not a file", name)])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError([Problem("", f"is {size / 2**20:.1f} MiB, larger than the "
                                             f"{MAX_FILE_BYTES / 2**20:g} MiB limit", name)])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem("", "file not found", name)]) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read file: {exc.strerror}", name)]) from None
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(f"unknown source format {fmt!r}; expected one of {', '.join(FORMATS)}")
    fmt = fmt or detect_format(path, raw[:4096])
    if fmt == "pdf":
        result = extract_pdf(raw, name=name)
    else:
        from accord.scenario.io import decode_utf8

        text = decode_utf8(raw, name)
        result = {"text": extract_text, "markdown": extract_markdown, "html": extract_html}[fmt](text)
    if not result.text.strip():
        hint = " (a scanned PDF has no text layer)" if fmt == "pdf" else ""
        raise ScenarioError([Problem("", f"no text found in this {fmt} file{hint}", name)])
    return result


def _tidy(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p) + "\n"


# --- plain text -------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")
_DATE_PATTERNS = (
    (re.compile(_MONTH + r"\.?\s+(\d{1,2}),?\s+(\d{4})", re.I), ("m", "d", "y")),
    (re.compile(r"\b(\d{1,2})\s+" + _MONTH + r"\.?,?\s+(\d{4})", re.I), ("d", "m", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
)


def parse_date(text: str) -> dt.date | None:
    """The first valid date in ``text`` (``July 7, 2025``, ``7 Jul 2025``, ``2025-07-07``), or None."""
    found: list[tuple[int, dt.date]] = []
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            month = parts["m"]
            try:
                number = _MONTHS[month[:3].lower()] if month.isalpha() else int(month)
                found.append((m.start(), dt.date(int(parts["y"]), number, int(parts["d"]))))
                break
            except ValueError:
                continue
    return min(found)[1] if found else None


_AUTHOR_LINE = re.compile(r"^(?:author|by|written by)\s*[:\-]?\s+(.+)$", re.I)


def extract_text(text: str) -> Extracted:
    """Plain text: the text unchanged (line ends made ``\\n``), title, date and author from the top."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:8]
    title = None
    if lines and len(lines[0]) <= 150 and not lines[0].endswith((".", ",", ";", ":")) and " " in lines[0]:
        title = lines[0]
    date = None
    author = None
    for line in lines[1:6]:
        if date is None and len(line) <= 80:
            date = parse_date(line)
        m = _AUTHOR_LINE.match(line)
        if author is None and m is not None:
            author = re.split(r"\s+[-\u2013\u2014|]\s+|,\s", m.group(1))[0].strip() or None
    return Extracted(text=text, format="text", title=title, author=author, date=date)


# --- Markdown ---------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<https?://[^>]+>"), ""),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),
)
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")


def _inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def extract_markdown(text: str) -> Extracted:
    """Markdown: paragraphs without markup; front matter and the first heading give the metadata."""
    import yaml

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, object] = {}
    m = _FRONT_MATTER.match(text)
    if m is not None:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            meta = {str(k).lower(): v for k, v in loaded.items()}
        text = text[m.end():]
    paragraphs: list[str] = []
    current: list[str] = []
    first_heading: str | None = None
    in_fence = False

    def flush() -> None:
        if current:
            paragraphs.append(_inline(" ".join(current)).strip())
            current.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if line:
                paragraphs.append(line)
            continue
        while line.startswith(">"):
            line = line[1:].strip()
        if not line or _LINK_DEF.match(raw) or _RULE.match(line) and not current:
            flush()
            continue
        if _SETEXT.match(line) and current:
            heading = _inline(" ".join(current)).strip()
            current.clear()
            paragraphs.append(heading)
            if first_heading is None and line.startswith("="):
                first_heading = heading
            continue
        heading_match = _HEADING.match(line)
        if heading_match is not None:
            flush()
            heading = _inline(heading_match.group(1)).strip()
            paragraphs.append(heading)
            if first_heading is None and line.startswith("# "):
                first_heading = heading
            continue
        item = _LIST_ITEM.match(line)
        if item is not None:
            flush()
            line = line[item.end():]
        current.append(line)
    flush()

    def meta_str(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() if value not in (None, "") else None

    date_value = meta.get("date")
    date = date_value if isinstance(date_value, dt.date) else parse_date(str(date_value or ""))
    if isinstance(date, dt.datetime):
        date = date.date()
    author = meta.get("author")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    return Extracted(
        text=_tidy(paragraphs),
        format="markdown",
        title=meta_str("title") or first_heading,
        author=str(author).strip() if author else None,
        date=date,
        publisher=meta_str("publisher"),
        url=meta_str("url"),
    )


# --- HTML -------------------------------------------------------------------------------------

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "input",
    "select", "textarea", "nav", "aside", "dialog", "object", "embed", "video", "audio", "picture", "img",
)
_DROP_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu",
    "menubar", "toolbar",
})
_BOILERPLATE_WORDS = frozenset({
    "cookie", "cookies", "consent", "gdpr", "donate", "donation", "donations", "subscribe", "subscription",
    "newsletter", "paywall", "promo", "promotion", "ad", "ads", "advert", "adverts", "advertisement",
    "advertising", "sponsor", "sponsored", "share", "sharing", "social", "related", "recommended",
    "comments", "sidebar", "breadcrumb", "breadcrumbs", "menu", "navbar", "nav", "navigation", "footer",
    "masthead", "popup", "modal", "banner", "signup", "membership", "outbrain", "taboola", "skip",
})
_BOILERPLATE_PREFIXES = ("cookie", "donat", "newsletter", "subscri", "paywall", "advert")
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption",
})
_APPEALS = re.compile(
    r"\b(donate|donation|support (?:our|independent|us)|become a (?:member|subscriber|supporter|patron)"
    r"|subscribe (?:to|now|today)|sign up (?:for|to)|newsletter|we use cookies|(?:accept|reject|manage)"
    r"(?: all)? cookies|cookie (?:policy|settings|preferences)|all rights reserved|share (?:this|on)"
    r"|follow us|read more|advertisement|skip to (?:main )?content|log ?in|sign ?in|privacy policy"
    r"|terms of (?:use|service))\b|\u00a9|\(c\) \d{4}",
    re.I,
)
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


def _is_boilerplate(node) -> bool:  # noqa: ANN001
    attrs = node.attributes
    role = (attrs.get("role") or "").lower()
    if role in _DROP_ROLES:
        return True
    if (attrs.get("aria-hidden") or "").lower() == "true" or "hidden" in attrs:
        return True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    words = set(re.split(r"[\s_\-]+", names)) - {""}
    return bool(words & _BOILERPLATE_WORDS) or any(w.startswith(_BOILERPLATE_PREFIXES) for w in words)


def _text_len(node) -> int:  # noqa: ANN001
    return len((node.text(deep=True, separator=" ") or "").strip())


def _meta(tree, *selectors: str) -> str | None:  # noqa: ANN001
    for sel in selectors:
        node = tree.css_first(sel)
        if node is None:
            continue
        attrs = node.attributes
        if node.tag in ("meta", "link"):
            value = attrs.get("content") or attrs.get("href")
        else:
            value = attrs.get("datetime") or attrs.get("content") or node.text(deep=True, separator=" ")
        if value and value.strip():
            return _WS.sub(" ", value).strip()
    return None


def _html_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m is not None:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return None
    return parse_date(value)


def _collect_blocks(root) -> list[str]:  # noqa: ANN001
    paragraphs: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        joined = "".join(buf)
        for piece in joined.split("\n"):
            piece = _WS.sub(" ", piece).strip()
            if piece:
                paragraphs.append(piece)
        buf.clear()

    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag in _BLOCK_TAGS:
                flush()
            continue
        if tag == "-text":
            buf.append((node.text_content or "").replace("\n", " "))
            continue
        if tag == "br":
            buf.append("\n")
            continue
        if tag.startswith("-"):
            continue
        if tag in _BLOCK_TAGS or tag == "pre":
            flush()
        stack.append((node, False))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, True) for c in reversed(children))
    flush()
    return paragraphs


def extract_html(html: str) -> Extracted:
    """HTML: the article's paragraphs without page furniture, and the page's metadata."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = _meta(tree, 'meta[property="og:title"]', 'meta[name="twitter:title"]', "title", "h1")
    author = _meta(tree, 'meta[name="author"]', 'meta[property="article:author"]', 'meta[name="byl"]',
                   '[rel="author"]', '[itemprop="author"]')
    if author is not None:
        author = re.sub(r"^by\s+", "", author, flags=re.I)
        if author.startswith(("http://", "https://")):
            author = None
    date = _html_date(_meta(
        tree, 'meta[property="article:published_time"]', 'meta[name="date"]', 'meta[name="pubdate"]',
        'meta[name="publish-date"]', 'meta[name="dc.date"]', 'meta[name="DC.date.issued"]',
        '[itemprop="datePublished"]', "time[datetime]",
    ))
    publisher = _meta(tree, 'meta[property="og:site_name"]', 'meta[name="publisher"]')
    url = _meta(tree, 'link[rel="canonical"]', 'meta[property="og:url"]')

    body = tree.body if tree.body is not None else tree.root
    if body is None:
        return Extracted(text="", format="html", title=title)
    dropped: list[str] = []

    def drop_all(nodes: list) -> None:
        ids = {n.mem_id for n in nodes}
        outermost = [n for n in nodes if not _has_ancestor_in(n, ids)]
        for node in outermost:
            text = _WS.sub(" ", node.text(deep=True, separator=" ") or "").strip()
            if text:
                dropped.append(text[:80])
        for node in outermost:
            node.decompose()

    drop_all(body.css(",".join(_DROP_TAGS)))
    articles = body.css("article") or body.css("main, [role=main]")
    root = max(articles, key=_text_len) if articles else body
    root_id = root.mem_id
    drop_all([n for n in body.css("header, footer")
              if root is body or not _has_ancestor_in(n, {root_id}) or n.tag == "footer"])
    total = max(_text_len(root), 1)
    drop_all([n for n in root.css("*") if _is_boilerplate(n) and _text_len(n) <= 0.5 * total])

    paragraphs = []
    for para in _collect_blocks(root):
        if len(para) < 300 and _APPEALS.search(para):
            dropped.append(para[:80])
            continue
        paragraphs.append(para)
    if title and paragraphs and title not in " ".join(paragraphs[:3]):
        h1 = _meta(tree, "h1")
        lead = h1 if h1 and h1 not in " ".join(paragraphs[:3]) else title
        paragraphs.insert(0, lead)
    return Extracted(
        text=_tidy(paragraphs), format="html", title=title, author=author, date=date,
        publisher=publisher, url=url, dropped=tuple(dropped),
    )


def _has_ancestor_in(node, ids: set[int]) -> bool:  # noqa: ANN001
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


# --- PDF --------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)


def extract_pdf(raw: bytes, *, name: str | None = None) -> Extracted:
    """PDF: the text layer (pypdf), lines re-joined into paragraphs; title, author and date from metadata."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfReadWarning, PyPdfError

    label = name or "PDF"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PdfReadWarning)
        try:
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ImportFormatError(f"{label}: the PDF is encrypted")
            pages = [page.extract_text() or "" for page in reader.pages]
            meta = reader.metadata
            title = (meta.title if meta else None) or None
            author = (meta.author if meta else None) or None
            created = meta.creation_date if meta else None
        except ImportFormatError:
            raise
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ImportFormatError(f"{label}: cannot read the PDF ({exc})") from None
    return Extracted(
        text=_tidy(_pdf_paragraphs(pages)),
        format="pdf",
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        author=author.strip() if isinstance(author, str) and author.strip() else None,
        date=created.date() if isinstance(created, dt.datetime) else None,
    )


def _pdf_paragraphs(pages: list[str]) -> list[str]:
    page_lines = [[_WS.sub(" ", ln).strip() for ln in page.splitlines()] for page in pages]
    repeated: set[str] = set()
    if len(pages) >= 2:
        counts = Counter(ln for lines in page_lines for ln in set(lines) if ln)
        repeated = {ln for ln, n in counts.items() if n >= max(2, -(-3 * len(pages) // 5)) and len(ln) < 100}
    lines: list[str] = []
    for page in page_lines:
        lines.extend(ln for ln in page if not _PAGE_NUMBER.match(ln) and ln not in repeated)
    widths = sorted(len(ln) for ln in lines if ln)
    typical = widths[int(0.8 * (len(widths) - 1))] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if not current and len(line) < 0.6 * typical and not line.endswith((".", ",", ";", "-")):
            paragraphs.append(line)
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if line.endswith((".", "!", "?", ":", "\u201d", '"')) and len(line) < 0.85 * typical:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs
