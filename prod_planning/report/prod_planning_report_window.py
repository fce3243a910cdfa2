"""Stored reports refreshed by a window of days and a scope."""

from odoo import api, fields, models


class ProdPlanningReportWindow(models.AbstractModel):
    """A stored report whose rows are refreshed by window: the rows of a scope
    (work centers, companies...) dated within the window are dropped and
    computed again, by a scheduled action, a button or a caller.

    A report gives the field of its rows that holds their scope
    (``_window_scope_field``), its default window (:meth:`_window_dates`), its
    default and full scopes and its rows (:meth:`_compute_rows`).
    """

    _name = "prod.planning.report.window"
    _description = "Planning Report Refreshed by Window"
    _inherit = ["prod.planning.report.mixin"]

    _window_scope_field = None

    @api.model
    def _cron_refresh(self):
        """Scheduled action: the default window of the whole scope."""
        self._refresh(None, None, self._window_all_scope())

    @api.model
    def _refresh_window(self, date_from=None, date_to=None, scope=None):
        """Replace the stored rows of ``scope`` (default:
        :meth:`_window_default_scope`) dated in the window of ``date_from``
        and ``date_to`` (see :meth:`_window_dates`) by computed ones."""
        first, last = self._window_dates(fields.Date.to_date(date_from), fields.Date.to_date(date_to))
        if scope is None:
            scope = self._window_default_scope()
        rows = self._compute_rows(first, last, scope)
        return self._replace_rows(
            [(self._window_scope_field, "in", scope.ids), ("date", ">=", first), ("date", "<=", last)], rows
        )

    @api.model
    def _window_dates(self, date_from, date_to):
        """``(first day, last day)`` (both included) of the window asked for
        (``date_from`` and ``date_to`` are dates or None: the default)."""
        raise NotImplementedError

    @api.model
    def _window_default_scope(self):
        """The scope refreshed when none is given (the user's companies)."""
        raise NotImplementedError

    @api.model
    def _window_all_scope(self):
        """The scope the scheduled action refreshes (every company)."""
        raise NotImplementedError

    @api.model
    def _compute_rows(self, first, last, scope):
        """The rows (dicts of values) of ``scope`` dated from ``first`` to
        ``last`` included."""
        raise NotImplementedError
