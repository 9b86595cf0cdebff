"""One home for what browse and search share: facets, parameters, links, exports.

``facets`` declares each facet once; ``types`` holds the values a listing
passes around (``SearchParams``, ``Facet``, …) and its sizes; ``params``
reads request parameters, ``querystring`` writes links, ``exports`` writes
the other formats, and ``searching`` is how archive pages reach search
without importing it.
"""
