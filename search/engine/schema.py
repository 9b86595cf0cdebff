"""The index schema: which fields an article becomes, and its version.

Any change here or in ``analyzers.py`` that changes what is stored must bump
``SCHEMA_VERSION``; the system check then asks for ``rebuild_search_index``.
"""

from whoosh import columns, fields

from search.engine.analyzers import TermPositions, build_analyzer

SCHEMA_VERSION = 3

ID = "id"  # the article's primary key as text (unique)
CONTENT = "content"  # title, summary, body, source name, author names
TITLE = "title"  # for title: queries and to rank title matches higher
SOURCE_NAME = "source_name"  # for source:
AUTHOR_NAMES = "author_names"  # for author:
TAG_NAMES = "tag_names"  # for tag:
# Per-document facet values (ids, date, language, kind) and a fingerprint
# of everything indexed, packed by documents.pack_meta().
META = "meta"

TEXT_FIELDS = (CONTENT, TITLE, SOURCE_NAME, AUTHOR_NAMES, TAG_NAMES)
TITLE_BOOST = 2.0


def _text(**options) -> fields.TEXT:
    # A word that analyzes into several terms (Jong-un, 김정은) must match
    # them next to each other.
    field = fields.TEXT(
        analyzer=build_analyzer(), phrase=True, multitoken_query="phrase", **options
    )
    field.format = TermPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    """Return a fresh schema for the article index."""
    return fields.Schema(
        **{
            ID: fields.ID(unique=True, stored=True),
            CONTENT: _text(),
            TITLE: _text(),
            SOURCE_NAME: _text(),
            AUTHOR_NAMES: _text(),
            TAG_NAMES: _text(),
            META: fields.COLUMN(columns.VarBytesColumn()),
        }
    )
