from odoo import api, models


def ratio_of(part, whole, scale=1.0, empty=None):
    """A group ratio for ``_report_ratios``: the sum of ``part`` over the sum
    of ``whole``, times ``scale``; ``empty`` when ``whole`` sums to zero."""

    def ratio(sums):
        whole_sum = sums.get(whole) or 0.0
        return scale * (sums.get(part) or 0.0) / whole_sum if whole_sum else empty

    return ratio


class ProdPlanningReportMixin(models.AbstractModel):
    """Ratios of a reporting model recomputed from sums in grouped views.

    A ratio (load %, throughput, OEE...) of a group is not the sum nor the mean
    of its rows' ratios: :meth:`read_group` recomputes it from the group's sums.
    """

    _name = "prod.planning.report.mixin"
    _description = "Planning Report Ratios"

    @api.model
    def _report_ratios(self):
        """``{ratio field: (function(values) -> float, [summed fields])}``;
        ``values`` maps each summed field to the group's sum."""
        return {}

    @api.model
    def action_refresh(self):
        """Refresh button: recompute the default window for the user's companies."""
        self._refresh()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _refresh(self, date_from=None, date_to=None, **scope):
        """Recompute the stored rows of a window (each report's own)."""
        raise NotImplementedError

    @api.model
    def _replace_rows(self, domain, rows):
        """Drop the stored rows matching ``domain`` and store ``rows`` (dicts) in
        their place; the table is a cache anyone allowed may refresh."""
        table = self.sudo()
        table.search(domain).unlink()
        return table.create(rows)

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        ratios = {
            name: spec
            for name, spec in self._report_ratios().items()
            if any(f == name or f.startswith(name + ":") for f in fields)
        }
        extra = [
            f"{needed}:sum"
            for _function, needs in ratios.values()
            for needed in needs
            if needed not in fields and f"{needed}:sum" not in fields
        ]
        groups = super().read_group(
            domain,
            list(fields) + list(dict.fromkeys(extra)),
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        for group in groups:
            for name, (function, needs) in ratios.items():
                group[name] = function({n: group.get(n) or 0.0 for n in needs})
        return groups
