"""The analysts' query language, turned into Whoosh queries.

Words are ANDed and each one matches the title, summary, body, source name
or author names; ``OR``, ``NOT``/``-word``, ``"phrases"``, ``"phrase"~5``,
``prefix*`` and ``title:``/``author:``/``source:``/``tag:`` work; curly quotes
and lowercase ``or``/``not`` are forgiven. Nothing else of Whoosh's syntax is
switched on (no wildcards inside words, ranges, boosts or dates), and a query
the parser cannot read is searched as plain words with a notice. This module
is the only caller of a Whoosh parser; filters never pass through it.
"""

import re
import unicodedata
from dataclasses import dataclass

from whoosh import fields, query
from whoosh.qparser import QueryParser, plugins, syntax

from search.engine import schema
from search.engine.analyzers import build_analyzer, is_cjk
from search.engine.variants import EMPTY, VariantExpander, VariantTable, query_words

# Names analysts type -> index fields.
FIELD_NAMES = {
    "content": schema.CONTENT,
    "title": schema.TITLE,
    "author": schema.AUTHOR_NAMES,
    "source": schema.SOURCE_NAME,
    "tag": schema.TAG_NAMES,
}

NOTICE_TRUNCATED = "Only the first {limit} characters of your search were used."
NOTICE_PLAIN_WORDS = (
    "Your search could not be read as written, so its words were searched "
    "without any operators."
)
NOTICE_CLOSED = "An unclosed quote or bracket was closed: searched for {text}"
NOTICE_NO_WORDS = (
    "Your search has no words that can be searched: very common words (the, of, "
    "and) and single letters or digits are ignored."
)
NOTICE_SHORT_PREFIX = (
    "“{text}*” is too short to complete (a word ending in * needs at least "
    "{minimum} letters), so “{text}” was searched as a word."
)
NOTICE_WIDE_PREFIX = (
    "“{text}*” matches many words: the {limit} most common of them were searched."
)
NOTICE_WILDCARD = (
    "* only completes the end of a word (nuclea*), so other * were ignored."
)

_QUOTES = str.maketrans(
    dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u301d\u301e\u00ab\u00bb\uff02", '"')
)
_LONE_STAR = re.compile(r"(?:^|(?<=[\s(]))\*|\*(?=[^\s)])")
_MINUS = re.compile(r"(?:^|(?<=[\s(]))-(?=\S)")
# How many words starting with a prefix are looked at to find the most common.
_PREFIX_SCAN = 4000
_SYNTAX = re.compile(r'[()"*~^:\[\]{}+\-\\]')
# A word followed by a colon outside quotes: a field name (title:radio).
_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))(\w+):")
_TYPED_FIELDS = frozenset(FIELD_NAMES) - {"content"}


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on what one query may ask of the index."""

    # Longer queries are cut.
    max_length: int
    # ``ka*`` style prefixes: the shortest allowed (for alphabetic scripts)
    # and how many of the most frequent matching words are searched.
    prefix_min_length: int
    prefix_max_terms: int


def _text_field() -> fields.TEXT:
    return fields.TEXT(
        analyzer=build_analyzer(), phrase=True, multitoken_query="phrase"
    )


class _PrefixNode(syntax.TextNode):
    """``word*``: folded but not stemmed, expanded later against the index."""

    def query(self, parser):
        fieldname = self.fieldname or parser.fieldname
        texts = list(
            parser.schema[fieldname].process_text(
                self.text, mode="query", tokenize=False, removestops=False
            )
        )
        return query.Prefix(fieldname, texts[0] if texts else "")


class _PrefixPlugin(plugins.PrefixPlugin):
    nodetype = _PrefixNode


def _build_parsers() -> tuple[QueryParser, QueryParser]:
    parse_schema = fields.Schema(**{name: _text_field() for name in FIELD_NAMES})
    operators = plugins.OperatorsPlugin(
        And=r"(?<=\s)AND(?=\s)",
        Or=r"(?<=\s)(?:OR|or|Or)(?=\s)",
        Not=r"(^|(?<=(\s|[(])))(?:NOT|not|Not)(?=\s)",
        AndNot=None,
        AndMaybe=None,
        Require=None,
    )
    full = QueryParser(
        "content",
        parse_schema,
        plugins=[
            plugins.FieldsPlugin(remove_unknown=True),
            _PrefixPlugin(),
            plugins.PhrasePlugin(),
            plugins.GroupPlugin(),
            operators,
            # Only a sign in front of a word: Jong-un stays one word.
            plugins.PlusMinusPlugin(
                plusexpr=r"(?:^|(?<=[\s(]))\+(?=\S)",
                minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)",
            ),
        ],
    )
    plain = QueryParser("content", parse_schema, plugins=[])
    return full, plain


_PARSER, _PLAIN_PARSER = _build_parsers()


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query, parsed and expanded, before it meets an index."""

    tree: query.Query  # fields are the names in FIELD_NAMES
    text: str  # the query as searched (cleaned), for "did you mean"
    typed_terms: tuple[str, ...]  # positive content terms as typed (for spelling)
    also_matched: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.tree is query.NullQuery


