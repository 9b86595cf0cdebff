"""The benchmark's fixed analyst queries, by category, and the hostile ones.

Source and tag values are the slugs the synthetic corpus creates; rare words
are named by their frequency rank in the corpus vocabulary.
"""

import datetime
from dataclasses import dataclass

from django.utils.text import slugify

from archive.listing.types import SearchParams
from archive.synthetic import registries, vocabulary


@dataclass(frozen=True)
class BenchQuery:
    """One analyst query: words as typed, plus the filters picked beside them."""

    category: str
    q: str
    selected: tuple[tuple[str, str], ...] = ()
    excluded: tuple[tuple[str, str], ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"

    def params(self) -> SearchParams:
        """Return the ``SearchParams`` the search page would build for this query."""
        return SearchParams(
            q=self.q,
            selected=frozenset(self.selected),
            excluded=frozenset(self.excluded),
            date_from=self.date_from,
            date_to=self.date_to,
            sort=self.sort,
        )

    def query_data(self) -> dict[str, list[str]]:
        """Return the search page's query string for this query, as lists of values."""
        data: dict[str, list[str]] = {"q": [self.q]}
        for name, value in self.selected:
            data.setdefault(name, []).append(value)
        for name, value in self.excluded:
            data.setdefault(f"not_{name}", []).append(value)
        if self.date_from:
            data["from"] = [self.date_from.isoformat()]
        if self.date_to:
            data["to"] = [self.date_to.isoformat()]
        if self.sort != "relevance":
            data["sort"] = [self.sort]
        return data

    def describe(self) -> str:
        """Return the query and its filters as one line for the report."""
        parts = [self.q]
        parts += [f"{name}={value}" for name, value in self.selected]
        parts += [f"-{name}={value}" for name, value in self.excluded]
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or ''}..{self.date_to or ''}")
        if self.sort != "relevance":
            parts.append(f"sort={self.sort}")
        return " ".join(parts)


def source_slug(n: int) -> str:
    """Return the slug of the n-th synthetic source (0 publishes most)."""
    return slugify(registries.SOURCES[n].name)


def tag_slug(name: str) -> str:
    """Return the slug of a synthetic tag, refusing names the corpus lacks."""
    if name not in registries.TAGS:
        raise ValueError(f"The synthetic corpus has no tag {name!r}.")
    return slugify(name)


def _year(first: int, last: int | None = None) -> dict:
    return {
        "date_from": datetime.date(first, 1, 1),
        "date_to": datetime.date(last or first, 12, 31),
    }


COMMON = (
    "government", "media", "radio", "phone", "market", "people", "border",
    "information", "television", "security", "officials", "smuggling", "report",
    "china", "party", "program", "drama", "internet", "crackdown", "economy",
    "foreign", "north", "korea", "students", "network",
)  # fmt: skip
TWO_WORDS = (
    "radio jamming", "smuggling border", "USB drama", "phone surveillance",
    "market prices", "state television", "foreign films", "police crackdown",
    "students university", "intranet Kwangmyong", "Koryolink users",
    "propaganda songs", "defectors interviews", "sanctions trade", "Chinese smartphones",
    "SD card", "leaflets balloons", "shortwave listeners", "hackers cryptocurrency",
    "Red Star", "notel DVD", "youth ideology", "punishment law", "broadcast signals",
    "elite loyalty",
)  # fmt: skip
THREE_WORDS = (
    "radio jamming border", "smuggled USB sticks", "mobile phone surveillance",
    "foreign media crackdown", "state media propaganda", "Chinese SIM cards border",
    "South Korean dramas punishment", "intranet students university",
    "market prices food", "Kim Jong Un statement", "hackers cryptocurrency sanctions",
    "leaflet balloons border", "television broadcast signals", "youth ideology law",
    "software Red Star OS",
)  # fmt: skip
PHRASES = (
    '"mobile phone"', '"foreign media"', '"state media"', '"information control"',
    '"outside world"', '"border region"', '"human rights"', '"Red Star OS"',
    '"Rodong Sinmun"', '"Korean Central News Agency"', '"black market"',
    '"South Korean"', '"North Korea"', '"smuggled media"', '"cell phone"',
    '"Radio Free Asia"', '"Voice of America"', '"SD cards"', '"young people"',
    '"security agents"', '"Kaesong Industrial Complex"', '"Crash Landing on You"',
    '"anti-reactionary thought law"', '"foreign broadcasts" radio',
    '"media environment"',
)  # fmt: skip
NAMES = (
    "Kim Jong Un", "Kim Jong-un", "Kim Jŏng-ŭn", "Kim Jong Il", "Kim Il Sung",
    "Kim Yo Jong", "Ri Sol Ju", "Pyongyang", "P'yŏngyang", "Nodong Sinmun",
    "Rodong", "Chosŏn", "Choson", "Hyesan", "Sinuiju", "Dandong", "KCNA",
    "Lazarus Group", "Orascom", "Kim Chaek University",
)  # fmt: skip
KOREAN = (
    "김정은", "로동신문", "북한", "평양", "손전화", "단속", "장마당", "북한 단속",
    "조선중앙통신", "한류", "김여정", "보위부", "혜산 밀수", "외부 정보", "반동사상문화배격법",
)  # fmt: skip
OPERATORS = (
    "radio OR television", "smuggling -china", "title:Pyongyang", "jam*",
    '"foreign media"~5', "smartphone NOT Koryolink", "surveil*", "USB OR DVD OR SD",
    "title:radio jamming", "Koryo*",
)  # fmt: skip


