from odoo import fields, models

from ..tools.background_work import BACKGROUND_STATES


class ProdPlanningRunUnit(models.Model):
    """One independent part of a planning run: a set of warehouses that do not
    supply warehouses outside it, planned as one batch by a cron worker."""

    _name = "prod.planning.run.unit"
    _description = "Planning Run Unit"
    _inherit = ["prod.planning.run.stats.mixin"]
    _order = "run_id, sequence, id"

    run_id = fields.Many2one(comodel_name="prod.planning.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    warehouse_ids = fields.Many2many(
        comodel_name="stock.warehouse",
        relation="prod_planning_run_unit_warehouse_rel",
        column1="unit_id",
        column2="warehouse_id",
        string="Warehouses",
    )
    state = fields.Selection(selection=BACKGROUND_STATES, default="queued", required=True, readonly=True, index=True)
    worker = fields.Char(readonly=True, help="Host and process of the cron worker that took the unit.")
    attempt_count = fields.Integer(string="Attempts", readonly=True)

    def _status(self):
        """Plain data of the units for ``prod.planning.run.get_run_status``."""
        return [
            {
                "id": unit.id,
                "warehouse_ids": unit.warehouse_ids.ids,
                "warehouses": unit.warehouse_ids.mapped("name"),
                "state": unit.state,
                "duration": unit.duration,
                "planned_orders": unit.planned_order_count,
                "error": unit.error_message or False,
            }
            for unit in self
        ]
