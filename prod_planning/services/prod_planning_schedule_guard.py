"""Schedule guard: what *Apply* checks before it writes a schedule's preview.

The preview was computed earlier, possibly by another user: before the
writer (``prod.planning.schedule.writer``) applies it, the guard validates
its lines again (company, work center, start before finish), refuses orders
closed or started elsewhere since, and compares the fingerprint of the orders
and work centers with the one stored at compute time.
"""

from datetime import timedelta

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# Manufacturing orders a preview may still be applied to.
OPEN_STATES = ("confirmed", "progress", "to_close")


class ProdPlanningScheduleGuard(models.AbstractModel):
    _name = "prod.planning.schedule.guard"
    _description = "Schedule Guard"

    @api.model
    def _preview_workcenters(self, wizard):
        """The work centers of the preview: those it schedules on, those the
        work orders leave, and those whose load it shows."""
        wo_lines = wizard.workorder_line_ids
        return (wo_lines.workcenter_id | wo_lines.old_workcenter_id | wizard.load_ids.workcenter_id).sorted("id")

    @api.model
    def _preview_fingerprint(self, wizard):
        """Digest of the orders and work centers of the stored preview (see
        ``prod.planning.schedule.reader._fingerprint``)."""
        origin = wizard.date_start.replace(second=0, microsecond=0)
        return self.env["prod.planning.schedule.reader"]._fingerprint(
            wizard.line_ids.production_id,
            self._preview_workcenters(wizard),
            origin,
            origin + timedelta(days=wizard.horizon_days),
        )

    @api.model
    def _check_fingerprint(self, wizard):
        """Refuse a preview that no longer matches the orders, work orders
        and work centers it was computed from (another schedule applied, a
        work order moved, a leave added...)."""
        if wizard.preview_fingerprint != self._preview_fingerprint(wizard):
            raise UserError(
                _(
                    "%(name)s: the manufacturing orders, work orders or work centers changed since "
                    "computed (another schedule applied, an order or a leave changed): compute again.",
                    name=wizard.display_name,
                )
            )

    @api.model
    def _check_preview(self, wizard, lines, wo_lines):
        """Validate the preview again before writing it: the orders of the
        wizard's company, each work order at its own work center or one of
        its alternatives of the order's company, and starts before ends."""
        errors = []
        for line in lines:
            production = line.production_id
            if production.company_id != wizard.company_id:
                errors.append(
                    _(
                        "%(order)s belongs to %(company)s, not to the schedule's company %(own)s",
                        order=production.display_name,
                        company=production.company_id.display_name,
                        own=wizard.company_id.display_name,
                    )
                )
            if not line.new_date_start or not line.new_date_finished or line.new_date_start > line.new_date_finished:
                errors.append(
                    _(
                        "%(order)s ends (%(end)s) before it starts (%(start)s)",
                        order=production.display_name,
                        start=format_datetime(self.env, line.new_date_start),
                        end=format_datetime(self.env, line.new_date_finished),
                    )
                )
        for wo_line in wo_lines:
            workorder = wo_line.workorder_id
            production = workorder.production_id
            workcenter = wo_line.workcenter_id
            if wo_line.production_id != production or production not in lines.production_id:
                errors.append(
                    _("%(workorder)s is not a work order of the orders scheduled", workorder=workorder.display_name)
                )
            company = production.company_id
            allowed = (workorder.workcenter_id | workorder.workcenter_id.alternative_workcenter_ids).filtered(
                lambda wc, company=company: wc.company_id == company
            )
            if workcenter not in allowed:
                errors.append(
                    _(
                        "%(workorder)s cannot run at %(workcenter)s: only at %(allowed)s of %(company)s",
                        workorder=workorder.display_name,
                        workcenter=workcenter.display_name,
                        allowed=", ".join(allowed.mapped("display_name")),
                        company=company.display_name,
                    )
                )
            if (
                not wo_line.new_date_start
                or not wo_line.new_date_finished
                or wo_line.new_date_start > wo_line.new_date_finished
            ):
                errors.append(
                    _(
                        "%(workorder)s ends (%(end)s) before it starts (%(start)s)",
                        workorder=workorder.display_name,
                        start=format_datetime(self.env, wo_line.new_date_start),
                        end=format_datetime(self.env, wo_line.new_date_finished),
                    )
                )
        if errors:
            raise UserError(
                _(
                    "%(name)s cannot be applied: %(errors)s. Compute the schedule again.",
                    name=wizard.display_name,
                    errors="; ".join(errors),
                )
            )

    @api.model
    def _check_unchanged(self, wizard, lines, wo_lines):
        """Refuse to apply a preview whose orders or work orders were closed,
        or started on another work center, since it was computed."""
        closed = wo_lines.workorder_id.filtered(lambda w: w.state in ("done", "cancel")).mapped(
            "display_name"
        ) + lines.production_id.filtered(lambda p: p.state not in OPEN_STATES).mapped("display_name")
        if closed:
            raise UserError(
                _(
                    "%(names)s changed since the schedule was computed (done or "
                    "cancelled): compute the schedule again.",
                    names=", ".join(closed),
                )
            )
        # Odoo does not move a started work order to another work center.
        started = wo_lines.filtered(
            lambda line: line.workorder_id.state == "progress" and line.workorder_id.workcenter_id != line.workcenter_id
        ).workorder_id
        if started:
            raise UserError(
                _(
                    "%(names)s started since the schedule was computed, on another "
                    "work center than the schedule's: compute the schedule again.",
                    names=", ".join(started.mapped("display_name")),
                )
            )
