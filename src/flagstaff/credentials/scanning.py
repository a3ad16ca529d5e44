"""The shapes of the tokens Flagstaff mints, as a secret scanner looks for them.

``docs/secret-scanning.md`` quotes these expressions, and a test holds the two together: each
matches every token Flagstaff mints and nothing in random text. A match is only a candidate: the
revocation endpoint checks the checksum and the keyed hash before it revokes anything.
"""

from __future__ import annotations

import re

# user:fsa_ + 32 random base62 characters + a 6-character base62 checksum.
ACCOUNT_TOKEN = r"user:fsa_[0-9A-Za-z]{38}"  # noqa: S105 - a pattern, not a secret
# <project>:<environment>.<56 hex characters>: "*" is every project (or environment), "[]"
# several projects; project ids and environment names are letters, digits and _ ~ . -
API_TOKEN = r"(?:\*|\[\]|[A-Za-z0-9_~.-]{1,100}):(?:\*|[A-Za-z0-9_~.-]{1,100})\.[0-9a-f]{56}"  # noqa: S105
# Both, bounded so that a match never starts or ends inside a longer word.
ANY_TOKEN = re.compile(rf"(?<![0-9A-Za-z_~.\[\]*:-])(?:{ACCOUNT_TOKEN}|{API_TOKEN})(?![0-9A-Za-z])")


def find_tokens(text: str) -> list[str]:
    return [match.group(0) for match in ANY_TOKEN.finditer(text)]
