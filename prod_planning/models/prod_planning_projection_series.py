from odoo import fields, models

# Position of each quantity in a week of ``weeks`` (see ProdPlanningProjectionSeries).
WEEK_COLUMNS = (
    "forecast_qty",
    "actual_qty",
    "dependent_qty",
    "receipt_qty",
    "planned_qty",
    "on_hand_qty",
    "safety_stock",
    "shortage_qty",
)


class ProdPlanningProjectionSeries(models.Model):
    """The projected inventory of a product in a warehouse, as the planning run
    stores it: one row per product and warehouse, its weeks in one JSON array
    (a run writes one row per item, not one per item and week). It is read
    week by week through the ``prod.planning.projection`` report."""

    _name = "prod.planning.projection.series"
    _description = "Projected Inventory Series"
    _order = "product_id, warehouse_id"
    _check_company_auto = True
    # Derived data replaced by every run: no author nor dates to keep.
    _log_access = False

    run_id = fields.Many2one(comodel_name="prod.planning.run", index=True, ondelete="cascade", check_company=True)
    product_id = fields.Many2one(
        comodel_name="product.product", required=True, index=True, ondelete="cascade", check_company=True
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse", required=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True)
    first_week = fields.Date(required=True, help="The Monday of the first week; the others follow week by week.")
    weeks = fields.Json(
        required=True,
        help="One list of quantities per week, from the first week on, in the order of WEEK_COLUMNS: "
        "[forecast_qty, actual_qty, dependent_qty, receipt_qty, planned_qty, on_hand_qty, "
        "safety_stock, shortage_qty].",
    )
    shortage_qty = fields.Float(string="Shortage", help="The shortages of all the weeks.")
