"""What an SDK version string (``name:version``) tells about an application.

The minimum versions are Unleash's (``findOutdatedSdks``): older ones evaluate flags wrongly or
miss features the server relies on. ``client_instances`` does not record through which API an
SDK registered, so frontend SDKs are told apart by name: these are the identifiers Unleash's
browser and mobile SDKs report."""

from __future__ import annotations

import re
from collections.abc import Iterable

MINIMUM_VERSIONS = {
    "unleash-client-node": (5, 3, 2),
    "unleash-client-nextjs": (1, 6, 2),
    "unleash-client-java": (9, 2, 0),
    "unleash-client-go": (4, 1, 0),
    "unleash-client-python": (5, 11, 0),
    "unleash-client-ruby": (5, 0, 0),
    "unleash-client-dotnet": (4, 1, 3),
    "unleash-client-php": (2, 3, 0),
    "unleash-node-sdk": (6, 6, 0),
    "unleash-nextjs-sdk": (1, 6, 2),
    "unleash-java-sdk": (11, 0, 2),
    "unleash-go-sdk": (5, 0, 3),
    "unleash-python-sdk": (6, 3, 0),
    "unleash-ruby-sdk": (6, 3, 1),
    "unleash-dotnet-sdk": (5, 3, 0),
    "unleash-php-sdk": (2, 9, 1),
}
FRONTEND_SDKS = frozenset(
    {
        "unleash-client-js",
        "unleash-js-sdk",
        "unleash-client-swift",
        "unleash-swift-sdk",
        "unleash-android",
        "unleash-android-sdk",
        "unleash-android-proxy-sdk",
        "unleash_proxy_client_flutter",
        "unleash-flutter-sdk",
    }
)
# Strict semantic versions only, as Unleash's ``semver.valid``; pre-releases sort first.
VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+\S+)?$")


def sdk_name(sdk_version: str) -> str:
    return sdk_version.split(":", 1)[0]


def is_frontend(sdk_version: str) -> bool:
    return sdk_name(sdk_version) in FRONTEND_SDKS


def is_outdated(sdk_version: str) -> bool:
    name, _, version = sdk_version.partition(":")
    minimum = MINIMUM_VERSIONS.get(name)
    match = VERSION.match(version)
    if minimum is None or match is None:
        return False
    parsed = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return parsed < minimum or (parsed == minimum and match.group(4) is not None)


def outdated(sdk_versions: Iterable[str]) -> list[str]:
    return sorted({v for v in sdk_versions if is_outdated(v)})
