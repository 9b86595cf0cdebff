"""Plain rows, written and read without the ORM's cost per row or per query.

A bulk import of a thousand articles writes thousands of link, log and
count rows; ``bulk_create`` builds, prepares and compiles a model instance
for each (about 20 µs a row here), an ``executemany`` of the values a
fifth of that. And a query asked on every request with only its values
changing (a search's result rows, the registry entries a filter names) is
built and compiled by the ORM in a millisecond or more, many times what the
database takes to answer it: ``compiled_rows`` compiles it once.
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from django.db import connections, router
from django.db.models import Model, QuerySet

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


def compiled_rows(
    model: type[Model],
    key,
    make: Callable[[list], QuerySet],
    values: Iterable,
    *,
    stand_in: Callable[[int], object] = lambda n: f"\x00{n}\x00",
) -> list:
    """Return the rows of ``make(values)``, a ``values_list`` of ``model`` filtered ``__in=values``.

    Compiled once per ``key``, number of values and database connection (of
    this thread), with ``stand_in(n)`` values no row has, and then run with
    the values in their places and the row values converted as the ORM
    would: the same SQL, the same rows. A query whose stand-ins cannot be
    found among its parameters is run by the ORM each time.
    """
    values = list(dict.fromkeys(v for v in values if v is not None))
    if not values:
        return list(make(values))
    connection = connections[router.db_for_read(model)]
    kept = getattr(_compiled, "kept", None)
    if kept is None or kept[0] is not connection:
        kept = _compiled.kept = (connection, {})
    if (key, len(values)) not in kept[1]:
        marks = [stand_in(n) for n in range(len(values))]
        kept[1][(key, len(values))] = _CompiledQuery.of(connection, make(marks), marks)
    query = kept[1][(key, len(values))]
    return list(make(values)) if query is None else query.rows(values)


# Per thread, as its database connection: (connection, {(key, count): query}).
_compiled = threading.local()


class _CompiledQuery:
    def __init__(self, connection, sql, params, places, converters):
        self.connection, self.sql, self.params = connection, sql, params
        self.places, self.converters = places, converters

    @classmethod
    def of(cls, connection, queryset: QuerySet, marks: list):
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        if any(params.count(mark) != 1 for mark in marks):
            return None
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        places = [params.index(mark) for mark in marks]
        return cls(connection, sql, params, places, converters)

    def rows(self, values: list) -> list:
        params = self.params.copy()
        for place, value in zip(self.places, values, strict=True):
            params[place] = value
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in map(list, rows):
            for n, (converters, expression) in self.converters:
                value = row[n]
                for convert in converters:
                    value = convert(value, expression, self.connection)
                row[n] = value
            converted.append(row)
        return converted
