"""Deterministic synthetic articles: what ``generate_corpus`` writes.

Each article is built as plain data (no database), already in the stored form
``Article.clean()`` would produce: a body of ``<p>`` paragraphs that the
sanitizer leaves unchanged, the matching ``body_text`` and ``content_hash``.
"""

import datetime
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from django.utils.text import slugify

from archive.models import content_hash
from archive.synthetic import registries, vocabulary
from archive.urlnorm import normalize_url

GENERATOR_VERSION = "v1"
FIRST_YEAR, LAST_DATE = 2000, datetime.date(2026, 10, 31)
KOREAN_SHARE = 0.05
DOMAIN_SHARE = 0.04  # of English body tokens
PHRASE_SHARE = 0.02
INFERRED_DATE_SHARE = 0.03
AUTHOR_COUNT_WEIGHTS = (20, 50, 22, 8)  # 0, 1, 2 or 3 authors
SUMMARY_MARK = "[Synthetic]"


@dataclass(frozen=True)
class ArticleSpec:
    """One synthetic article; registries are referred to by index."""

    number: int
    title: str
    slug: str
    url: str
    url_key: str
    source: int
    authors: tuple[int, ...]  # into AuthorPools.latin or .hangul (by language)
    tags: tuple[int, ...]  # into registries.TAGS
    published: datetime.date
    published_is_inferred: bool
    language: str
    kind: str
    summary: str
    body: str
    body_text: str
    content_hash: str


def corpus_url_prefix(seed: int) -> str:
    """Return the URL prefix shared by every article generated with ``seed``."""
    return f"{registries.SYNTHETIC_URL_PREFIX}corpus/{GENERATOR_VERSION}/seed-{seed}/"


def _zipf_cumulative(n: int, exponent: float = 1.0, offset: float = 2.7) -> list[float]:
    return list(
        itertools.accumulate(1 / (rank + offset) ** exponent for rank in range(n))
    )


class _Distribution:
    """Words with cumulative weights, sampled with ``random.choices``."""

    def __init__(self, words: Sequence[str], weights: Sequence[float]) -> None:
        self.words = list(words)
        self.cumulative = list(itertools.accumulate(weights))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def _mixed(parts: Sequence[tuple[Sequence[str], list[float], float]]) -> _Distribution:
    """Join Zipf-weighted word lists, each scaled to its share of the total."""
    words: list[str] = []
    weights: list[float] = []
    for part_words, part_cumulative, share in parts:
        total = part_cumulative[-1]
        previous = 0.0
        for cumulative in part_cumulative:
            weights.append((cumulative - previous) / total * share)
            previous = cumulative
        words.extend(part_words)
    return _Distribution(words, weights)


@cache
def _english_body() -> _Distribution:
    english = vocabulary.english_words()
    phrases = list(vocabulary.PHRASES)
    phrase_weights = list(itertools.accumulate(vocabulary.PHRASES.values()))
    return _mixed(
        [
            (
                english,
                _zipf_cumulative(len(english), 1.1),
                1 - DOMAIN_SHARE - PHRASE_SHARE,
            ),
            (
                vocabulary.DOMAIN_TERMS,
                _zipf_cumulative(len(vocabulary.DOMAIN_TERMS), 1.1, 4),
                DOMAIN_SHARE,
            ),
            (phrases, phrase_weights, PHRASE_SHARE),
        ]
    )


@cache
def _english_title() -> _Distribution:
    # Headlines skip most function words and lean on the subject's terms.
    content = vocabulary.english_words()[len(vocabulary.FUNCTION_WORDS) :]
    phrases = list(vocabulary.PHRASES)
    return _mixed(
        [
            (content, _zipf_cumulative(len(content), 1.1, 10), 0.6),
            (
                vocabulary.DOMAIN_TERMS,
                _zipf_cumulative(len(vocabulary.DOMAIN_TERMS), 0.8, 8),
                0.3,
            ),
            (phrases, list(itertools.accumulate(vocabulary.PHRASES.values())), 0.1),
        ]
    )


@cache
def _korean_body() -> _Distribution:
    words = vocabulary.korean_words()
    latin = ("USB", "DVD", "MP3", "SD", "IPTV", "Wi-Fi")
    return _mixed(
        [
            (words, _zipf_cumulative(len(words), 0.9, 5), 0.86),
            (vocabulary.KOREAN_MODIFIERS, _zipf_cumulative(len(vocabulary.KOREAN_MODIFIERS)), 0.12),
            (latin, _zipf_cumulative(len(latin)), 0.02),
        ]
    )  # fmt: skip


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _english_sentence(rng: random.Random) -> str:
    words = _english_body().sample(rng, rng.randint(8, 24))
    if len(words) > 12:
        at = rng.randint(3, len(words) - 4)
        words[at] += ","
    return _capitalized(" ".join(words)) + "."


