"""The synthetic corpus's sources, tags and author names (fixed, seed-independent)."""

import random
from dataclasses import dataclass
from functools import cache


def _words(text: str) -> list[str]:
    return text.split()


SYNTHETIC_DOMAIN = "synthetic.example"
# Every synthetic article's URL starts with this; nothing real can (RFC 2606).
SYNTHETIC_URL_PREFIX = f"https://{SYNTHETIC_DOMAIN}/"
SYNTHETIC_TAG = "synthetic-corpus"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    kind: str
    country: str
    # True for sources that also publish in Korean (the corpus's ~5% ko articles).
    korean: bool = False


# In order of how much they publish (the corpus draws them Zipf-skewed).
SOURCES = (
    SourceSpec("Synthetic Peninsula Daily", "news-outlet", "South Korea", True),
    SourceSpec("Synthetic Central News Agency", "state-media", "North Korea", True),
    SourceSpec("Synthetic Border Monitor", "news-outlet", "South Korea", True),
    SourceSpec("Synthetic Asia Wire", "wire", "Singapore"),
    SourceSpec("Synthetic Workers' Daily", "state-media", "North Korea", True),
    SourceSpec("Synthetic Seoul Tribune", "news-outlet", "South Korea"),
    SourceSpec("Synthetic Institute for Korean Studies", "think-tank", "United States"),
    SourceSpec("Synthetic Free Voice Radio", "news-outlet", "United States", True),
    SourceSpec("Synthetic Pacific Herald", "news-outlet", "Japan"),
    SourceSpec("Synthetic Policy Forum", "think-tank", "United States"),
    SourceSpec("Synthetic Unification Review", "government", "South Korea", True),
    SourceSpec("Synthetic Human Rights Watchers", "ngo", "United States"),
    SourceSpec("Synthetic Global Report", "news-outlet", "United Kingdom"),
    SourceSpec("Synthetic Northeast Asia Journal", "academic", "United Kingdom"),
    SourceSpec("Synthetic Pyongyang Times", "state-media", "North Korea"),
    SourceSpec("Synthetic Digital Freedom Lab", "ngo", "Germany"),
    SourceSpec("Synthetic Open Signal Blog", "blog", "United States"),
    SourceSpec("Synthetic Economic Observer", "news-outlet", "United States"),
    SourceSpec("Synthetic Media Watch Korea", "ngo", "South Korea", True),
    SourceSpec("Synthetic Defense Quarterly", "academic", "United States"),
    SourceSpec("Synthetic Voice of the Capital", "state-media", "North Korea"),
    SourceSpec("Synthetic Continental Press", "wire", "France"),
    SourceSpec("Synthetic Korea Risk Briefing", "think-tank", "South Korea"),
    SourceSpec("Synthetic Yalu River Notes", "blog", "China"),
    SourceSpec("Synthetic Evening Standard Asia", "news-outlet", "Hong Kong"),
    SourceSpec("Synthetic Center for Strategic Affairs", "think-tank", "United States"),
    SourceSpec("Synthetic Ministry Bulletin", "government", "South Korea"),
    SourceSpec("Synthetic University Press of Seoul", "academic", "South Korea", True),
    SourceSpec("Synthetic Refugee Support Network", "ngo", "South Korea"),
    SourceSpec("Synthetic Tech Frontier", "blog", "United States"),
    SourceSpec("Synthetic Eurasia Times", "news-outlet", "Russia"),
    SourceSpec("Synthetic Nordic Observer", "news-outlet", "Sweden"),
    SourceSpec("Synthetic Liberty Broadcasts", "news-outlet", "United States"),
    SourceSpec("Synthetic Security Studies Review", "academic", "Australia"),
    SourceSpec("Synthetic Kaesong Letter", "blog", "South Korea"),
    SourceSpec("Synthetic Foreign Affairs Digest", "government", "United States"),
    SourceSpec("Synthetic Hamgyong Reports", "news-outlet", "South Korea", True),
    SourceSpec("Synthetic Data Society", "ngo", "Netherlands"),
    SourceSpec("Synthetic Morning Courier", "news-outlet", "Canada"),
    SourceSpec("Synthetic Archive Notes", "blog", "United Kingdom"),
)

# Article kinds each kind of source publishes, with weights.
KINDS_BY_SOURCE_KIND = {
    "news-outlet": (("news", 70), ("analysis", 15), ("interview", 10), ("report", 5)),
    "state-media": (("state-media", 95), ("news", 5)),
    "wire": (("news", 95), ("analysis", 5)),
    "think-tank": (("analysis", 55), ("report", 40), ("interview", 5)),
    "academic": (("report", 60), ("analysis", 40)),
    "ngo": (("report", 60), ("news", 20), ("interview", 20)),
    "government": (("report", 60), ("news", 40)),
    "blog": (("blog", 90), ("interview", 10)),
}

