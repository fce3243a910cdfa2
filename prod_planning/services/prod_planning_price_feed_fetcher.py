"""Market price feeds fetched over HTTP.

The first step of a feed run: fetch (this service) -> parse (the price
engine) -> import (prod.planning.price.import). Nothing here stores
anything; the feed model runs the steps and records the outcome.
"""

import requests

from odoo import _, api, models


class ProdPlanningPriceFeedFetcher(models.AbstractModel):
    _name = "prod.planning.price.feed.fetcher"
    _description = "Raw-Material Price Feed Fetcher"

    @api.model
    def _fetch(self, feed):
        """GET the feed's URL; the payload as text ("" when the server has no
        content). Raises the requests errors (timeout, HTTP status...)."""
        headers = {"Accept": "application/json" if feed.payload_format == "json" else "text/csv"}
        secret = feed.sudo().auth_header_value
        if feed.auth_header_name and secret:
            headers[feed.auth_header_name.strip()] = secret
        response = requests.get(feed.url, headers=headers, timeout=feed.timeout)
        if response.status_code == 204:
            return ""
        response.raise_for_status()
        return response.text

    @api.model
    def _failure_reason(self, feed, error):
        """Why the fetch failed, in the user's words; None for an error that
        is not the fetch's (a payload or an import error)."""
        if isinstance(error, requests.Timeout):
            return _(
                "no answer within the timeout of %(timeout)s s; raise the timeout or check the server.",
                timeout=feed.timeout,
            )
        if isinstance(error, requests.HTTPError):
            response = error.response
            return _(
                "the server answered HTTP %(status)s %(reason)s; check the URL and the authentication.",
                status=response.status_code if response is not None else "?",
                reason=response.reason if response is not None else "",
            )
        if isinstance(error, requests.ConnectionError):
            return _("could not connect (%(error)s); check the URL.", error=error)
        return None