# Frequency ranks in the corpus vocabulary: from about 1 article in 100 down
# to about 1 in 3,000.
RARE_RANKS = (2000, 4000, 6000, 9000, 12000, 15000, 18000, 21000, 24000, 27000,
              29000, 29990)  # fmt: skip
RARE_TERMS = (
    "whitelist", "file signing", "steganography", "WannaCry", "Samjiyon tablet",
    "Grurupa 109", "Bureau 121", "Notetel", "Cheo Technology", "trace viewer",
)  # fmt: skip
# Nothing in the corpus has these: the "did you mean" path.
ABSENT = ("Kwangmyeongg", "zzyzxqua", "Pyongyanng")


def _rare() -> tuple[str, ...]:
    words = vocabulary.english_words()
    return tuple(words[rank] for rank in RARE_RANKS) + RARE_TERMS + ABSENT


def _filtered() -> list[BenchQuery]:
    f = "filtered"
    top, mid, small = source_slug(0), source_slug(6), source_slug(30)
    return [
        BenchQuery(f, "radio", selected=(("source", top),)),
        BenchQuery(f, "radio", selected=(("source", small),)),
        BenchQuery(f, "smuggling", selected=(("tag", tag_slug("smuggling")),)),
        BenchQuery(f, "phone", selected=(("tag", tag_slug("mobile phones")),)),
        BenchQuery(f, "market prices", selected=(("source", mid),)),
        BenchQuery(f, "media", **_year(2012)),
        BenchQuery(f, "media", **_year(2020, 2026)),
        BenchQuery(f, "crackdown", **_year(2005, 2010)),
        BenchQuery(f, "김정은", selected=(("lang", "ko"),)),
        BenchQuery(f, "Kim Jong Un", selected=(("lang", "en"),)),
        BenchQuery(f, "border", selected=(("kind", "analysis"),)),
        BenchQuery(f, "border", selected=(("kind", "state-media"),)),
        BenchQuery(f, "government", selected=(("year", "2019"),)),
        BenchQuery(f, "government", selected=(("year", "2019"), ("year", "2020"))),
        BenchQuery(f, "television", selected=(("source", top), ("source", mid))),
        BenchQuery(
            f, "television", selected=(("source", top), ("tag", tag_slug("television")))
        ),
        BenchQuery(
            f, '"foreign media"', selected=(("tag", tag_slug("foreign media")),)
        ),
        BenchQuery(f, "Pyongyang", selected=(("kind", "news"),), **_year(2015, 2024)),
        BenchQuery(f, "USB", excluded=(("source", top),)),
        BenchQuery(f, "internet", excluded=(("tag", tag_slug("censorship")),)),
        BenchQuery(
            f,
            "sanctions",
            selected=(("tag", tag_slug("sanctions")), ("tag", tag_slug("trade"))),
        ),
        BenchQuery(
            f,
            "hackers",
            selected=(("tag", tag_slug("cybersecurity")),),
            **_year(2014, 2026),
        ),
        BenchQuery(f, "students", selected=(("source", source_slug(13)),)),
        BenchQuery(
            f,
            "leaflets",
            selected=(("year", "2016"),),
            excluded=(("kind", "state-media"),),
        ),
        BenchQuery(f, "Koryolink", selected=(("lang", "en"), ("kind", "report"))),
        BenchQuery(f, "radio jamming", selected=(("tag", tag_slug("jamming")),)),
        BenchQuery(
            f,
            "drama",
            selected=(("tag", tag_slug("dramas")), ("source", source_slug(2))),
        ),
        BenchQuery(f, "people", selected=(("year", "2003"),)),
        BenchQuery(
            f, "security", selected=(("source", source_slug(1)),), **_year(2024)
        ),
        BenchQuery(f, "북한", selected=(("source", source_slug(0)),)),
        BenchQuery(f, "workers", selected=(("source", source_slug(4)),)),
        BenchQuery(f, "music", selected=(("tag", tag_slug("k-pop")),)),
        BenchQuery(f, "information", **_year(2025)),
        BenchQuery(f, "network", selected=(("kind", "blog"),)),
        BenchQuery(f, "propaganda", selected=(("source", source_slug(14)),)),
        BenchQuery(f, "economy", excluded=(("year", "2026"), ("year", "2025"))),
        BenchQuery(f, "party", selected=(("tag", tag_slug("party congress")),)),
        BenchQuery(
            f,
            "intranet",
            selected=(("tag", tag_slug("intranet")),),
            **_year(2010, 2026),
        ),
        BenchQuery(
            f, "officials report", selected=(("kind", "report"), ("lang", "en"))
        ),
        BenchQuery(f, "Hyesan", selected=(("tag", tag_slug("hyesan")),)),
    ]