# About 150 tags, most used first; names are lowercase so slugs follow directly.
TAGS = tuple(
    """
mobile phones|foreign media|information control|radio|smuggled media|k-pop|sanctions
state media|propaganda|border|china|surveillance|censorship|intranet|defectors
human rights|markets|usb drives|television|dramas|internet|cybersecurity|hacking
cryptocurrency|leadership|succession|nuclear program|missiles|diplomacy|inter-korean relations
united states|japan|russia|unification|education|universities|students|youth
women|labor|prison camps|public executions|crackdowns|anti-reactionary law
language policy|music|film|books|newspapers|broadcasting|jamming|shortwave
leaflets|balloons|sd cards|dvds|notetel|smartphones|red star os|software
app stores|telecommunications|koryolink|3g networks|wi-fi|bluetooth|encryption
steganography|file tracking|watermarking|computer science|research output
academic collaboration|ai|generative ai|science policy|economy|food security
agriculture|trade|smuggling|traders|currency|exchange rates|prices|corruption
bribery|security services|police|military|army|party|cadres|elites|pyongyang
hyesan|sinuiju|dandong|yanji|kaesong|rason|ryanggang|north hamgyong|chagang
tourism|sports|religion|health|covid-19|border closure|quarantine|floods
famine|aid|ngo programs|un reports|commission of inquiry|refugees|resettlement
english language|translation|survey research|interviews|opinion|history
korean war|memoirs|biographies|photography|satellite imagery|maps|infrastructure
energy|electricity|solar panels|transport|railways|construction|housing|families
children|elderly|loyalty|ideology|juche|songun|byungjin|five-year plan
party congress|plenary meetings|elections|constitution|law|courts|punishment
""".replace("\n", "|")
    .strip("|")
    .split("|")
)

_WESTERN_FIRST = _words("""
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William
Susan Richard Jessica Joseph Sarah Thomas Karen Daniel Nancy Matthew Lisa Anthony
Emily Mark Anna Paul Laura Andrew Rachel Peter Sophie Martin Claire Nicole Victor
Hannah Oliver Chloe Lucas Emma Felix Julia Tobias Ingrid Pierre Amelie Dmitri Olga
""")
_WESTERN_LAST = _words("""
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Martin Jackson White Harris Clark Lewis Walker Hall Young Allen Wright Scott Green
Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey
Fischer Weber Dubois Laurent Ivanov Petrova Lindqvist Jensen Tanaka Suzuki Sato
""")
_KOREAN_SURNAMES = _words(
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ryu Hong"
)
_KOREAN_GIVEN = _words("""
Min-ji Seo-yeon Ji-woo Ha-eun Su-bin Ji-hoon Min-jun Seo-jun Do-yoon Hyun-woo
Sung-hoon Young-ho Jae-won Eun-ji Hye-jin Kyung-soo Dong-hyun Seung-hee Yeon-mi Chol-su
""")
_HANGUL_SURNAMES = _words("김 이 박 최 정 강 조 윤 장 임 한 오")
_HANGUL_GIVEN = _words(
    "민지 서연 지우 하은 수빈 지훈 민준 서준 도윤 현우 성훈 영호 재원 은지 혜진 경수 동현 승희 연미 철수"
)


@dataclass(frozen=True)
class AuthorPools:
    """Author names: ``latin`` for English articles, ``hangul`` for Korean ones."""

    latin: tuple[str, ...]
    hangul: tuple[str, ...]


@cache
def author_pools(latin_count: int = 320, hangul_count: int = 60) -> AuthorPools:
    """Return the fixed author names: Western and romanized Korean, and Hangul."""
    rng = random.Random("synthetic-authors")  # noqa: S311 - fixed names, not secrets
    latin: dict[str, None] = {}
    while len(latin) < latin_count:
        if rng.random() < 0.7:
            name = f"{rng.choice(_WESTERN_FIRST)} {rng.choice(_WESTERN_LAST)}"
        else:
            name = f"{rng.choice(_KOREAN_SURNAMES)} {rng.choice(_KOREAN_GIVEN)}"
        latin[name] = None
    hangul: dict[str, None] = {}
    while len(hangul) < hangul_count:
        hangul[rng.choice(_HANGUL_SURNAMES) + rng.choice(_HANGUL_GIVEN)] = None
    return AuthorPools(latin=tuple(latin), hangul=tuple(hangul))
