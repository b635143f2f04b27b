"""The one way tests make HTTP requests: to this machine's own servers, never through a proxy, never off it."""

from __future__ import annotations

import ssl
import urllib.parse
import urllib.request

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def open_loopback(url: str | urllib.request.Request, timeout: float = 30, verify: bool = True,
                  handlers: tuple[urllib.request.BaseHandler, ...] = ()):
    """Open ``url`` (or a Request) on a loopback address, bypassing any $http_proxy / $https_proxy, which urlopen
    would otherwise follow off the machine. ``verify=False`` for the tests' own self-signed certificates;
    ``handlers`` are added to the opener (e.g. one that refuses redirects)."""
    full = url.full_url if isinstance(url, urllib.request.Request) else url
    assert urllib.parse.urlsplit(full).hostname in LOOPBACK_HOSTS, full  # loopback only
    chain: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({}), *handlers]
    if not verify:
        chain.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
    return urllib.request.build_opener(*chain).open(url, timeout=timeout)
