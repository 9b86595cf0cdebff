"""Signals the archive sends for changes that bypass Model.save().

Bulk writes (merges, admin bulk actions) change many articles with
QuerySet.update() or through-table writes, which send no model signals.
Services send ``articles_changed`` instead, inside their transaction, so
listeners (the search index log) see every change.
"""

from django.dispatch import Signal

# Sent with ``article_ids``: an iterable of primary keys whose search-visible
# data changed (or whose rows were deleted). ``defer_apply=True`` leaves the
# search index update to the background worker's next batch instead of right
# after the commit (for long runs that change one article per transaction).
articles_changed = Signal()
