"""Plain INSERTs of many small rows, without a model instance per row.

A bulk import of a thousand articles writes thousands of link, log and
count rows; ``bulk_create`` builds, prepares and compiles a model instance
for each (about 20 µs a row here), an ``executemany`` of the values a
fifth of that.
"""

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connections, router
from django.db.models import Model

CHUNK = 1000


def insert_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """Insert ``rows`` of values for ``columns`` (field names) into ``model``'s table.

    Values go to the database as given: ints, strings, or what a field's
    ``get_db_prep_save`` returned (dates, JSON). No signals, no defaults.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    table = quote(model._meta.db_table)
    # Only quoted names of the model's own table go into the text; values are parameters.
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, CHUNK)):
            cursor.executemany(sql, chunk)


def prepared(model: type[Model], name: str, value):
    """``value`` as the database takes it for ``model``'s field ``name``."""
    connection = connections[router.db_for_write(model)]
    return model._meta.get_field(name).get_db_prep_save(value, connection)
