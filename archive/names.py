"""Structured names for citations: a person's family and given names, or an organisation.

Author records hold a name as the byline prints it ("Nicole Gaouette", "Kim
Jong Un", "Liberty in North Korea (LiNK)"). Reference managers and citation
styles need to know which part is the family name ("Gaouette, N.") and that an
organisation is never inverted. ``structured_name`` works that out:

- "Family, Given" (a curator's explicit form) is taken as written;
- a Korean name in its own order ("Kim Jong Un", "Moon Jae-in", 김정은) keeps
  the family name first; romanized Korean written given-name-first
  ("Seunghee Ha") is read like any Western name;
- an organisation (a wire, a desk, a name with digits, brackets, an acronym
  or words such as "Institute" or "News") stays one literal name.
"""

import re
from dataclasses import dataclass


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Korean family names as they are usually romanized (Revised, McCune-Reischauer
# and the common spellings of each).
KOREAN_FAMILY_NAMES = _word_set(
    """
    kim gim lee yi rhee ri rhie park pak bak choi choe chae jung jeong chung chong
    cheong kang gang cho jo yoon yun jang chang lim im han oh o seo suh so shin
    sin kwon gwon hwang ahn an song yoo yu ryu jeon chun jun hong ko go moon mun
    yang son sohn bae pae baek paek beak heo hur ho nam shim sim noh no roh ha
    kwak gwak sung seong cha joo ju woo wu koo ku gu min ryoo na jin um eom
    chin pyo pyon byun byeon bang pang kong gong hyun hyeon ham yeom yum rim
    """
)
# Two-syllable Korean family names written in Hangul.
HANGUL_DOUBLE_FAMILY_NAMES = frozenset(
    ["남궁", "황보", "제갈", "선우", "독고", "사공", "서문"]
)
# One romanized Korean syllable: initial consonant(s), vowel, optional final.
_SYLLABLE = (
    r"(?:kk|tt|pp|ss|jj|ch|ts|[gkndtrlmbpsjhywc])?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|ee|oo|ou|ea"
    r"|[aeiouŏŭ])"
    r"(?:ng|[kntlmpgbrh](?![aeiouwyŏŭ]))?"
)
_KOREAN_GIVEN_PART = re.compile(rf"(?:{_SYLLABLE}){{1,2}}", re.IGNORECASE)
_HANGUL = re.compile(r"^[\uac00-\ud7a3]{2,5}$")

ORGANISATION_WORDS = _word_set(
    """
    agency news newspaper service services institute institution center centre
    committee council foundation association organization organisation network
    staff desk editors editorial board team bureau ministry office department
    group reporters reporter correspondents correspondent press media daily
    times post journal herald tribune radio television tv broadcasting
    broadcast corporation company inc ltd llc university college school project
    initiative program programme society union league watch commission
    government coalition alliance fund trust partners research studies unit
    forum library archive archives embassy party army academy
    """
)
_PARTICLES = _word_set(
    "van von de der den du da di del della la le st. bin al el ter ten dos das"
)
_SUFFIXES = _word_set("jr jr. sr sr. ii iii iv")
_WORD = re.compile(r"[\w'\u2019.-]+")


@dataclass(frozen=True)
class Name:
    """A structured name: ``literal`` for an organisation, else family and given."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def is_organisation(self) -> bool:
        return bool(self.literal)

    def inverted(self) -> str:
        """ "Family, Given" (RIS, BibTeX); an organisation's name as it is."""
        if self.literal:
            return self.literal
        parts = [self.family]
        if self.given:
            parts.append(self.given)
        if self.suffix:
            parts.append(self.suffix)
        return ", ".join(parts)

    def csl(self) -> dict:
        """The CSL-JSON name object."""
        if self.literal:
            return {"literal": self.literal}
        name = {"family": self.family}
        if self.given:
            name["given"] = self.given
        if self.suffix:
            name["suffix"] = self.suffix
        return name


def looks_like_organisation(name: str) -> bool:
    """True for names a person would not carry (see the module docstring)."""
    if re.search(r"[\d&()/@:]", name):
        return True
    words = _WORD.findall(name)
    if len(words) < 2:
        # One word is a wire or an outlet ("Reuters", "Yonhap"), not a person.
        return not _HANGUL.match(name)
    if any(len(w) >= 2 and w.isupper() and w.isalpha() for w in words):
        return True  # an acronym: KCNA, NK News, VOA Korean
    return any(w.lower().strip(".") in ORGANISATION_WORDS for w in words)


def _hangul_name(name: str) -> Name:
    split = 2 if name[:2] in HANGUL_DOUBLE_FAMILY_NAMES and len(name) > 3 else 1
    return Name(family=name[:split], given=name[split:])


def _is_korean_order(words: list[str]) -> bool:
    if len(words) < 2 or words[0].lower() not in KOREAN_FAMILY_NAMES:
        return False
    given = [part for w in words[1:] for part in w.split("-")]
    return 1 <= len(given) <= 3 and all(_KOREAN_GIVEN_PART.fullmatch(p) for p in given)


def structured_name(name: str, *, organisations: frozenset[str] = frozenset()) -> Name:
    """Return ``name`` structured for citations; names in ``organisations`` stay literal."""
    name = " ".join(name.split())
    if not name:
        return Name(literal="")
    if name.casefold() in organisations:
        return Name(literal=name)
    if "," in name:
        family, _, rest = name.partition(",")
        given, _, suffix = rest.partition(",")
        if family.strip() and given.strip():
            return Name(
                family=family.strip(), given=given.strip(), suffix=suffix.strip()
            )
    if _HANGUL.match(name.replace(" ", "")) and len(name.split()) <= 2:
        return _hangul_name(name.replace(" ", ""))
    if looks_like_organisation(name):
        return Name(literal=name)
    words = name.split()
    if _is_korean_order(words):
        return Name(family=words[0], given=" ".join(words[1:]))
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix = words.pop()
        words[-1] = words[-1].rstrip(",")
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return Name(
        family=" ".join(words[start:]), given=" ".join(words[:start]), suffix=suffix
    )
