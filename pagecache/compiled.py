"""SQL compiled once from an ORM queryset, for statements run on every request.

Building and compiling a queryset costs a fraction of a millisecond, which on the
hot paths (the content version read on every page, the article page's rows)
is a large share of a request. The apps compile such querysets once per
database, with a marker object standing for each value known only when the
statement runs, and run the SQL with that value put in its place. Only this
module reaches into the queryset's compiler (Query.get_compiler), which Django
does not document; tests/test_page_cache.py and tests/test_rows.py check the
results against the ORM's own.
"""


class Marker:
    """Stands for a value given each time the compiled statement runs."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


def compiled(queryset, using):
    """(sql, params) of the queryset for the database `using`; Marker objects stay in params."""
    return queryset.query.get_compiler(using=using).as_sql()


def bound(params, values):
    """The parameters with each Marker replaced by its value from `values` ({marker: value})."""
    return [values[param] if isinstance(param, Marker) else param for param in params]