def _newest() -> list[BenchQuery]:
    n = "newest first"
    words = ("radio", "Kim Jong Un", "smuggling", "USB", '"foreign media"',
             "Koryolink", "crackdown", "김정은", "market prices", "leaflets")  # fmt: skip
    queries = [BenchQuery(n, q, sort="newest") for q in words]
    queries.append(
        BenchQuery(n, "phone", selected=(("source", source_slug(0)),), sort="newest")
    )
    queries.append(
        BenchQuery(n, "signals", selected=(("tag", tag_slug("radio")),), sort="newest")
    )
    return queries


def analyst_queries() -> list[BenchQuery]:
    """Return the fixed list of about 200 analyst queries."""
    plain = [
        ("common word", COMMON),
        ("rare word", _rare()),
        ("two words", TWO_WORDS),
        ("three words", THREE_WORDS),
        ("phrase", PHRASES),
        ("name", NAMES),
        ("Korean", KOREAN),
        ("operators", OPERATORS),
    ]
    queries = [BenchQuery(category, q) for category, qs in plain for q in qs]
    return queries + _filtered() + _newest()


def hostile_queries() -> list[BenchQuery]:
    """Return broad or malformed queries that must still answer within the limit."""
    # Fifty frequent content words ORed (matches nearly everything, all scored)
    # and fifty pasted words ANDed (a paragraph typed into the box).
    fifty_or = " OR ".join(vocabulary.COMMON_WORDS[:50])
    fifty_words = " ".join(vocabulary.english_words()[100:150])
    function_phrase = '"' + " ".join(vocabulary.FUNCTION_WORDS[:8]) + '"'
    typed = (
        "a*", "*ang", "ka*", "*", "?", "s*", "co*", "*a*", "p*ng", "title:*",
        fifty_or, fifty_words, function_phrase, '"the media the border"~50',
        "the", "-the", "NOT", "((((radio", '"unbalanced quote', "[a TO z]",
        "x^9", "field:", "source:", "radio " * 100, "김*", "*정은",
    )  # fmt: skip
    queries = [BenchQuery("hostile", q) for q in typed]
    queries.append(BenchQuery("hostile", "a*", sort="newest"))
    queries.append(BenchQuery("hostile", fifty_or, selected=(("lang", "en"),)))
    return queries