def _korean_sentence(rng: random.Random) -> str:
    words = _korean_body().sample(rng, rng.randint(4, 10))
    return " ".join([*words, rng.choice(vocabulary.KOREAN_PREDICATES)]) + "."


def _paragraphs(rng: random.Random, language: str) -> list[str]:
    """Return 300 to 1,200 words as paragraphs of 40 to 140 words."""
    sentence = _korean_sentence if language == "ko" else _english_sentence
    remaining = rng.randint(300, 1200)
    paragraphs = []
    while remaining > 0:
        size, words, sentences = min(rng.randint(40, 140), remaining), 0, []
        while words < size:
            sentences.append(sentence(rng))
            words += sentences[-1].count(" ") + 1
        paragraphs.append(" ".join(sentences))
        remaining -= words
    return paragraphs


def _title(rng: random.Random, language: str) -> str:
    if language == "ko":
        words = _korean_body().sample(rng, rng.randint(4, 8))
        return " ".join(words)
    target, words = rng.randint(6, 12), []
    while sum(w.count(" ") + 1 for w in words) < target:
        words.extend(_english_title().sample(rng, 1))
    return _capitalized(" ".join(words))


def _published(rng: random.Random) -> datetime.date:
    """Return a date in 2000-2026, each year about 13% more likely than the one before."""
    years = range(FIRST_YEAR, LAST_DATE.year + 1)
    year = rng.choices(years, weights=[1.13 ** (y - FIRST_YEAR) for y in years])[0]
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), LAST_DATE)
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _distinct(rng: random.Random, cumulative: list[float], k: int) -> tuple[int, ...]:
    chosen: dict[int, None] = {}
    population = range(len(cumulative))
    while len(chosen) < k:
        chosen[rng.choices(population, cum_weights=cumulative)[0]] = None
    return tuple(chosen)


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


class CorpusGenerator:
    """Yields ``ArticleSpec`` objects; the same seed always gives the same articles."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        sources = registries.SOURCES
        self.korean_sources = [i for i, s in enumerate(sources) if s.korean]
        self.source_weights = _zipf_cumulative(len(sources), 1.1, 1)
        self.korean_source_weights = _zipf_cumulative(len(self.korean_sources), 1.1, 1)
        self.tag_weights = _zipf_cumulative(len(registries.TAGS), 0.9, 1)
        pools = registries.author_pools()
        self.latin_author_weights = _zipf_cumulative(len(pools.latin), 0.8, 5)
        self.hangul_author_weights = _zipf_cumulative(len(pools.hangul), 0.8, 5)

    @staticmethod
    def url(seed: int, number: int) -> str:
        """Return the URL of article ``number`` (from 1) of the corpus of ``seed``."""
        return f"{corpus_url_prefix(seed)}{number:07d}"

    @classmethod
    def url_key(cls, seed: int, number: int) -> str:
        """Return the stored URL key of article ``number`` of the corpus of ``seed``."""
        return normalize_url(cls.url(seed, number))

    def articles(self, count: int) -> Iterator[ArticleSpec]:
        """Yield the first ``count`` articles of this seed's corpus."""
        for number in range(1, count + 1):
            yield self._article(number)

    def _article(self, number: int) -> ArticleSpec:
        rng = self.rng
        language = "ko" if rng.random() < KOREAN_SHARE else "en"
        if language == "ko":
            source = self.korean_sources[
                rng.choices(range(len(self.korean_sources)), cum_weights=self.korean_source_weights)[0]
            ]  # fmt: skip
        else:
            source = rng.choices(
                range(len(registries.SOURCES)), cum_weights=self.source_weights
            )[0]
        source_kind = registries.SOURCES[source].kind
        title = _title(rng, language)
        paragraphs = _paragraphs(rng, language)
        body_text = "\n".join(paragraphs)
        url = self.url(self.seed, number)
        return ArticleSpec(
            number=number,
            title=title,
            slug=slugify(title, allow_unicode=True)[:200].strip("-") or "article",
            url=url,
            url_key=normalize_url(url),
            source=source,
            authors=self._authors(language, source_kind),
            tags=_distinct(rng, self.tag_weights, rng.randint(2, 6)),
            published=_published(rng),
            published_is_inferred=rng.random() < INFERRED_DATE_SHARE,
            language=language,
            kind=_weighted(rng, registries.KINDS_BY_SOURCE_KIND[source_kind]),
            summary=f"{SUMMARY_MARK} {paragraphs[0].split('. ')[0].rstrip('.')}.",
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            body_text=body_text,
            content_hash=content_hash(body_text),
        )

    def _authors(self, language: str, source_kind: str) -> tuple[int, ...]:
        rng = self.rng
        count = rng.choices(range(4), weights=AUTHOR_COUNT_WEIGHTS)[0]
        if source_kind == "state-media" and rng.random() < 0.85:
            count = 0
        weights = (
            self.hangul_author_weights
            if language == "ko"
            else self.latin_author_weights
        )
        return _distinct(rng, weights, count)
