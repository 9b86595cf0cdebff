"""Recognisers for what surrounds an article on a web page but is not part of it.

Menus, browser warnings, comment widgets, share toolbars, copyright and contact
blocks, logo alt text, photo captions and credits, and appeals to donate or
subscribe. Each test looks at one line or paragraph of text; the capture parser
and the web-page cleaner both use them, so a pattern added here cleans both.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import re


def _compile(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_FURNITURE = _compile(
    # Browser and script warnings.
    r"^please (?:upgrade|update) your browser",
    r"\byour browser is (?:out[- ]of[- ]date|outdated|not supported)",
    r"^(?:chrome|firefox|safari|edge|opera)(?:,\s*(?:chrome|firefox|safari|edge|opera))*,?"
    r"\s+(?:or|and)\s+(?:internet explorer|chrome|firefox|safari|edge|opera)\.?$",
    r"\b(?:please )?enable javascript\b",
    r"\bjavascript (?:is )?(?:disabled|required)\b",
    # Cookie banners.
    r"\bwe use cookies\b",
    r"^accept (?:all )?cookies$",
    r"\bcookie (?:policy|settings|preferences)\b",
    # Comment widgets.
    r"^log ?in (?:to|with) .*\b(?:twitter|facebook|google|kakao|account)",
    r"\bto (?:write|post|leave|add) (?:a )?comments?\b",
    r"^(?:leave|post|add|write) a (?:comment|reply)\b",
    r"^\d+ (?:comments?|replies)$",
    r"^comments?(?: \(\d+\))?:?$",
    r"^(?:help-image )?social comment",
    r"^lock icon$",
    r"\(\d+/\d+\s*자?\)$",
    r"^(?:show|load|view|read) (?:more |all )?comments\b",
    r"\bcomments? powered by\b",
    r"^be the first to comment",
    r"\bmust be logged in to (?:post|leave) a comment",
    r"\byour email address will not be published",
    # Toolbars, breadcrumbs, menus and log-in links.
    r"^(?:(?:print|dictionary|e-?mail|share|tweet|facebook|twitter|linkedin|whatsapp"
    r"|kakaotalk|telegram|reddit|copy link|font size|a\+|a-|listen|save|bookmark)"
    r"[\s|/·]*){1,8}$",
    r"^share (?:this|on|via)\b.{0,60}$",
    r"^[^.!?]{1,40}(?:\s[>›»]\s[^.!?]{1,40}){1,6}$",
    r"^(?:sign|log) ?(?:in|up|out)\b.{0,40}$",
    r"\bremote login\b",
    r"^(?:register|my account|menu|search|close|skip to (?:main )?content"
    r"|back to top|follow us|customer support|contact us|about us|home)$",
    # Advertising and links to other stories.
    r"^(?:advertisement|sponsored|ad)$",
    r"^(?:related|recommended|most (?:read|popular|viewed)|trending|popular|latest|top)"
    r"(?: (?:articles|stories|news|posts|reads|content))?:?$",
    r"^read (?:more|next|also|the rest)\b.{0,80}$",
    r"^continue reading\b.{0,80}$",
    r"^related(?: (?:stories|articles|coverage|content|links|reading))?\s*[:：]",
    r"^(?:previous|next) (?:post|article|story)\b.{0,80}$",
    # Copyright, disclaimers, colophons.
    r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))",
    r"\ball rights reserved\b",
    r"\bunauthori[sz]ed reproduction\b",
    r"^typeset by\b",
    r"^[^.!?]{0,60}\b(?:privacy policy|terms of (?:use|service))\b[^.!?]{0,60}$",
    r"\btakes no institutional position\b",
    r"^(?:our|read our|see our|about our)\s+(?:editorial\s+)?(?:standards|ethics policy"
    r"|corrections policy|trust principles)\b.{0,80}$",
    r"\bviews expressed (?:in|here)\b.{0,80}\b(?:authors?|do not)\b",
    r"\bproudly powered by\b",
    # "Citation: <headline> (2019, October 22) retrieved 20 January 2020 from https://…",
    # the reference a site prints for readers who cite the article.
    r"\bretrieved\s+(?:on\s+)?[\w ,]{6,30}\d{4},?\s+from\s+https?://",
    # Contact blocks.
    r"^(?:tel|phone|fax|e-?mail|contact)\b\.?\s*[:\d+\[<]",
    r"^for inquiries\b",
    r"^<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?$",
    r"^\+?\d[\d ()./-]{6,}$",
    # Logos as alt text.
    r"(?:\blogo for\b.*){2,}",
    r"^(?:the |a )?logo (?:for|of)\b[^.!?]*$",
    r"\blogo$",
)

_APPEAL = _compile(
    r"^donate(?: now| today| here)?!?$",
    r"\bdonate (?:now|today)\b",
    r"\bgive (?:today|monthly|now)\b",
    r"\bmonthly gift\b",
    r"\byour (?:generous )?(?:donation|gift|support) (?:will|can|helps?|keeps?)\b",
    r"\b(?:support|fund) (?:our|independent) (?:work|journalism|reporting|mission)\b",
    r"\bsubscribe (?:to|for) (?:our|the)\b.{0,60}\b(?:newsletter|updates|mailing list|briefing)",
    r"\bsign up (?:for|to) (?:our|the)\b.{0,60}\b(?:newsletter|briefing|updates|mailing list)",
    r"\bjoin (?:our|the) (?:mailing list|newsletter)\b",
    r"\byou'?re subscribed\b",
    r"\blooks like something went wrong\b",
    r"^check (?:these|this) out!?$",
    r"^stand with\b",
    r"\b(?:get|delivered|sent|straight|directly|right)\b.{0,40}\b(?:in|to) your inbox\b",
    r"^(?:newsletter|subscribe|support us|give)!?$",
    r"^learn more(?: about .{0,60})?$",
    r"^become a (?:member|supporter|patron)\b",
    r"\benjoying this (?:article|story)\b",
)

_CAPTION = _compile(
    r"\bphoto(?:graph)?(?: (?:credit|courtesy|by))?\s*[:：]",
    r"\bphotographer\s*[:：]",
    r"\b(?:image|picture|illustration|video)(?: (?:credit|courtesy|source))?\s*[:：]",
    r"^credits?\s*[:：]",
    r"^\(\s*[\w ]{0,20}\b(?:credits?|courtesy)\s*[:：][^)]{1,80}\)\.?$",
    r"\bvia getty images\b",
    r"\b(?:getty images|shutterstock)\)?\.?$",
    r"\((?:ap|afp|reuters|yonhap|kcna|epa|news1|xinhua) photo\b",
    r"/(?:ap|afp|reuters|yonhap|kcna|epa|news1|xinhua)\)\.?$",
    r"^(?:file )?photo\b.{0,12}[:–—-]",
    r"^(?:photo |image |picture )?courtesy of\b",
    r"\((?:photo )?courtesy of [^)]{1,60}\)\.?$",
)
# A credit in capitals closing a caption: "… higher education. [DAVID STANLEY]".
_CREDIT = re.compile(r"\[[A-Z][A-Z0-9 .,'’&/-]{1,40}\]$")

# Captions and appeals are short; a long paragraph that mentions a photo or a
# donation is reporting, not furniture.
_SHORT = 300


def is_furniture(text: str) -> bool:
    """True for site navigation, widgets, warnings, copyright and contact lines."""
    return len(text) <= _SHORT and bool(_FURNITURE.search(text.strip()))


def is_appeal(text: str) -> bool:
    """True for a call to donate, subscribe or sign up."""
    return len(text) <= _SHORT and bool(_APPEAL.search(text.strip()))


def is_caption(text: str) -> bool:
    """True for a photo caption or credit line."""
    text = text.strip()
    return len(text) <= _SHORT and bool(_CAPTION.search(text) or _CREDIT.search(text))


def is_boilerplate(text: str) -> bool:
    """True for anything in this module: not part of the article's text."""
    return is_furniture(text) or is_appeal(text) or is_caption(text)
