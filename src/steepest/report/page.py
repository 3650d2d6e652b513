"""A small static HTML report: sections of text and figures, written into one folder.

The tour writes its lesson with it (``index.html`` beside the PNG and GIF files it
names). The page is self-contained (inline CSS, no scripts, no network) so that it opens
from disk on any machine; paragraphs sit beside their figures, long lines wrap, and tiny
numbers read as ≈ 0 with the exact figure on hover. It leaves drawing to
:mod:`steepest.plot`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Report", "Section"]

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2126; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem;
  border-bottom: 1px solid #d0d4d9; }
pre { background: #f4f5f7; padding: .8rem 1rem; font-size: .9rem;
      white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 1rem 0; } img { max-width: 100%; border: 1px solid #e1e4e8; }
figcaption { color: #57606a; font-size: .9rem; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start;
        margin: 1.5rem 0; }
.pair > .words { flex: 1 1 18rem; } .pair > figure { flex: 2 1 28rem; margin: 0; }
.pair.wide { flex-direction: column; } .pair.wide > * { flex: none; }
.approx { border-bottom: 1px dotted #57606a; cursor: help; }
.exercise { border-left: 3px solid #d0d4d9; padding-left: 1rem; margin: 1.2rem 0; }
.note { color: #57606a; }
code { background: #f4f5f7; padding: 0 .25rem; font-size: .9em; }
"""

# numbers a learner reads: 4.743e-09 is ≈ 0, the exact figure on hover
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_TINY = re.compile(r"^-?\d+(?:\.\d+)?e-(?:0?[5-9]|[1-9]\d+)$")
_POINT_OR_NUMBER = re.compile(
    r"\((" + _NUMBER + r"(?:, " + _NUMBER + r")+)\)|(?<![\w.=])(" + _NUMBER + r")(?![\w.])"
)


def readable_numbers(text: str) -> str:
    """Escape ``text`` for HTML, showing tiny numbers (below 1e-5, in e-notation) as 0.

    A point with such coordinates reads ``≈ (0, 0)`` and a lone number ``≈ 0``; the exact
    figures stay on hover (a ``title``). A setting written ``tol=1e-08`` is left as it is.

    Examples
    --------
    >>> readable_numbers("at (4.743e-09, 3.831e-36), f = 1.2e-17, lr 0.1")
    'at <span class="approx" title="(4.743e-09, 3.831e-36)">≈ (0, 0)</span>, f = \
<span class="approx" title="1.2e-17">≈ 0</span>, lr 0.1'
    """
    def rounded(value: str) -> str:
        return "0" if _TINY.match(value) else value

    def mark(match: re.Match[str]) -> str:
        if match.group(1) is not None:  # a point
            parts = match.group(1).split(", ")
            if not any(_TINY.match(p) for p in parts):
                return match.group()
            shown = f"≈ ({', '.join(rounded(p) for p in parts)})"
        elif _TINY.match(match.group(2)):
            shown = "≈ 0"
        else:
            return match.group()
        return f"\0{match.group()}\1{shown}\2"

    marked = _POINT_OR_NUMBER.sub(mark, text)
    escaped = html.escape(marked, quote=False)
    return (escaped.replace("\0", '<span class="approx" title="').replace("\1", '">')
            .replace("\2", "</span>"))


def inline_code(escaped: str) -> str:
    """Set text between backticks as code, in HTML already escaped.

    Examples
    --------
    >>> inline_code("type `steepest exercises 2` to start")
    'type <code>steepest exercises 2</code> to start'
    """
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escaped)


@dataclass
class Section:
    """One step of a report: a title, paragraphs, preformatted text and figures.

    ``pairs`` put a paragraph beside the figure it speaks of (side by side on a wide
    page, one above the other on a narrow one, and always above a figure named in
    ``wide``, whose two panels need the page's width to be read); ``exercises`` are
    (prompt, command).
    """

    title: str
    paragraphs: list[str] = field(default_factory=list)
    text: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (file name, caption)
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (words, file, caption)
    exercises: list[tuple[str, str, str]] = field(default_factory=list)  # title, prompt, cmd
    wide: set[str] = field(default_factory=set)  # figures of two panels: words above them
    after: str = ""  # preformatted text after the pairs

    def to_html(self) -> str:
        """The section as an HTML fragment."""
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        parts += [f"<p>{inline_code(html.escape(p))}</p>" for p in self.paragraphs]
        if self.text:
            parts.append(f"<pre>{readable_numbers(self.text)}</pre>")
        for words, name, caption in self.pairs:
            paragraphs = "".join(f"<p>{readable_numbers(w)}</p>" for w in words.split("\n\n"))
            kind = "pair wide" if name in self.wide else "pair"
            parts.append(f'<div class="{kind}"><div class="words">{paragraphs}</div>'
                         f"{_figure(name, caption)}</div>")
        if self.after:
            parts.append(f"<pre>{readable_numbers(self.after)}</pre>")
        for name, caption in self.figures:
            parts.append(_figure(name, caption))
        for title, prompt, command in self.exercises:
            parts.append(f'<div class="exercise"><h3>{html.escape(title)}</h3>'
                         f"<p>{html.escape(prompt)}</p>"
                         f"<p>Check your answer:</p><pre>{html.escape(command)}</pre></div>")
        return "\n".join(parts)


def _figure(name: str, caption: str) -> str:
    return (f'<figure><img src="{html.escape(name)}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


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
        from steepest._files import atomic_write

        path = Path(folder) / "index.html"
        with atomic_write(path, "w", encoding="utf-8") as file:
            file.write(self.to_html())
        return path
