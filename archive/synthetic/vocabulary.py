"""Word lists for the synthetic corpus: English, domain terms, phrases and Korean.

The English vocabulary is fixed (it does not depend on the corpus seed), so the
benchmark queries can name words by their frequency rank.
"""

import random
from functools import cache


def _words(text: str) -> list[str]:
    return text.split()


def _terms(text: str) -> list[str]:
    """Split lines of ``|``-separated terms (terms may contain spaces)."""
    return [term for line in text.strip().splitlines() for term in line.split("|")]


VOCABULARY_SIZE = 30_000

# The head of the Zipf distribution, in rough frequency order, as in real
# English text (the search stop list removes most of them).
FUNCTION_WORDS = _words("""
the of and to a in that is for on was with as by it said at from his an be
are has have this were which its not but they their had or been will after
who more also one would about into than over can other new when there all two
we she her out up only some no could them if these most first may what so
many between while such through under since against during those both because
where before any very how three our then each even much still last well now
just own same another while among around without several four however do did
""")

# Ordinary newspaper words: the body of the distribution after the function words.
COMMON_WORDS = _words("""
north korea korean koreans government people state country regime officials
leader party media information report year years time south china chinese
border foreign military security nuclear program market trade access control
news world international united states american public policy economic economy
system power political told according percent million week month months day
days official ministry department national local authorities citizens
residents source sources family families life work workers city cities
province region area areas law laws order orders rules rule campaign crackdown
punishment prison camp camps labor police agents agency surveillance
monitoring technology devices device network networks phone phones service
services content video videos music film films drama dramas television
broadcast broadcasts broadcasting station stations program programs listeners
viewers audience users user software hardware computer computers internet
online digital data files file copies copy storage app apps application
applications system systems security secure encryption encrypted signal
signals frequency frequencies shortwave jamming jammed towers tower
coverage price prices cost costs money dollars yuan won smuggling smuggled
smugglers traders trader merchants market markets jangmadang goods products
imports exports sanctions sanction aid food shortage shortages economy
growth development research study studies survey surveys interview
interviews defector defectors refugees refugee escape escaped fled crossed
crossing rivers river tumen yalu village villages town towns school schools
students student university universities teachers education children youth
young generation women men soldiers army troops officers party members
cadres elite elites leadership dynasty succession propaganda ideology loyalty
slogans songs posters newspaper newspapers editorial editorials article
articles reports reporting journalist journalists correspondent press
freedom rights human abuses violations investigation evidence testimony
analysis analysts expert experts observers researchers scholars institute
center think tank commission committee council meeting meetings talks summit
diplomacy diplomatic relations cooperation exchange exchanges visit visits
delegation agreement statement statements announcement announced claimed
denied confirmed revealed showed shows suggests suggested noted added
explained described warned urged called calls called says say saying believe
believed think known seen used using use allowed banned ban bans illegal
legal risk risks danger threat threats fear fears pressure tension tensions
conflict war peace unification inter relations policy policies strategy
plans plan efforts effort attempt attempts measures measure steps step
changes change increase increased decrease decline rise rising spread
spreading growing larger smaller major minor key main important significant
new old recent latest early late long short high low large small little
great good bad real true possible likely unlikely difficult easy open closed
private personal social cultural political economic technical military
domestic external internal western eastern northern southern capital rural
urban central remote daily weekly annual monthly history historical past
future current modern traditional official unofficial secret hidden public
available limited restricted strict tight heavy light rare common popular
widely largely mostly rarely often sometimes usually already again also
""")

# About 160 terms of the archive's subject (media, devices, places, outlets and
# people, with the romanization variants analysts meet in real reporting), most
# frequent first.
DOMAIN_TERMS = _terms("""
Pyongyang|Kim Jong Un|radio|smartphone|KCNA|Rodong Sinmun|USB|intranet|DVD
Koryolink|Kwangmyong|smartphones|USB sticks|SD card|SD cards|micro SD|radios|DVDs
VCD|notel|notels|Notetel|jamming|jammers
Korean Central News Agency|Nodong Sinmun|Kim Jong-un
Kim Jŏng-ŭn|Kim Jong Il|Kim Il Sung|Kim Yo Jong|Ri Sol Ju|P'yŏngyang
Red Star OS|Samjiyon|Arirang|Jindallae|Pyongyang Touch|Manbang|IPTV|Korean Central Television
KCTV|Voice of Korea|Radio Free Asia|RFA|Voice of America|VOA|Daily NK|NK News
38 North|Unification Media Group|Open Radio for North Korea|Free North Korea Radio
KBS Hanminjok|balloon launches|leaflets|leaflet balloons|K-pop|K-dramas|Hallyu
Squid Game|Crash Landing on You|BTS|Blackpink|Gangnam Style|Winter Sonata
Stairway to Heaven|Autumn in My Heart|Chinese smartphones|Huawei|Xiaomi|Vivo
SIM cards|Chinese SIM cards|Dandong|Yanji|Hyesan|Sinuiju|Hoeryong|Musan
Ryanggang|North Hamgyong|Chagang|Kaesong|Kaesong Industrial Complex|Wonsan
Chongjin|Rason|Ministry of State Security|bowibu|Group 109|109 Sangmuja
Grurupa 109|anti-reactionary thought law|Reactionary Ideology and Culture Rejection Act
Youth Education Guarantee Act|Pyongyang Cultural Language Protection Act
Ministry of Unification|Korea Institute for National Unification|KINU
InterMedia|Liberty in North Korea|LiNK|Human Rights Watch|Amnesty International
UN Commission of Inquiry|COI|Choson|Chosŏn|Chosun|Workers' Party|WPK
Central Committee|Propaganda and Agitation Department|PAD|Korea Computer Center
KCC|Kim Chaek University|Kim Il Sung University|Pyongyang University of Science and Technology
PUST|Lazarus Group|hackers|cryptocurrency|ransomware|WannaCry|Sony Pictures
Bureau 121|Reconnaissance General Bureau|RGB|fiber optic|3G|4G|Orascom
Cheo Technology|Star Joint Venture|Mirae|Mirae network|Wi-Fi|Bluetooth
MP3 players|MP4 players|tablet|tablets|Samjiyon tablet|laptop|laptops
e-books|steganography|watermark|screenshots|trace viewer|file signing|whitelist
censorship|self-censorship|information inflow|information access|outside information
""")

