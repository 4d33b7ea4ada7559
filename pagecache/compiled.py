"""SQL compiled once from an ORM queryset, for statements run on every request.

Building and compiling a queryset costs a fraction of a millisecond, which on the
hot paths (the content version read on every page, the article page's rows)
is a large share of a request; and a database trigger cannot run a queryset at
all. The apps compile such querysets once per database, with a marker object
standing for each value known only when the statement runs, and run the SQL
with that value put in its place. Only this module reaches into the queryset's
compiler (Query.get_compiler, its selected columns and converters), which Django
does not document;
tests/test_page_cache.py, tests/test_rows.py and tests/test_search.py check the
results against the ORM's own.
"""

from django.db import connections


class Marker:
    """Stands for a value given each time the compiled statement runs."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


def compiled(queryset, using):
    """(sql, params) of the queryset for the database `using`; Marker objects stay in params."""
    return queryset.query.get_compiler(using=using).as_sql()


class Loader:
    """A queryset of model instances, compiled once: run() reads them in one query, converting each
    value as the ORM converts it (the same converters its compiler uses) and building the
    instances with Model.from_db()."""

    def __init__(self, queryset, using):
        compiler = queryset.query.get_compiler(using=using)
        self.sql, self.params = compiler.as_sql()
        columns = [column for column, _, _ in compiler.select]
        self.model, self.using = queryset.model, using
        self.names = [column.target.attname for column in columns]
        self.converters = list(compiler.get_converters(columns).items())

    def run(self, values):
        """The instances, with each Marker's value from `values`."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, bound(self.params, values))
            rows = cursor.fetchall()
        found = []
        for row in rows:
            cells = list(row)
            for position, (converters, expression) in self.converters:
                for converter in converters:
                    cells[position] = converter(cells[position], expression, connection)
            found.append(self.model.from_db(self.using, self.names, cells))
        return found


def condition(queryset, using):
    """(sql, params) of the queryset's WHERE condition alone, its columns named by their table's
    own name, to put in a statement written by hand."""
    compiler = queryset.query.get_compiler(using=using)
    return compiler.compile(queryset.query.where)


def bound(params, values):
    """The parameters with each Marker replaced by its value from `values` ({marker: value})."""
    return [values[param] if isinstance(param, Marker) else param for param in params]
