"""Where a webhook may send: http or https only, and (unless
``FLAGSTAFF_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``) no private, loopback, link-local or otherwise
non-public address. Literal addresses are refused when the addon is saved; names are resolved
and checked before each delivery."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL = 2048
SCHEMES = ("http", "https")


class AddressRefusedError(Exception):
    """The URL cannot be used; the message says why."""


def check_url(url: str) -> str:
    """The URL's host, or ``AddressRefusedError``."""
    if len(url) > MAX_URL:
        raise AddressRefusedError(f"the URL must be at most {MAX_URL} characters long")
    if url != url.strip() or any(c.isspace() or ord(c) < 0x20 for c in url):
        raise AddressRefusedError("the URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number in range
    except ValueError:
        raise AddressRefusedError("the URL is not valid") from None
    if parts.scheme.lower() not in SCHEMES:
        raise AddressRefusedError("the URL must start with http:// or https://")
    if not parts.hostname:
        raise AddressRefusedError("the URL must name a host")
    if parts.username is not None or parts.password is not None:
        raise AddressRefusedError("put credentials in the authorization parameter, not in the URL")
    return parts.hostname


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_saved(url: str, allow_private: bool) -> None:
    """At save time: the URL's form, and a literal address that must be public."""
    host = check_url(url)
    address = literal_address(host)
    if address is not None and not allow_private and not is_public(address):
        raise AddressRefusedError(f"{address} is not a public address")
    if not allow_private and host.lower().rstrip(".") in ("localhost", "localhost.localdomain"):
        raise AddressRefusedError(f"{host} is not a public address")


def check_resolved(url: str, allow_private: bool) -> None:
    """Before a delivery: every address the host resolves to must be public."""
    host = check_url(url)
    if allow_private:
        return
    port = urlsplit(url).port or (443 if url.lower().startswith("https") else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise AddressRefusedError(f"cannot resolve {host}: {error.strerror or error}") from None
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not is_public(address):
            raise AddressRefusedError(
                f"{host} resolves to {address}, which is not a public address"
            )
