"""A small static HTML report: sections of text and figures, written into one folder.

The tour writes its lesson with it (``index.html`` beside the PNG files it names). The
page is self-contained (inline CSS, no scripts, no network) so that it opens from disk
on any machine. It leaves drawing to :mod:`steepest.plot`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Report", "Section"]

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2126; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem;
  border-bottom: 1px solid #d0d4d9; }
pre { background: #f4f5f7; padding: .8rem 1rem; overflow-x: auto; font-size: .9rem; }
figure { margin: 1rem 0; } img { max-width: 100%; border: 1px solid #e1e4e8; }
figcaption { color: #57606a; font-size: .9rem; }
.note { color: #57606a; }
"""


@dataclass
class Section:
    """One step of a report: a title, paragraphs, preformatted text and figures."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    text: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (file name, caption)

    def to_html(self) -> str:
        """The section as an HTML fragment."""
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        parts += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        if self.text:
            parts.append(f"<pre>{html.escape(self.text)}</pre>")
        for name, caption in self.figures:
            parts.append(
                f'<figure><img src="{html.escape(name)}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        return "\n".join(parts)


@dataclass
class Report:
    """A titled list of sections, written as ``index.html``."""

    title: str
    intro: str = ""
    sections: list[Section] = field(default_factory=list)

    def add(self, section: Section) -> Section:
        """Append ``section`` and return it."""
        self.sections.append(section)
        return section

    def to_html(self) -> str:
        """The whole page."""
        body = "\n".join(s.to_html() for s in self.sections)
        intro = f'<p class="note">{html.escape(self.intro)}</p>' if self.intro else ""
        return (
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(self.title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n<h1>{html.escape(self.title)}</h1>\n{intro}\n{body}\n</body>\n</html>\n"
        )

    def write(self, folder: str | Path) -> Path:
        """Write ``index.html`` into ``folder`` and return its path.

        Examples
        --------
        >>> import tempfile
        >>> report = Report("Demo")
        >>> _ = report.add(Section("One", ["Hello."], text="x = 1"))
        >>> path = report.write(tempfile.mkdtemp())
        >>> "<pre>x = 1</pre>" in path.read_text()
        True
        """
        path = Path(folder) / "index.html"
        path.write_text(self.to_html(), encoding="utf-8")
        return path