def clean_query_text(text: str, limit: int) -> tuple[str, list[str]]:
    """Return ``text`` ready for the parser and the notices about what changed."""
    notices = []
    if len(text) > limit:
        # Cut at a space when there is one, so no word is cut in half.
        cut = text[: limit + 1].rsplit(None, 1)[0] if " " in text[:limit] else ""
        text = cut or text[:limit]
        notices.append(NOTICE_TRUNCATED.format(limit=limit))
    text = "".join(
        " " if unicodedata.category(c)[0] in "CZ" else c for c in text
    ).translate(_QUOTES)
    if _LONE_STAR.search(text):
        text = _LONE_STAR.sub(" ", text)
        notices.append(NOTICE_WILDCARD)
    return " ".join(text.split()), notices


def close_open_syntax(text: str) -> str:
    """Close an unclosed quote or bracket at the end, as the help page promises.

    A closing bracket with nothing to close is dropped.
    """
    kept, depth, in_quote = [], 0, False
    for char in text:
        if char == '"':
            in_quote = not in_quote
        elif char == "(" and not in_quote:
            depth += 1
        elif char == ")" and not in_quote:
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    return "".join(kept) + ('"' if in_quote else "") + ")" * depth


def _is_malformed(text: str) -> bool:
    """True for a field the language lacks."""
    return any(
        name.lower() not in _TYPED_FIELDS for name in _FIELD_PREFIX.findall(text)
    )


def parse_query(
    text: str, *, limits: QueryLimits, variants: VariantTable = EMPTY
) -> ParsedQuery:
    """Parse a user's query; never raises. Variants expand it when given."""
    text, notices = clean_query_text(text, limits.max_length)
    closed = close_open_syntax(text)
    if closed != text:
        text = closed
        notices.append(NOTICE_CLOSED.format(text=text))
    if _is_malformed(text):
        text = " ".join(_SYNTAX.sub(" ", text).split())
        notices.append(NOTICE_PLAIN_WORDS)
    try:
        tree = _PARSER.parse(text).normalize()
        if tree is query.NullQuery and _MINUS.search(text):
            # Only excluded words (-radio): everything else, as NOT radio does.
            tree = _PARSER.parse(_MINUS.sub("NOT ", text)).normalize()
    except Exception:
        # The parser tolerates nearly everything; if it still fails, drop
        # all syntax and search the words.
        tree = _PLAIN_PARSER.parse(_SYNTAX.sub(" ", text)).normalize()
        notices.append(NOTICE_PLAIN_WORDS)
    if tree is query.NullQuery and text:
        notices.append(NOTICE_NO_WORDS)
    typed = tuple(
        dict.fromkeys(
            word
            for leaf, negated in _leaves(tree)
            if not negated and getattr(leaf, "fieldname", None) == "content"
            for word in (query_words(leaf) or getattr(leaf, "words", None) or ())
        )
    )
    expander = VariantExpander(variants)
    if variants.alternatives:
        tree = expander.visit(tree).normalize()
    return ParsedQuery(
        tree=tree,
        text=text,
        typed_terms=typed,
        also_matched=tuple(dict.fromkeys(expander.also_matched)),
        notices=tuple(notices),
    )


def _typed_names(q: query.Query) -> tuple[set[int], set[tuple[tuple[str, ...], int]]]:
    """The words typed as a name that has spelling variants (kim jong un), as phrases.

    The variant expander ORs the typed words with the variants; for marking,
    the typed words are a phrase like the variants, so "Kim" alone (Kim Il
    Sung) is not marked for a search for Kim Jong-un.
    """
    leaves: set[int] = set()
    phrases: set[tuple[tuple[str, ...], int]] = set()
    stack = [q]
    while stack:
        node = stack.pop()
        if isinstance(node, query.Or) and len(node.subqueries) > 1:
            for child in node.subqueries:
                words = _run_words(child)
                if words:
                    phrases.add((words, 1))
                    leaves.update(id(leaf) for leaf in child.subqueries)
        if isinstance(node, (query.CompoundQuery, query.Not)):
            stack.extend(node.children())
    return leaves, phrases


