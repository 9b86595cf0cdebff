"""How text becomes index terms: one tokenizer for every language in the archive.

- Latin, Cyrillic and other alphabetic words are case-folded, stripped of
  accents and apostrophes (P'yŏngyang -> pyongyang, Jŏng-ŭn -> jong un),
  stop words are dropped and English words are stemmed (broadcasting ->
  broadcast).
- Hangul, kana and Han characters are indexed as overlapping two-character
  grams, so 김정은 (김정 정은) is found inside 김정은은 and 로동신문 inside
  로동신문을 without a morphological analyser; a lone character is kept whole.

The tokenizer is pickled into the index's table of contents: keep the class
at this import path, and bump ``schema.SCHEMA_VERSION`` when its output changes.
No I/O here.
"""

import itertools
import re
import unicodedata
from array import array
from collections import defaultdict

import numpy as np
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter import stem

# Scripts written without spaces between words (or with particles glued on).
_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uffdc"
)
_LETTER = rf"(?:[^\W_{_CJK}]|[\u0300-\u036f])"
# Apostrophes inside a word belong to it (MR aspiration marks, English 's).
_APOSTROPHES = "'\u2019\u02bc\u2018"
TOKEN_PATTERN = re.compile(
    rf"(?P<cjk>[{_CJK}]+)|(?P<word>{_LETTER}+(?:[{_APOSTROPHES}]{_LETTER}+)*)"
)
_CJK_RUN = re.compile(rf"[{_CJK}]+")
# The tokens of TOKEN_PATTERN as plain strings (``findall`` without groups).
_TOKEN = re.compile(rf"[{_CJK}]+|{_LETTER}+(?:[{_APOSTROPHES}]{_LETTER}+)*")
# ``_WORD`` for text without a letter beyond ASCII (most of the archive),
# which it matches two to three times faster.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_WORD = re.compile(rf"{_LETTER}+(?:[{_APOSTROPHES}]{_LETTER}+)*")
# The same patterns under public names, for the highlighter.
CJK_PATTERN = _CJK_RUN
WORD_PATTERN = _WORD
ASCII_WORD_PATTERN = _ASCII_WORD
APOSTROPHES = _APOSTROPHES
# A character only a word in other letters than ASCII ones holds (a letter
# beyond ASCII and CJK, a combining accent, a curly apostrophe): text without
# one has only ASCII words between its CJK runs.
_CURLY_APOSTROPHES = _APOSTROPHES.replace("'", "")
NON_ASCII_WORD_CHAR = re.compile(
    rf"[^\W\x00-\x7f{_CJK}]|[\u0300-\u036f{_CURLY_APOSTROPHES}]"
)
_STRIP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
# Letters that Unicode decomposition leaves alone.
_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
# Parts of one document joined with this character never form a phrase
# across the join (title, summary and body are indexed as one text).
PART_SEPARATOR = "\u2029"
_PART_GAP = 50
# Whoosh's short English list plus function words that no analyst searches
# for alone; leaving them out makes indexing and broad queries cheaper.
# Names that romanize like English words (No, So, Do, Ha, An, Yu) stay in.
STOP = frozenset(STOP_WORDS) | {
    "about", "after", "all", "also", "am", "any", "because", "been", "before",
    "being", "between", "both", "but", "could", "did", "does", "doing", "during",
    "each", "from", "further", "had", "has", "having", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "however", "into", "its", "itself",
    "just", "more", "most", "my", "myself", "nor", "once", "only", "other", "our",
    "ours", "own", "same", "she", "should", "since", "some", "such", "than", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "those",
    "through", "too", "until", "very", "was", "were", "what", "where", "which",
    "while", "whom", "why", "would", "yours", "yourself", "me",
}  # fmt: skip
# word -> index term, shared by every analyzer of this process.
_TERM_CACHES: dict[bool, dict[str, str | None]] = {True: {}, False: {}}
_TERM_CACHE_SIZE = 100_000
_UNKNOWN = object()  # a word not in the cache yet
MIN_WORD_LENGTH = 2
MAX_WORD_LENGTH = 60


# The bytes of UTF-8 text a word may hold (ASCII letters and digits, the
# apostrophe, every byte of a character beyond ASCII); the others become
# spaces, so splitting the bytes leaves pieces no word crosses.
_WORD_BYTES = bytes(
    c if chr(c).isalnum() or c == ord("'") or c >= 0x80 else ord(" ")
    for c in range(256)
)
# A piece of text that holds several kept terms (their numbers are in ``runs``).
_SEVERAL = -2


def _spliced(ids: list[int], pieces: list[bytes], runs: dict) -> list[int]:
    """``ids`` with each ``_SEVERAL`` replaced by its piece's numbers."""
    spliced: list[int] = []
    start = 0
    while True:
        try:
            at = ids.index(_SEVERAL, start)
        except ValueError:
            break
        spliced += ids[start:at]
        spliced += runs[pieces[at]]
        start = at + 1
    spliced += ids[start:]
    return spliced


