"""Who may see what is not public: drafts are for accounts allowed to view articles.

Being staff only lets an account into the admin; reading an unpublished
article (its page, citations, captures) takes the permission to view
articles, which the editors group and superusers have.
"""

VIEW_ARTICLES = "archive.view_article"


def can_view_drafts(user) -> bool:
    """True when ``user`` may read articles that are not published."""
    return bool(user and user.is_authenticated and user.has_perm(VIEW_ARTICLES))