def _run_words(q: query.Query) -> tuple[str, ...] | None:
    """The words of an AND of plain words and exact phrases in one field, else None."""
    if not isinstance(q, query.And):
        return None
    parts = [query_words(child) for child in q.subqueries]
    fields = {getattr(child, "fieldname", None) for child in q.subqueries}
    if None in parts or len(fields) != 1:
        return None
    return tuple(word for part in parts for word in part)


def _leaves(q: query.Query, negated: bool = False):
    """Yield (leaf query, negated) for every leaf of ``q``."""
    if isinstance(q, query.Not):
        yield from _leaves(q.query, not negated)
    elif isinstance(q, query.AndNot):
        yield from _leaves(q.a, negated)
        yield from _leaves(q.b, not negated)
    elif isinstance(q, query.AndMaybe):
        yield from _leaves(q.a, negated)
        yield from _leaves(q.b, negated)
    elif isinstance(q, query.CompoundQuery):
        for child in q.subqueries:
            yield from _leaves(child, negated)
    elif q is not query.NullQuery:
        yield q, negated


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed query bound to one index: what matches and how it is ranked."""

    match: query.Query
    # (field, term, boost) whose weights add up to a document's score.
    ranking_terms: tuple[tuple[str, str, float], ...]
    highlight_terms: frozenset[str]
    notices: tuple[str, ...] = ()
    # Phrases as (words, slop): their words are marked only where they occur together.
    highlight_phrases: frozenset[tuple[tuple[str, ...], int]] = frozenset()


def compile_query(parsed: ParsedQuery, reader, limits: QueryLimits) -> CompiledQuery:
    """Map parser fields to index fields and expand ``prefix*`` against ``reader``."""
    notices: list[str] = []
    match = _Compiler(reader, notices, limits).visit(parsed.tree).normalize()
    ranking: dict[tuple[str, str], float] = {}
    single: set[str] = set()
    name_leaves, phrases = _typed_names(match)
    for leaf, negated in _leaves(match):
        if negated:
            continue
        if id(leaf) in name_leaves:
            pass  # marked as the whole name, like its variants
        # Hangul is indexed as overlapping pairs (김정, 정은): its phrases
        # are marked pair by pair, as the snippet finds them.
        elif (
            isinstance(leaf, query.Phrase)
            and len(leaf.words) > 1
            and not all(is_cjk(word) for word in leaf.words)
        ):
            phrases.add((tuple(leaf.words), leaf.slop))
        else:
            single.update(query_words(leaf) or ())
        for word in query_words(leaf) or getattr(leaf, "words", None) or ():
            ranking[(leaf.fieldname, word)] = leaf.boost
            if leaf.fieldname == schema.CONTENT:
                # A match in the title counts again, double.
                ranking[(schema.TITLE, word)] = schema.TITLE_BOOST
    return CompiledQuery(
        match=match,
        ranking_terms=tuple((f, t, b) for (f, t), b in ranking.items()),
        highlight_terms=frozenset(single),
        notices=tuple(dict.fromkeys(notices)),
        highlight_phrases=frozenset(phrases),
    )


@dataclass
class _Compiler:
    reader: object
    notices: list[str]
    limits: QueryLimits

    def visit(self, q: query.Query) -> query.Query:
        if isinstance(q, query.Prefix):
            return self._prefix(FIELD_NAMES[q.fieldname], q.text)
        if isinstance(q, query.Term):
            return query.Term(FIELD_NAMES[q.fieldname], q.text, boost=q.boost)
        if isinstance(q, query.Phrase):
            return query.Phrase(
                FIELD_NAMES[q.fieldname], list(q.words), slop=q.slop, boost=q.boost
            )
        if isinstance(q, (query.CompoundQuery, query.Not)):
            return q.apply(self.visit)
        return q

    def _prefix(self, fieldname: str, text: str) -> query.Query:
        minimum = 1 if is_cjk(text) else self.limits.prefix_min_length
        if len(text) < minimum:
            self.notices.append(NOTICE_SHORT_PREFIX.format(text=text, minimum=minimum))
            terms = [t.text for t in build_analyzer()(text, mode="query")]
            if not terms:
                return query.NullQuery
            return (
                query.Term(fieldname, terms[0])
                if len(terms) == 1
                else (query.Phrase(fieldname, terms))
            )
        limit = self.limits.prefix_max_terms
        found = []
        for i, (term, info) in enumerate(self.reader.iter_prefix(fieldname, text)):
            found.append((info.doc_frequency(), term.decode("utf-8")))
            if i >= _PREFIX_SCAN:
                break
        if len(found) > limit:
            self.notices.append(NOTICE_WIDE_PREFIX.format(text=text, limit=limit))
            found = sorted(found, reverse=True)[:limit]
        if not found:
            return query.NullQuery
        return query.Or([query.Term(fieldname, term) for _, term in found])
