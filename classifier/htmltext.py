"""Convert an HTML mail body to plain text, keeping line breaks where blocks end."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table blockquote section article header footer hr".split()
)
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.chunks.append("\n")
        elif tag in _BLOCK:
            self.chunks.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.chunks.append("\n")
        elif tag in _BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.quote_depth:
            # quoted replies in HTML come as <blockquote>; mark them the way plain text does
            data = "\n".join("> " + line for line in data.splitlines())
        self.chunks.append(data)


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML document; never raises on malformed markup."""
    if not markup:
        return ""
    parser = _TextCollector()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # malformed markup: fall back to removing anything that looks like a tag
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    text = "".join(parser.chunks).replace("\xa0", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
