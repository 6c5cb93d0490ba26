"""Write ``commission.pdf``: a two-page PDF with a text layer, built by hand (no PDF library).

Run ``python tests/data/evidence/make_pdf.py`` to regenerate it. Each page has a running
header and a page number, one paragraph is hyphenated across a line break, and the
document information names a title, an author and a creation date.
"""

from __future__ import annotations

from pathlib import Path

HEADER = "Basin Commission - Hydrological assessment"
PAGES = [
    [
        "Summary of findings",
        "",
        "The Basin Commission finds that a minimum flow of 48 cubic metres per",
        "second is needed to protect the delta wetlands in dry years.",
        "",
        "Northland's proposal to release no more than 40 cubic metres per second",
        "would leave the lower river below the ecological minimum for most of the",
        "summer. Southland's demand of 55 cubic metres per second is above what",
        "the Kessel dam reservoir can sustain after three consecutive dry win-",
        "ters.",
    ],
    [
        "The Commission recommends a seasonal quota indexed to rainfall, with com-",
        "pensation payments to Southland farmers in the years when the flow falls",
        "below the minimum.",
        "",
        "Any change to the flow regime requires the approval of the Commission.",
    ],
]


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(lines: list[str], number: int) -> bytes:
    ops = ["BT", "/F1 9 Tf", "72 770 Td", f"({_escape(HEADER)}) Tj", "ET", "BT", "/F1 11 Tf", "14 TL",
           "72 730 Td"]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*" if line else "T*")
    ops += ["ET", "BT", "/F1 9 Tf", "300 40 Td", f"({number}) Tj", "ET"]
    return "\n".join(ops).encode("latin-1")


def build() -> bytes:
    n_pages = len(PAGES)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
            + f"] /Count {n_pages} >>").encode(),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        info_id: b"<< /Title (Hydrological assessment of the Kessel basin) /Author (Basin Commission) "
                 b"/CreationDate (D:20250402120000Z) >>",
    }
    for i, lines in enumerate(PAGES):
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        stream = _content(lines, i + 1)
        resources = f"/Resources << /Font << /F1 {font_id} 0 R >> >>"
        objects[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                            f"/Contents {content_id} 0 R {resources} >>").encode()
        objects[content_id] = f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += f"{obj_id} 0 obj\n".encode() + objects[obj_id] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for obj_id in range(1, size):
        out += f"{offsets[obj_id]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R /Info {info_id} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


if __name__ == "__main__":
    Path(__file__).with_name("commission.pdf").write_bytes(build())
