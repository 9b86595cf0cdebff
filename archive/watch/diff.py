"""A word-level difference between two versions of an article.

Text is split into words (punctuation stays with its word, as it reads) and
paragraph breaks; runs of removed and added words are grouped so a template
marks each run once. Nothing here produces HTML: templates escape the text
and mark the runs with ``<del>`` and ``<ins>``.
"""

import difflib
import re
from dataclasses import dataclass

SAME, REMOVED, ADDED = "same", "removed", "added"
BREAK = "\n"
_TOKENS = re.compile(r"\n|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of words that both versions share, or that one of them lacks."""

    kind: str  # SAME, REMOVED or ADDED
    text: str
    elided: bool = False  # shared words left out between changes (shown as "…")

    @property
    def changed(self) -> bool:
        return self.kind != SAME


@dataclass(frozen=True)
class Difference:
    """Paragraphs of pieces, and how many words each side lost or gained."""

    paragraphs: tuple[tuple[Piece, ...], ...]
    removed: int
    added: int

    @property
    def same(self) -> bool:
        return not (self.removed or self.added)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.replace("\r", ""))


def _runs(old: list[str], new: list[str]):
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield SAME, old[i1:i2]
            continue
        if op in ("delete", "replace"):
            yield REMOVED, old[i1:i2]
        if op in ("insert", "replace"):
            yield ADDED, new[j1:j2]


def _count(run: list[str]) -> int:
    return sum(1 for token in run if token != BREAK)


def word_diff(old: str, new: str) -> Difference:
    """The difference from ``old`` to ``new`` (texts with one paragraph per line)."""
    paragraphs: list[list[Piece]] = [[]]
    removed = added = 0
    for kind, run in _runs(_tokens(old), _tokens(new)):
        if kind == REMOVED:
            removed += _count(run)
        elif kind == ADDED:
            added += _count(run)
        words: list[str] = []
        for token in run:
            if token != BREAK:
                words.append(token)
                continue
            if words:
                paragraphs[-1].append(Piece(kind, " ".join(words)))
                words = []
            # A break both sides share (or one side adds) starts a paragraph.
            if kind != REMOVED and paragraphs[-1]:
                paragraphs.append([])
        if words:
            paragraphs[-1].append(Piece(kind, " ".join(words)))
    return Difference(
        tuple(tuple(p) for p in paragraphs if p), removed=removed, added=added
    )


def _trim(piece: Piece, context: int, keep_start: bool, keep_end: bool) -> list:
    words = piece.text.split(" ")
    if len(words) <= 2 * context + 1:
        return [piece]
    parts = []
    if keep_start:
        parts.append(Piece(SAME, " ".join(words[:context])))
    parts.append(Piece(SAME, "…", elided=True))
    if keep_end:
        parts.append(Piece(SAME, " ".join(words[-context:])))
    return parts


def around_changes(difference: Difference, context: int = 12) -> Difference:
    """Only the paragraphs that changed, shared words beyond ``context`` elided."""
    paragraphs = []
    for paragraph in difference.paragraphs:
        if not any(piece.changed for piece in paragraph):
            continue
        trimmed: list[Piece] = []
        for n, piece in enumerate(paragraph):
            if piece.changed:
                trimmed.append(piece)
                continue
            keep_start = n > 0  # words after a change
            keep_end = n < len(paragraph) - 1  # words before a change
            trimmed.extend(_trim(piece, context, keep_start, keep_end))
        paragraphs.append(tuple(trimmed))
    return Difference(tuple(paragraphs), difference.removed, difference.added)
