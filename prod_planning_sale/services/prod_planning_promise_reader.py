from odoo import api, models

COMMITTED_QUOTATION_STATES = ("draft", "sent")


class ProdPlanningPromiseReader(models.AbstractModel):
    _inherit = "prod.planning.promise.reader"

    @api.model
    def _read_commitments(self, company, product_ids, wh_ids, today):
        """Quotations whose commitment date was accepted are promises made:
        their lines take their units on that date (confirmed orders are in the
        delivery moves already). The orders in the context key
        ``prod_planning_promise_exclude_order_ids`` (the one being promised)
        are left out."""
        commitments = super()._read_commitments(company, product_ids, wh_ids, today)
        excluded = tuple(self.env.context.get("prod_planning_promise_exclude_order_ids") or ()) or (0,)
        self.env.cr.execute(
            """
            SELECT l.product_id, o.warehouse_id, o.commitment_date::date, l.product_uom_qty, l.product_uom_id,
                   pt.uom_id
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE o.state IN %s AND o.commitment_date IS NOT NULL AND o.company_id = %s
               AND o.warehouse_id IN %s AND l.product_id IN %s AND o.id NOT IN %s
               AND l.display_type IS NULL
            """,
            [COMMITTED_QUOTATION_STATES, company.id, wh_ids, product_ids, excluded],
        )
        rows = self.env.cr.fetchall()
        uoms = self.env["uom.uom"].browse({uom for row in rows for uom in row[4:6] if uom})
        factors = {uom.id: uom.factor for uom in uoms}
        for product_id, warehouse_id, day, qty, line_uom, product_uom in rows:
            if line_uom and product_uom and line_uom != product_uom:
                qty = qty * factors[line_uom] / factors[product_uom]
            commitments.append(((product_id, warehouse_id), day, qty))
        return commitments
