"""Market price feeds fetched over HTTP, within the feed's limits.

The first step of a feed run: fetch (this service) -> parse (the price
engine) -> import (prod.planning.price.import). Nothing here stores
anything; the feed model runs the steps and records the outcome.

A fetch is bounded in time (the feed's timeout covers the whole exchange,
however slowly the server answers), in size (the feed's size limit, counted
on the inflated body) and in reach: redirects are followed to the same host
only, and hosts resolving to loopback, private or link-local addresses are
refused unless the system parameter ``prod_planning.feed_allowed_hosts``
lists them.
"""

import contextlib
import email.message
import http.client
import ipaddress
import socket
import threading
import time
import zlib
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from odoo import _, api, models

ALLOWED_HOSTS_PARAM = "prod_planning.feed_allowed_hosts"
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 5


class FeedFetchError(Exception):
    """The fetch was refused or stopped by the feed's limits; the message says why."""


# The sockets a fetch opens, in its thread, for its watchdog to shut at the deadline.
_fetch_sockets = threading.local()


class _WatchedConnectionMixin:
    def _new_conn(self):
        sock = super()._new_conn()
        sockets = getattr(_fetch_sockets, "sockets", None)
        if sockets is not None:
            sockets.append(sock)
        return sock


class _WatchedHTTPConnection(_WatchedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """Opens connections whose sockets the fetch's watchdog can shut: socket
    timeouts bound each read only, a server sending a byte now and then (in
    the TLS handshake, the headers or the body) is stopped by the watchdog."""

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WATCHED_POOLS
        return result

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = WATCHED_POOLS
        return manager


@contextlib.contextmanager
def _deadline_watchdog(seconds):
    """Shut the sockets the fetch opened once ``seconds`` have passed; yields
    an event set when it did."""
    sockets, expired = [], threading.Event()

    def shut_sockets():
        expired.set()
        for sock in list(sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, shut_sockets)
    timer.daemon = True
    _fetch_sockets.sockets = sockets
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
        _fetch_sockets.sockets = None


class ProdPlanningPriceFeedFetcher(models.AbstractModel):
    _name = "prod.planning.price.feed.fetcher"
    _description = "Raw-Material Price Feed Fetcher"

    @api.model
    def _fetch(self, feed):
        """GET the feed's URL; the payload as text ("" when the server has no
        content). Raises FeedFetchError or the requests errors (timeout, HTTP
        status...)."""
        deadline = time.monotonic() + feed.timeout
        origin = urlsplit(feed.url)
        headers = {
            "Accept": "application/json" if feed.payload_format == "json" else "text/csv",
            "Accept-Encoding": "gzip, deflate",
        }
        # sudo: the authentication value is readable by managers only; the
        # caller may fetch the feed (the scheduled action, or a manager).
        secret = feed.sudo().auth_header_value
        if feed.auth_header_name and secret:
            if origin.scheme.lower() != "https":
                raise FeedFetchError(
                    _("the authentication header is only sent over https://: change the URL to https://.")
                )
            headers[feed.auth_header_name.strip()] = secret
        allowed_hosts = self._allowed_internal_hosts()
        with _deadline_watchdog(feed.timeout) as expired, requests.Session() as session:
            session.mount("http://", _WatchedAdapter())
            session.mount("https://", _WatchedAdapter())
            try:
                return self._exchange(feed, session, headers, allowed_hosts, deadline)
            except (requests.RequestException, FeedFetchError):
                if expired.is_set():
                    raise requests.Timeout() from None
                raise

    @api.model
    def _exchange(self, feed, session, headers, allowed_hosts, deadline):
        """GET the feed's URL, following redirects on the same host; the payload as text."""
        url = feed.url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_host(url, allowed_hosts)
            remaining = self._remaining_time(deadline)
            response = session.get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=(remaining, remaining)
            )
            with response:
                if response.is_redirect:
                    url = self._redirect_target(url, response)
                    continue
                if response.status_code == 204:
                    return ""
                response.raise_for_status()
                body = self._read_body(feed, response, deadline)
                return self._decode_body(feed, response, body)
        raise FeedFetchError(
            _("the server redirected more than %(count)s times: give the final URL.", count=MAX_REDIRECTS)
        )

    # ------------------------------------------------------------------
    # Reach: hosts and redirects
    # ------------------------------------------------------------------

    @api.model
    def _allowed_internal_hosts(self):
        # sudo: a system parameter, read to apply the administrator's policy.
        value = self.env["ir.config_parameter"].sudo().get_param(ALLOWED_HOSTS_PARAM) or ""
        return {host.strip().lower().strip("[]") for host in value.split(",") if host.strip()}

    @api.model
    def _check_host(self, url, allowed_hosts):
        """Refuse a host that resolves to a loopback, private, link-local or
        other non-public address, unless the administrator allowed it."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host:
            raise FeedFetchError(_("the URL has no host: give a URL such as https://example.com/prices.json."))
        if host in allowed_hosts:
            return
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
        except (ValueError, OSError) as error:
            raise requests.ConnectionError(error) from None
        for text in sorted(addresses):
            address = ipaddress.ip_address(text.split("%")[0])
            if getattr(address, "ipv4_mapped", None):
                address = address.ipv4_mapped
            if (address.is_global and not address.is_multicast) or str(address) in allowed_hosts:
                continue
            raise FeedFetchError(
                _(
                    "the host %(host)s resolves to the internal address %(address)s, which feeds may not reach: "
                    "an administrator can allow it in the system parameter %(param)s (comma-separated hosts).",
                    host=host,
                    address=address,
                    param=ALLOWED_HOSTS_PARAM,
                )
            )

    @api.model
    def _redirect_target(self, url, response):
        """The URL a redirect points to, if it stays on the same host (and
        does not leave https); the authentication header never leaves it."""
        target = urljoin(url, response.headers["location"])
        source, parts = urlsplit(url), urlsplit(target)
        if (
            parts.scheme.lower() not in ("http", "https")
            or (parts.hostname or "").lower() != (source.hostname or "").lower()
            or (source.scheme.lower() == "https" and parts.scheme.lower() != "https")
        ):
            raise FeedFetchError(
                _(
                    "the server redirected to another host or to plain http://, which feeds do not follow: "
                    "give the final URL."
                )
            )
        return target

    # ------------------------------------------------------------------
    # Time and size
    # ------------------------------------------------------------------

    @api.model
    def _remaining_time(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise requests.Timeout()
        return remaining

    @api.model
    def _read_chunks(self, response, deadline):
        """The raw (still compressed) body, chunk by chunk, before the deadline.

        Each read makes one socket read (``read1``), whose timeout is the time
        left: a server that sends a byte now and then cannot stretch the fetch.
        """
        raw = response.raw
        reader = getattr(raw, "_fp", None)  # the http.client response under urllib3's
        sock = getattr(getattr(raw, "_connection", None), "sock", None)
        while True:
            remaining = self._remaining_time(deadline)
            try:
                if sock is not None:
                    sock.settimeout(remaining)
                if hasattr(reader, "read1"):
                    chunk = reader.read1(CHUNK_SIZE)
                else:
                    chunk = raw.read(CHUNK_SIZE, decode_content=False)
            except TimeoutError:
                raise requests.Timeout() from None
            except (OSError, http.client.HTTPException) as error:
                raise requests.ConnectionError(error) from None
            if not chunk:
                self._remaining_time(deadline)  # an end forced by the watchdog is a timeout
                return
            yield chunk

    @api.model
    def _read_body(self, feed, response, deadline):
        """The body as bytes, inflated, at most the feed's size limit."""
        limit = int(feed.size_limit_mb * 1024 * 1024)
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding in ("identity", ""):
            inflater = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
        else:
            raise FeedFetchError(_("the server compressed the payload in a way feeds do not read (not gzip)."))
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise self._too_large(feed)
        parts, received, size = [], 0, 0
        try:
            for chunk in self._read_chunks(response, deadline):
                received += len(chunk)
                if received > limit:
                    raise self._too_large(feed)
                if inflater is None:
                    parts.append(chunk)
                    size = received
                    continue
                # Inflate at most one byte past the limit: a small compressed
                # answer cannot grow into a big one in memory.
                while chunk:
                    part = inflater.decompress(chunk, limit - size + 1)
                    size += len(part)
                    parts.append(part)
                    if size > limit:
                        raise self._too_large(feed)
                    chunk = inflater.unconsumed_tail
            if inflater is not None:
                parts.append(inflater.flush())
                size += len(parts[-1])
        except zlib.error:
            raise FeedFetchError(_("the compressed payload is corrupt.")) from None
        if size > limit:
            raise self._too_large(feed)
        return b"".join(parts)

    @api.model
    def _too_large(self, feed):
        return FeedFetchError(
            _(
                "the payload exceeds the feed's size limit of %(limit)s MB: raise the limit or ask for less data.",
                limit=f"{feed.size_limit_mb:g}",
            )
        )

    @api.model
    def _decode_body(self, feed, response, body):
        """The body as text: the charset the server announces, else UTF-8
        (with or without a byte order mark), else the feed's fallback encoding."""
        header = email.message.Message()
        header["Content-Type"] = response.headers.get("Content-Type", "")
        charset = header.get_content_charset()
        encodings = [charset] if charset else ["utf-8-sig", feed.encoding or "utf-8"]
        for encoding in encodings:
            try:
                return body.decode(encoding).lstrip("\ufeff")
            except LookupError:
                raise FeedFetchError(_("the server announced a charset Python does not know.")) from None
            except UnicodeDecodeError as error:
                position = error.start
        raise FeedFetchError(
            _(
                "the payload is not valid %(encoding)s (byte %(position)s): set the feed's fallback encoding.",
                encoding=charset or feed.encoding or "utf-8",
                position=position,
            )
        )

    # ------------------------------------------------------------------
    # Failure reasons
    # ------------------------------------------------------------------

    @api.model
    def _failure_reason(self, feed, error):
        """Why the fetch failed, in the user's words, never quoting the
        server's answer; None for an error that is not the fetch's (a payload
        or an import error)."""
        if isinstance(error, FeedFetchError):
            return str(error)
        if isinstance(error, requests.Timeout):
            return _(
                "the fetch did not complete within the timeout of %(timeout)s s; "
                "raise the timeout or check the server.",
                timeout=feed.timeout,
            )
        if isinstance(error, requests.HTTPError):
            status = error.response.status_code if error.response is not None else 0
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            return _(
                "the server answered HTTP %(status)s %(reason)s; check the URL and the authentication.",
                status=status or "?",
                reason=phrase,
            )
        if isinstance(error, requests.ConnectionError):
            return _("could not connect to %(host)s; check the URL.", host=urlsplit(feed.url).hostname)
        return None
