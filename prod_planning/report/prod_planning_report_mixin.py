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
    of its rows' ratios: :meth:`read_group` recomputes it from the group's sums,
    and so do :meth:`formatted_read_group` and
    :meth:`formatted_read_grouping_sets`, which Odoo 19's web client calls
    (list and graph views, pivot view).
    """

    _name = "prod.planning.report.mixin"
    _description = "Planning Report Ratios"

    @api.model
    def _report_ratios(self):
        """``{ratio field: (function(values) -> float, [summed fields])}``;
        ``values`` maps each summed field to the group's sum."""
        return {}

    @api.model
    def _report_sources(self):
        """The models a refresh reads (in SQL): the caller must be allowed to read them."""
        return []

    def action_refresh(self):
        """Refresh button: recompute the default window for the user's companies.

        A record method, as the web client calls buttons (with the selected
        ids, or none); the rows refreshed do not depend on them. Selected
        rows still there must be readable (rows of another company are not);
        rows replaced by an earlier refresh are ignored."""
        self.exists().check_access("read")
        self.browse()._check_refresh_access()
        self.browse()._refresh()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _check_refresh_access(self):
        """A refresh is for those who may read the report and what it is made
        of; it then replaces rows as superuser (:meth:`_replace_rows`)."""
        self.check_access("read")
        for model in self._report_sources():
            self.env[model].check_access("read")

    @api.model
    def _refresh(self, date_from=None, date_to=None, **scope):
        """Recompute the stored rows of a window (each report's own)."""
        raise NotImplementedError

    @api.model
    def _replace_rows(self, domain, rows):
        """Drop the stored rows matching ``domain`` and store ``rows`` (dicts) in
        their place; the table is a cache anyone allowed may refresh."""
        # sudo: readers have no write access to the cache; callers checked
        # their access first (_check_refresh_access, or a scheduled action).
        table = self.sudo()
        table.search(domain).unlink()
        return table.create(rows)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
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

    @api.model
    def _report_ratio_aggregates(self, aggregates):
        """The ratio aggregates among ``aggregates`` (``{spec: (function,
        needs)}``) and the sums they need that were not asked for."""
        specs = self._report_ratios()
        ratios = {spec: specs[spec.split(":")[0]] for spec in aggregates if spec.split(":")[0] in specs}
        extra = [
            f"{needed}:sum"
            for _function, needs in ratios.values()
            for needed in needs
            if f"{needed}:sum" not in aggregates
        ]
        return ratios, list(dict.fromkeys(extra))

    @api.model
    def _report_fill_ratios(self, groups, ratios):
        for group in groups:
            for spec, (function, needs) in ratios.items():
                group[spec] = function({n: group.get(f"{n}:sum") or 0.0 for n in needs})

    @api.model
    def formatted_read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        ratios, extra = self._report_ratio_aggregates(aggregates)
        groups = super().formatted_read_group(
            domain, groupby, list(aggregates) + extra, having=having, offset=offset, limit=limit, order=order
        )
        self._report_fill_ratios(groups, ratios)
        return groups

    @api.model
    def formatted_read_grouping_sets(self, domain, grouping_sets, aggregates=(), *, order=None):
        ratios, extra = self._report_ratio_aggregates(aggregates)
        groups_list = super().formatted_read_grouping_sets(domain, grouping_sets, list(aggregates) + extra, order=order)
        for groups in groups_list:
            self._report_fill_ratios(groups, ratios)
        return groups_list
