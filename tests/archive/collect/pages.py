"""Pages for the capture tests, of the kinds the seeds show."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "importers" / "data"

NEWS_PAGE = (DATA / "news_page_saved.html").read_text()
BLOG_PAGE = (DATA / "blog_post_page.html").read_text()

KOREAN_TEXT = (
    "조선중앙통신에 의하면 평양에서 새로운 손전화 봉사망이 개통되였다. "
    "체신성 관계자는 이동통신망이 여러 지역으로 확대되고 있다고 말하였다. "
    "주민들은 새 봉사를 리용하여 문자통보문을 주고받을수 있게 되였다고 한다. "
    "전문가들은 이것이 정보류통에 미치는 영향을 주시하고 있다."
)


def korean_page(declare: str = "") -> str:
    """A Korean article page; ``declare`` is a <meta> charset label, or nothing."""
    meta = f'<meta charset="{declare}">' if declare else ""
    paragraphs = "".join(f"<p>{KOREAN_TEXT}</p>" for _ in range(3))
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>평양에서 새 손전화 봉사망 개통</title>"
        '<meta name="date" content="2023-03-14"></head><body><article>'
        f"<h1>평양에서 새 손전화 봉사망 개통</h1>{paragraphs}</article></body></html>"
    )