def fold_word(word: str) -> str:
    """Return ``word`` lowercased, without accents or apostrophes (no stemming)."""
    folded = word.casefold().translate(_STRIP_APOSTROPHES)
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = folded.translate(_EXTRA_FOLDS)
    return folded


def is_cjk(text: str) -> bool:
    """Return True when ``text`` is written in a script indexed as character grams."""
    return _CJK_RUN.fullmatch(text) is not None


class ArchiveTokenizer(Tokenizer):
    """Tokenize, fold, drop stop words and (optionally) stem, in one pass."""

    def __init__(self, stemming: bool = True):
        self.stemming = stemming
        self._cache = _TERM_CACHES[stemming]

    def __getstate__(self):
        return {"stemming": self.stemming}

    def __setstate__(self, state):
        self.stemming = state["stemming"]
        self._cache = _TERM_CACHES[self.stemming]

    def __eq__(self, other):
        return type(other) is type(self) and other.stemming == self.stemming

    def __hash__(self):
        return hash((type(self), self.stemming))

    def term(self, word: str) -> str | None:
        """Return the index term for one alphabetic word, or None if it is dropped."""
        cache = self._cache
        if word in cache:
            return cache[word]
        folded = fold_word(word)
        if (
            len(folded) < MIN_WORD_LENGTH
            or len(folded) > MAX_WORD_LENGTH
            or folded in STOP
        ):
            result = None
        elif self.stemming and folded.isascii() and folded.isalpha():
            result = stem(folded)
        else:
            result = folded
        if len(cache) > _TERM_CACHE_SIZE:
            cache.clear()
        cache[word] = result
        return result

    def learn(self, text: str) -> None:
        """Put the index terms of ``text``'s words in the cache (a serving process's warm-up)."""
        self.terms(_WORD.findall(text))

    def terms(self, words: list[str]) -> list[str | None]:
        """Return ``term(word)`` for each of ``words``, looked up in bulk."""
        found = list(map(self._cache.get, words, itertools.repeat(_UNKNOWN)))
        if _UNKNOWN in found:
            found = [
                self.term(word) if term is _UNKNOWN else term
                for word, term in zip(words, found, strict=True)
            ]
        return found

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # The parser asks for a whole string as one term (prefix queries):
            # fold it but keep it intact.
            token.text = fold_word(value)
            token.original = value
            token.boost = 1.0
            token.stopped = False
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        offset = start_char
        parts = value.split(PART_SEPARATOR) if PART_SEPARATOR in value else (value,)
        for index, part in enumerate(parts):
            if index:
                pos += _PART_GAP
            for text, start, end in self._terms(part, removestops):
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = part[start:end]
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = offset + start
                    token.endchar = offset + end
                pos += 1
                yield token
            offset += len(part) + 1

    def term_positions(self, value: str) -> tuple[dict[str, list[int]], int]:
        """Return {term: positions} for ``value`` and its number of terms.

        The same terms and positions as ``__call__`` gives, computed without
        a Token per word: indexing spends most of its time here.
        """
        positions: dict[str, list[int]] = defaultdict(list)
        pos = 0
        cache = self._cache
        for index, part in enumerate(value.split(PART_SEPARATOR)):
            if index:
                pos += _PART_GAP
            if _CJK_RUN.search(part):
                terms = [text for text, _, _ in self._terms(part, True)]
            else:
                words = _WORD.findall(part)
                for word in {w for w in words if w not in cache}:
                    self.term(word)
                terms = [t for t in map(cache.get, words) if t is not None]
            for term in terms:
                positions[term].append(pos)
                pos += 1
        return positions, sum(map(len, positions.values()))

    def numbered_terms(
        self,
        value: str,
        numbers: dict[str, int],
        words: dict[bytes, int],
        runs: dict | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the terms of ``value`` as numbers, and their positions.

        The terms and positions of ``term_positions``, in text order, as two
        uint32 arrays. ``numbers`` numbers the terms (a new term takes the
        next number); ``words`` and ``runs`` remember what each piece of
        text met before came to, so a piece seen before costs a lookup in C
        and building an index runs no Python per word.

        Text without Hangul or Han is cut into pieces in C: its UTF-8 bytes
        with every ASCII byte that no word holds made a space, then split.
        A piece of ASCII letters and digits is one word (``words``: the
        number of its term, -1 if dropped); any other piece (an apostrophe,
        letters beyond ASCII) is taken apart by the word pattern, which
        matches nothing across those spaces, and ``words`` keeps the number
        of its one kept term, -1 for none, or ``_SEVERAL`` with the numbers
        in ``runs``. In text with Hangul or Han characters, ``runs`` keeps
        the numbers of each token's terms (a run of such characters gives
        one term per pair of them).
        """
        runs = {} if runs is None else runs
        found: list[int] = []
        kept = []  # how many terms of each part are kept
        for part in value.split(PART_SEPARATOR):
            if not part.isascii() and _CJK_RUN.search(part):
                ids = self._token_ids(part, numbers, runs)
            else:
                ids = self._piece_ids(part, numbers, words, runs)
            kept.append(len(ids) - ids.count(-1))
            found += ids
        terms = np.array(found, dtype=np.int64)
        if len(terms) > sum(kept):
            terms = terms[terms >= 0]
        terms = terms.astype(np.uint32)
        # Each kept term takes the next position; each part starts a gap after.
        positions = np.arange(len(terms), dtype=np.uint32)
        if len(kept) > 1:
            gaps = np.arange(len(kept), dtype=np.uint32) * _PART_GAP
            positions += np.repeat(gaps, kept)
        return terms, positions

    def _token_ids(self, part: str, numbers: dict[str, int], runs: dict) -> list:
        """The term numbers of ``part``, text with Hangul or Han characters."""
        ids = []
        for token in _TOKEN.findall(part):
            known = runs.get(token)
            if known is None:
                known = runs[token] = tuple(
                    numbers.setdefault(text, len(numbers))
                    for text, _, _ in self._terms(token, True)
                )
            ids += known
        return ids

    def _piece_ids(
        self, part: str, numbers: dict[str, int], words: dict[bytes, int], runs: dict
    ) -> list:
        """The term numbers of ``part`` (-1: dropped), text without Hangul or Han."""
        pieces = part.encode().translate(_WORD_BYTES).split()
        ids = list(map(words.get, pieces))
        if None in ids:
            for piece in {p for p, n in zip(pieces, ids, strict=True) if n is None}:
                words[piece] = self._piece_number(piece, numbers, runs)
            ids = list(map(words.__getitem__, pieces))
        if _SEVERAL in ids:
            ids = _spliced(ids, pieces, runs)
        return ids

    def _piece_number(self, piece: bytes, numbers: dict[str, int], runs: dict) -> int:
        """The number of the one term ``piece`` gives, -1 (none) or ``_SEVERAL``."""
        text = piece.decode()
        # A piece of ASCII letters and digits is one word.
        words = [text] if piece.isalnum() else _WORD.findall(text)
        kept = [
            numbers.setdefault(term, len(numbers))
            for term in map(self.term, words)
            if term is not None
        ]
        if len(kept) > 1:
            runs[piece] = tuple(kept)
            return _SEVERAL
        return kept[0] if kept else -1

    def _terms(self, text: str, removestops: bool):
        term = self.term
        for match in TOKEN_PATTERN.finditer(text):
            start, end = match.span()
            if match.lastgroup == "cjk":
                if end - start == 1:
                    yield match.group(), start, end
                    continue
                run = match.group()
                for i in range(len(run) - 1):
                    yield run[i : i + 2], start + i, start + i + 2
                continue
            result = term(match.group())
            if result is not None:
                yield result, start, end
            elif not removestops:
                folded = fold_word(match.group())
                if folded:
                    yield folded, start, end


# How a term's positions in a document are stored: unsigned integers (32-bit
# on every common platform) in the machine's byte order, as ``array`` writes
# them; the index is local to the machine.
_POSITION_TYPECODE = "I"
POSITION_DTYPE = np.dtype(f"=u{array(_POSITION_TYPECODE).itemsize}")


class TermPositions(Positions):
    """Positions stored as raw uint32s, filled in one pass.

    Whoosh's own ``Positions`` pickles a list of deltas per posting, which
    costs a Python call per document to read back; raw integers let a
    phrase check read a term's positions in every document with one NumPy
    call (see ``phrases``). Pickled into the index: keep it here.
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, ArchiveTokenizer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        positions, _ = analyzer.term_positions(value)
        for term, poslist in positions.items():
            yield term, len(poslist), len(poslist) * boost, self.encode(poslist)

    def encode(self, poslist):
        return array(_POSITION_TYPECODE, poslist).tobytes()

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype=POSITION_DTYPE).tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // POSITION_DTYPE.itemsize


def build_analyzer(stemming: bool = True) -> ArchiveTokenizer:
    """Return the analyzer for searchable text (stemmed) or for surface words."""
    return ArchiveTokenizer(stemming=stemming)


def surface_words(text: str) -> list[tuple[str, str]]:
    """Return (folded word, index term) pairs for the alphabetic words of ``text``."""
    stemmer = _SURFACE
    pairs = []
    for match in TOKEN_PATTERN.finditer(text):
        if match.lastgroup != "word":
            continue
        term = stemmer.term(match.group())
        if term is not None:
            pairs.append((fold_word(match.group()), term))
    return pairs


_SURFACE = ArchiveTokenizer(stemming=True)
