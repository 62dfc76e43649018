"""Convert an HTML mail body to plain text, keeping line breaks where blocks end.

The markup is read in one flat pass of regular expressions, never as a tree: depth costs nothing
(`<div>` × 100k is as cheap as 100k sibling tags), and every pattern is linear. An HTML5 tree
builder is quadratic on deep nesting (lexbor takes 0.5 s for 10k nested `<div>`, 5 s for 30k),
and html.parser is quadratic on unclosed comments; see bench/bench_hostile.py.
"""

from __future__ import annotations

import html
import re

MAX_MARKUP_CHARS = 128_000  # past this a mail is a newsletter; its text is read from the start
_BLOCK = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table blockquote section article header footer hr".split()
)
_SKIP = ("script", "style", "head", "title", "noscript", "template")
_NAME_END = r"(?=[\s/>\x00])"
# Where text is never shown: a comment, or an element whose whole content is skipped.
_OPAQUE = re.compile(r"<(?:!--|(?i:(" + "|".join(_SKIP) + "))" + _NAME_END + ")")
_COMMENT_END = re.compile(r"--\s*+>")
_CLOSE = {
    # script and style hold raw text, so their end tag is the first one, as html.parser reads it
    name: re.compile(
        rf"</\s*+{name}\s*+>" if name in ("script", "style") else rf"</{name}{_NAME_END}",
        re.IGNORECASE,
    )
    for name in _SKIP
}
# Tags as html.parser finds them; [^>]*+ cannot backtrack, and every '<' it starts from has a
# '>' after it (a tag left open at the end of a piece is cut first), so each scan ends there.
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
# A '<' that opens no tag is text; written as &lt; first, the tag patterns never stop at it.
_LONE_LT = re.compile(r"<(?![A-Za-z/!?])")
_QUOTE_TAG = re.compile(r"(<(/?)blockquote" + _NAME_END + r"[^>]*+>)", re.IGNORECASE)
_NAMES = "|".join(sorted(_BLOCK - {"blockquote"}))
_BLOCK_TAG = re.compile(r"</?(?:" + _NAMES + ")" + _NAME_END + r"[^>]*+>", re.IGNORECASE)
_ANY_TAG = re.compile(r"(</?[A-Za-z][^>]*+>|<[!?][^>]*+>)")
_IS_BLOCK = re.compile(r"</?(?:" + "|".join(sorted(_BLOCK)) + ")" + _NAME_END, re.IGNORECASE)
# The references most mail uses, decoded by str.replace in C; html.unescape calls Python per one.
_COMMON_REFERENCES = (
    ("&nbsp;", "\xa0"),
    ("&#160;", "\xa0"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#39;", "'"),
)
_BLANKS = re.compile(r"[ \t\r\f\v]++")
_LINE_EDGES = re.compile(r" *+\n *+")  # linear here: _BLANKS leaves no run of spaces
_NEWLINES = re.compile(r"\n{3,}")


def _unescape(text: str) -> str:
    """Return text with its character references decoded, exactly as html.unescape does."""
    if "&" not in text:
        return text
    # each '&' starts its own reference, and none of these decodes to '&': replacing them first
    # changes nothing html.unescape would do; &amp; goes last, or "&amp;lt;" would become "<"
    for reference, char in _COMMON_REFERENCES:
        text = text.replace(reference, char)
    if text.count("&") == text.count("&amp;"):
        return text.replace("&amp;", "&")
    return html.unescape(text)


def _drop_opaque(markup: str) -> str:
    """Return markup without comments and the content of script, style, head and the like."""
    found = _OPAQUE.search(markup)
    if found is None:
        return markup
    out: list[str] = []
    i, n = 0, len(markup)
    while found is not None:
        out.append(markup[i : found.start()])
        name = found.group(1)
        if name is None:
            comment_end = _COMMENT_END.search(markup, found.end())
            i = n if comment_end is None else comment_end.end()  # unclosed, it runs to the end
        else:
            gt = markup.find(">", found.end())
            if gt < 0:
                return "".join(out)
            if markup[gt - 1] == "/":  # <title/> is empty, and hides nothing after it
                out.append(markup[found.start() : gt + 1])
                i = gt + 1
            else:
                close = _CLOSE[name.lower()].search(markup, gt + 1)
                end = -1 if close is None else markup.find(">", close.end() - 1)
                i = n if end < 0 else end + 1
        found = _OPAQUE.search(markup, i) if i < n else None
    out.append(markup[i:])
    return "".join(out)


def _cut_open_tag(markup: str) -> str:
    """Return markup without a tag left open at its end, as a browser drops one."""
    tail = _TAG_OPEN.search(markup, markup.rfind(">") + 1)
    return markup if tail is None else markup[: tail.start()]


def _quoted(segment: str) -> str:
    """Return the text of markup inside a blockquote, each text run's lines marked with '> '."""
    out: list[str] = []
    for k, piece in enumerate(_ANY_TAG.split(segment)):
        if k % 2:
            if _IS_BLOCK.match(piece):
                out.append("\n")
        elif piece:
            # quoted replies in HTML come as <blockquote>; mark them the way plain text does
            text = _unescape(piece)
            out.append("\n".join("> " + line for line in text.splitlines()))
    return "".join(out)


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML document; never raises on malformed markup."""
    if not markup:
        return ""
    markup = _LONE_LT.sub("&lt;", markup[:MAX_MARKUP_CHARS])
    pieces = _QUOTE_TAG.split(_cut_open_tag(_drop_opaque(markup)))
    chunks: list[str] = []  # pieces: text, then (tag, slash, text) for each blockquote tag
    depth = 0
    for k in range(0, len(pieces), 3):
        segment = _cut_open_tag(pieces[k])
        if segment and depth:
            chunks.append(_quoted(segment))
        elif segment:
            text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n", segment))
            chunks.append(_unescape(text))
        if k + 1 < len(pieces):
            chunks.append("\n")
            if pieces[k + 2]:
                depth = max(0, depth - 1)
            elif not pieces[k + 1].endswith("/>"):
                depth += 1
    text = "".join(chunks).replace("\xa0", " ")
    text = _LINE_EDGES.sub("\n", _BLANKS.sub(" ", text))
    return _NEWLINES.sub("\n\n", text).strip()
