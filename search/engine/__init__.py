"""The search engine: Whoosh storage and parsing, NumPy matching and ranking.

No Django here: the Django side calls the backend interface in ``api.py``
(see README.md in this folder for how a query becomes ranked hits).
"""
