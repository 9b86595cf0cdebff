"""The article page's statement about the article at its source."""

from django import template

from archive.watch.selectors import statement

register = template.Library()


@register.inclusion_tag("watch/_statement.html")
def at_source_statement(article):
    """Say whether the article changed or went at its source (nothing while unchecked)."""
    return {"article": article, "statement": statement(article)}
