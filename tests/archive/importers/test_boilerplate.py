# ruff: noqa: RUF001 - captured texts use typographic quotes and dashes
import pytest

from archive.importers.boilerplate import (
    is_appeal,
    is_boilerplate,
    is_caption,
    is_furniture,
)


@pytest.mark.parametrize(
    "line",
    [
        "Please upgrade your Browser",
        "Chrome, Firefox, Safari, Opera or Internet Explorer.",
        "Home > National > North Korea",
        "print dictionary print",
        "Log in to Twitter or Facebook account to connect with the Korea JoongAng Daily",
        "To write comments, please log in to one of the accounts.",
        "Standards Board Policy (0/250자)",
        "Bloomberg Anywhere Remote Login Bloomberg Terminal Demo Request",
        "Follow Us",
        "© 2023 Korea Tech Observer. All rights reserved.",
        "Copyright 2021 Pyongyang Watch",
        "Typeset by: Jisoo Park",
        "Tel. 82 2 2277 1683 (ext. 208) [jspark@eai.or.kr](mailto:jspark@eai.or.kr)",
        "The logo for Refinery29A logo for CNNThe logo for Fox News",
        "Advertisement",
        "Read more: How phones reach the North",
    ],
)
def test_site_furniture_is_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Give Today",
        "Donate Now",
        "Your generous donation will rescue and support North Korean refugees",
        "Join Liberty and give monthly in support of the North Korean people",
        "Awesome! You're subscribed!",
        "Oh no! Looks like something went wrong.",
        "Sign up for our daily newsletter and get the top stories in your inbox.",
        "Learn more about the North Korean people",
    ],
)
def test_appeals_to_give_or_subscribe_are_recognised(line):
    assert is_appeal(line)


@pytest.mark.parametrize(
    "line",
    [
        "Popular South Korean drama Crash Landing on You. Photo credit: Netflix and IMDb.",
        "A North Korean woman checks a computer. Photographer: Pedro Ugarte via Getty Images",
        "Kim Il Sung University, the North's most prestigious institution. [DAVID STANLEY]",
        "Leader Kim Jong Un at a factory. (AP Photo/Jon Chol Jin)",
        "Photo: Yonhap",
    ],
)
def test_captions_and_credits_are_recognised(line):
    assert is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "The app’s privacy policy says that user data is sent to a server in Pyongyang.",
        "Copyright law in North Korea protects only works the state approves.",
        "The logo of the new app resembles a red star over a mountain.",
        "SEOUL (Reuters) - North Korea fired a missile on Tuesday, the military said.",
        "Donors gave less this year, and the agency said it would cut food rations.",
        "Defectors say state TV showed a photo of the leader at the new phone factory.",
        "The footage was broadcast courtesy of the state broadcaster, KCTV.",
        "Phishing e-mails landed in the inboxes of dozens of defectors last week.",
        "North Korea has taken steps to strengthen its AI capabilities [and] research.",
    ],
)
def test_reporting_that_mentions_such_things_is_kept(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Continue reading...",
        "READ THE REST",
        "Related: How the phones get in",
        "Our Standards: The Border Signals Trust Principles.",
        "Citation: Phones seized in raid (2019, October 22) retrieved 20 January 2020 "
        "from https://news.example/2019-10-phones.html",
        "(Credit: Jane Roe / Border Signals)",
    ],
)
def test_what_news_sites_add_to_articles_and_feeds_is_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Retrieved from https://example.org/report",  # a capture's source line
        "Related reports from the border were hard to confirm, the agency said.",
        "The company credits its new factory for the rise in exports.",
    ],
)
def test_reporting_and_source_lines_that_look_alike_are_kept(line):
    assert not is_boilerplate(line)
