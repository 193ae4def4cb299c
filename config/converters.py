"""Path converters shared by every app's URLs.

Registered in `config/urls.py`, which Django imports before any app's URL module, so every
`urls.py` can use them by name.
"""

from django.urls import register_converter


class DatabaseIdConverter:
    """A primary key in a URL: `<id:name>`.

    Django's `int` converter lets any run of digits through, and an id beyond what the
    database column holds fails inside the ORM (OverflowError on SQLite, DataError on
    PostgreSQL): a 500 for a URL nobody could ever have been given. Primary keys here are
    signed 64-bit integers (`BigAutoField`, and `AutoField` ids are smaller still), so
    anything larger cannot name a row. Refusing it in the resolver makes such a URL a plain
    404 for every route at once, before any view runs.
    """

    # Nineteen ASCII digits hold every signed 64-bit value; `\d` would also take other
    # scripts' digits, which int() accepts and no URL we make ever contains.
    regex = "[0-9]{1,19}"
    largest = 2**63 - 1

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > self.largest:
            # ValueError tells the resolver this pattern does not match.
            raise ValueError(f"{value} is beyond any database id")
        return number

    def to_url(self, value: int) -> str:
        number = int(value)
        if not 0 <= number <= self.largest:
            # ValueError makes reverse() try other patterns and then raise NoReverseMatch.
            raise ValueError(f"{value} is not a database id")
        return str(number)


register_converter(DatabaseIdConverter, "id")
