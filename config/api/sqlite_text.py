"""Case-insensitive text matching on SQLite that folds every letter, as PostgreSQL does.

Django matches `iexact`, `istartswith`, `iendswith` and `icontains` on SQLite with `LIKE`, whose
built-in version folds ASCII letters only: `q[name]=ÉCOLE*` found "ÉCOLE" but not "école", while
PostgreSQL (`UPPER(...) LIKE UPPER(...)`) finds both. SQLite lets an application replace `like()`
(what `X LIKE Y ESCAPE Z` calls), so every SQLite connection gets one that folds with Python's
Unicode rules (`re.IGNORECASE`). The `iregex` lookups already fold: Django's SQLite REGEXP is
Python's `re`. Django's case-sensitive `contains`/`startswith` also use LIKE on SQLite, and were
already case-insensitive there (Django documents it); they now fold all letters as well.
The cost: SQLite no longer uses an index for a LIKE prefix (it never did for Django's ESCAPE
clause) and calls Python once per row compared, which is fine for the development database."""

import re
from functools import lru_cache

from django.db.backends.signals import connection_created


def unicode_like(pattern, value, escape=None):
    """SQL `value LIKE pattern [ESCAPE escape]`, folding case for every letter (NULL if either is)."""
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(str(value)) is not None


@lru_cache(maxsize=1024)
def _like_regex(pattern, escape):
    """The regex of a LIKE pattern: `%` any run, `_` one character, `escape` makes the next literal."""
    parts, characters = [], iter(pattern)
    for character in characters:
        if escape and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def install_unicode_like(sender, connection, **kwargs):
    """connection_created receiver: replace SQLite's like() on each new connection."""
    if connection.vendor != "sqlite":
        return
    for arity in (2, 3):
        connection.connection.create_function("like", arity, unicode_like, deterministic=True)


def connect():
    connection_created.connect(install_unicode_like, dispatch_uid="config.api.sqlite_text")
