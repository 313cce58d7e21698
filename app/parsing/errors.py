"""The parser's one error type.

Exception tree::

    ValueError
     └── ArticleParseError    anything the parser cannot turn into an Article
"""

from __future__ import annotations


class ArticleParseError(ValueError):
    """Raised for input that is not a parseable article dump.

    The message says what was wrong and what to do about it, in one line.
    """
