"""Body templates: ``{{event.type}}``, ``{{event.data.name}}`` and the like put the event's
fields into the text (Mustache's variable syntax, as Unleash's webhooks use it; ``{{{ }}}`` is
the same). A string goes in as it is; a number, boolean, list or object as JSON; a missing
field as nothing. Sections, partials and anything else in braces are refused, so a template
that is saved always renders."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_TEMPLATE = 10_000
_TAG = re.compile(r"\{\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\}|\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


class TemplateError(Exception):
    """The template cannot be rendered; the message says where."""


def check(template: str) -> None:
    if len(template) > MAX_TEMPLATE:
        raise TemplateError(f"the body template must be at most {MAX_TEMPLATE} characters long")
    rest = _TAG.sub("", template)
    for marker in ("{{", "}}"):
        at = rest.find(marker)
        if at >= 0:
            raise TemplateError(
                f"the body template has {marker!r} that is not part of a {{{{field.name}}}} tag "
                "(sections and partials are not supported)"
            )


def render(template: str, context: dict[str, Any]) -> str:
    check(template)

    def value(match: re.Match[str]) -> str:
        found: Any = context
        for part in (match.group(1) or match.group(2)).split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found is None:
            return ""
        return found if isinstance(found, str) else json.dumps(found)

    return _TAG.sub(value, template)