# Recurring two-word phrases, with their relative weight among phrases.
PHRASES = {
    "North Korea": 40,
    "North Korean": 30,
    "South Korea": 20,
    "South Korean": 14,
    "mobile phone": 12,
    "mobile phones": 10,
    "foreign media": 10,
    "state media": 10,
    "information control": 6,
    "border region": 5,
    "outside world": 5,
    "human rights": 5,
    "media environment": 3,
    "smuggled media": 3,
    "foreign broadcasts": 3,
    "cell phone": 3,
    "black market": 3,
    "young people": 3,
    "security agents": 2,
    "the regime": 2,
}

# Korean: nouns are written with particles attached (북한의, 김정은은), as in
# real Korean text, so a search for 북한 must see inside 북한의.
KOREAN_NOUNS = _words("""
북한 김정은 김여정 김정일 김일성 로동신문 노동신문 조선중앙통신 조선중앙TV 평양 당국
주민 주민들 손전화 휴대전화 스마트폰 인트라넷 광명망 고려링크 라디오 단속 외부 정보
영상 드라마 한국 중국 국경 국경지역 보위부 검열 그루빠 반동사상문화배격법 청년 학생 대학
장마당 시장 상인 밀수 밀수꾼 탈북민 탈북자 통일부 당 위원회 간부 군인 군대 노동자 가족
사회 문화 음악 영화 노래 한류 케이팝 방송 전파 방해 전파방해 통신 통제 감시 처벌 교화소
수용소 인권 유엔 미국 일본 러시아 제재 경제 무역 식량 가격 돈 달러 위안 컴퓨터 노트텔
알판 메모리 저장장치 파일 프로그램 붉은별 운영체제 해커 사이버 암호화폐 기술 과학 연구
조사 설문 보고서 전문가 분석 소식통 기자 신문 잡지 선전 사상 충성 지도자 정권 체제 변화
양강도 함경북도 혜산 신의주 회령 무산 개성 원산 청진 단둥 연길 압록강 두만강 세대 젊은이
""")

KOREAN_PARTICLES_AFTER_CONSONANT = (
    "은",
    "이",
    "을",
    "의",
    "에",
    "에서",
    "으로",
    "과",
    "도",
    "까지",
)
KOREAN_PARTICLES_AFTER_VOWEL = (
    "는",
    "가",
    "를",
    "의",
    "에",
    "에서",
    "로",
    "와",
    "도",
    "까지",
)

KOREAN_MODIFIERS = _words("""
최근 또한 특히 이미 지난해 올해 다시 크게 여전히 새로운 외부의 많은 일부 모든 현재 계속
최대 불법 강력한 은밀히 공개적으로 점차 급격히 본격적으로 실제로 사실상
""")

KOREAN_PREDICATES = _words("""
밝혔다 전했다 보도했다 강조했다 지적했다 알려졌다 확인됐다 증가했다 감소했다 단속했다
있다 없다 한다 됐다 나타났다 주장했다 설명했다 분석했다 보인다 늘었다 줄었다 퍼졌다
""")

_SYLLABLE_ONSETS = _words(
    "b c d f g h j k l m n p r s t v w y z ch sh th st tr br pl gr"
)
_SYLLABLE_NUCLEI = _words("a e i o u a e i o ai ea ou io")
_SYLLABLE_CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st", "ng"]


def _pseudo_word(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 2, 3, 3))
    return "".join(
        rng.choice(_SYLLABLE_ONSETS)
        + rng.choice(_SYLLABLE_NUCLEI)
        + rng.choice(_SYLLABLE_CODAS)
        for _ in range(syllables)
    )


@cache
def english_words() -> tuple[str, ...]:
    """Return the English vocabulary in rank order (most frequent first), fixed."""
    words = list(dict.fromkeys(FUNCTION_WORDS + COMMON_WORDS))
    seen = set(words) | {term.lower() for term in DOMAIN_TERMS}
    rng = random.Random("synthetic-vocabulary")  # noqa: S311 - fixed words, not secrets
    while len(words) < VOCABULARY_SIZE:
        word = _pseudo_word(rng)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return tuple(words)


def has_final_consonant(syllable: str) -> bool:
    """Tell whether a Hangul syllable ends in a consonant (it picks 은 over 는)."""
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 != 0


@cache
def korean_words() -> tuple[str, ...]:
    """Return Korean eojeol (nouns with each fitting particle, and bare nouns)."""
    words = []
    for noun in KOREAN_NOUNS:
        particles = (
            KOREAN_PARTICLES_AFTER_CONSONANT
            if has_final_consonant(noun[-1])
            else KOREAN_PARTICLES_AFTER_VOWEL
        )
        words.append(noun)
        words.extend(noun + particle for particle in particles)
    return tuple(words)
