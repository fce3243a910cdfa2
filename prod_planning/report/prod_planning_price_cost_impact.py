from odoo import _, api, fields, models
from odoo.tools import SQL

from .prod_planning_report_mixin import ratio_of


class ProdPlanningPriceCostImpact(models.Model):
    """Material cost of manufactured products at the latest observed prices.

    A stored table refreshed on demand (button, scheduled action): the
    refresh explodes every BoM with a recursive SQL query (multi-level, in
    the components' units, cycles cut), prices the leaves at their latest
    observed price (standard cost when none was observed) and compares the
    rolled-up cost with the product's current cost. Grouped views compute the
    percentages of a group from its summed costs, not as the mean of the rows'.
    """

    _name = "prod.planning.price.cost.impact"
    _description = "Cost Impact of Raw-Material Prices"
    _inherit = ["prod.planning.report.mixin"]
    _order = "cost_difference desc, id"
    _rec_name = "product_id"

    product_id = fields.Many2one(comodel_name="product.product", readonly=True, index=True)
    product_tmpl_id = fields.Many2one(comodel_name="product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one(comodel_name="product.category", string="Product Category", readonly=True)
    bom_id = fields.Many2one(comodel_name="mrp.bom", string="BoM", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_subassembly = fields.Boolean(
        string="Sub-assembly", readonly=True, help="Used as a component in another bill of materials."
    )
    current_cost = fields.Float(
        digits="Product Price", readonly=True, help="The product's cost (standard price) today."
    )
    material_cost_standard = fields.Float(
        string="Material Cost at Standard",
        digits="Product Price",
        readonly=True,
        help="The BoM rolled up at the components' current costs.",
    )
    material_cost_latest = fields.Float(
        string="Material Cost at Latest Prices",
        digits="Product Price",
        readonly=True,
        help="The BoM rolled up at the components' latest observed prices.",
    )
    cost_difference = fields.Float(
        string="Difference vs Cost",
        digits="Product Price",
        readonly=True,
        help="Material cost at latest prices minus the current cost: positive when the product gets more expensive.",
    )
    cost_difference_percent = fields.Float(
        string="Difference vs Cost (%)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    price_impact = fields.Float(
        string="Price Impact",
        digits="Product Price",
        readonly=True,
        help="Material cost at latest prices minus material cost at standard: what raw-material price moves alone add.",
    )
    price_impact_percent = fields.Float(string="Price Impact (%)", digits=(16, 1), readonly=True, aggregator="avg")
    missing_price_count = fields.Integer(
        string="Components Without Price",
        readonly=True,
        aggregator="sum",
        help="Components never observed: counted at their standard cost.",
    )
    cycle_detected = fields.Boolean(readonly=True, help="The BoM structure loops; the loop was cut.")
    line_ids = fields.One2many(
        comodel_name="prod.planning.price.cost.impact.line",
        inverse_name="impact_id",
        string="Components",
        readonly=True,
    )
    refresh_date = fields.Datetime(string="Computed On", readonly=True)

    @api.model
    def _report_ratios(self):
        return {
            "cost_difference_percent": (
                ratio_of("cost_difference", "current_cost", 100.0),
                ["cost_difference", "current_cost"],
            ),
            "price_impact_percent": (
                ratio_of("price_impact", "material_cost_standard", 100.0),
                ["price_impact", "material_cost_standard"],
            ),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_refresh(self):
        """Recompute the table for the current companies (button; called
        with the selected ids or none, which do not matter)."""
        # The selected rows may be gone (replaced by another refresh): the
        # right to read the report is checked, and the rows still there.
        self.exists().check_access("read")
        self.browse().check_access("read")
        for model in ("mrp.bom", "product.product", "prod.planning.price.observation"):
            self.env[model].check_access("read")
        # sudo: the table is a cache that readers refresh; they cannot write it.
        self.browse().sudo()._refresh(self.env.companies)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh(self):
        self._refresh(self.env["res.company"].search([]))

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _refresh(self, companies):
        # The SQL reads BoMs, products, units and observations.
        self.env.flush_all()
        for company in companies:
            self._refresh_company(company)
        self.invalidate_model()
        self.env["prod.planning.price.cost.impact.line"].invalidate_model()

    @api.model
    def _refresh_company(self, company):
        """Replace the rows of ``company``: roll the BoMs up into a temporary
        table, then store one row per product and one line per leaf."""
        self._delete_company_rows(company)
        self._create_rollup_table(company)
        self._insert_impacts(company)
        self.env.cr.execute(SQL("DROP TABLE prod_planning_cost_rollup"))

    @api.model
    def _delete_company_rows(self, company):
        self.env.cr.execute(SQL("DELETE FROM prod_planning_price_cost_impact WHERE company_id = %s", company.id))

    @api.model
    def _bom_choice_sql(self, company):
        """The BoM used for each variant: variant-specific first, then by
        sequence (like mrp.bom._bom_find)."""
        return SQL(
            """
            SELECT DISTINCT ON (pp.id)
                   pp.id AS product_id, b.id AS bom_id, b.product_qty,
                   b.product_uom_id
              FROM mrp_bom b
              JOIN product_product pp
                ON pp.product_tmpl_id = b.product_tmpl_id
               AND (b.product_id IS NULL OR b.product_id = pp.id)
             WHERE b.active AND pp.active
               AND b.type IN ('normal', 'phantom')
               AND (b.company_id IS NULL OR b.company_id = %s)
             ORDER BY pp.id, b.product_id IS NULL, b.sequence, b.id
            """,
            company.id,
        )

    @api.model
    def _bom_line_sql(self):
        """Component quantity per unit of the parent, in the component's own
        unit, from the ``bom`` CTE (lines of other variants skipped)."""
        return SQL(
            """
            SELECT bom.product_id AS parent_id, l.product_id AS component_id,
                   (l.product_qty * lu.factor / cu.factor)
                   / NULLIF(bom.product_qty * bu.factor / pu.factor, 0) AS qty
              FROM bom
              JOIN mrp_bom_line l ON l.bom_id = bom.bom_id
              JOIN uom_uom lu ON lu.id = l.product_uom_id
              JOIN product_product cp ON cp.id = l.product_id
              JOIN product_template ct ON ct.id = cp.product_tmpl_id
              JOIN uom_uom cu ON cu.id = ct.uom_id
              JOIN uom_uom bu ON bu.id = bom.product_uom_id
              JOIN product_product fp ON fp.id = bom.product_id
              JOIN product_template ft ON ft.id = fp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = ft.uom_id
             WHERE NOT EXISTS (
                   -- lines restricted to other variants (_skip_bom_line)
                   SELECT 1
                     FROM mrp_bom_line_product_template_attribute_value_rel r
                     JOIN product_template_attribute_value v
                       ON v.id = r.product_template_attribute_value_id
                    WHERE r.mrp_bom_line_id = l.id
                    GROUP BY v.attribute_line_id
                   HAVING NOT bool_or(EXISTS (
                       SELECT 1 FROM product_variant_combination c
                        WHERE c.product_product_id = bom.product_id
                          AND c.product_template_attribute_value_id = v.id)))
            """
        )

    @api.model
    def _create_rollup_table(self, company):
        """prod_planning_cost_rollup: per product and leaf component, the
        quantity per unit (multi-level, cycles cut at 30 levels), the leaf's
        latest observed price and its standard price."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS prod_planning_cost_rollup"))
        cr.execute(
            SQL(
                """
            CREATE TEMPORARY TABLE prod_planning_cost_rollup ON COMMIT DROP AS
            WITH RECURSIVE bom AS (%(bom)s), line AS (%(line)s), explode AS (
                SELECT parent_id AS root_id, component_id, qty, 1 AS depth,
                       ARRAY[parent_id, component_id] AS path,
                       component_id = parent_id AS cycle
                  FROM line
                UNION ALL
                SELECT e.root_id, l.component_id, e.qty * l.qty, e.depth + 1,
                       e.path || l.component_id,
                       l.component_id = ANY(e.path)
                  FROM explode e
                  JOIN line l ON l.parent_id = e.component_id
                 WHERE NOT e.cycle AND e.depth < 30
            ), leaf AS (
                SELECT e.root_id, e.component_id, sum(e.qty) AS qty
                  FROM explode e
                 WHERE NOT e.cycle
                   AND NOT EXISTS (SELECT 1 FROM bom
                                    WHERE bom.product_id = e.component_id)
                 GROUP BY e.root_id, e.component_id
            ), cycles AS (
                SELECT DISTINCT root_id FROM explode WHERE cycle
            ), latest AS (
                -- one index lookup per component (series index)
                SELECT c.component_id AS product_id, l.price, l.date
                  FROM (SELECT DISTINCT component_id FROM leaf) c
                 CROSS JOIN LATERAL (
                     SELECT o.normalized_price AS price, o.date
                       FROM prod_planning_price_observation o
                      WHERE o.product_id = c.component_id
                        AND o.company_id = %(company)s
                      ORDER BY o.date DESC, o.id DESC
                      LIMIT 1) l
            )
            SELECT leaf.root_id, leaf.component_id, leaf.qty,
                   latest.price AS latest_price, latest.date AS latest_date,
                   COALESCE((cp.standard_price ->> %(company_key)s)::numeric, 0)
                       AS standard_price,
                   cycles.root_id IS NOT NULL AS cycle
              FROM leaf
              JOIN product_product cp ON cp.id = leaf.component_id
              LEFT JOIN latest ON latest.product_id = leaf.component_id
              LEFT JOIN cycles ON cycles.root_id = leaf.root_id
            """,
                bom=self._bom_choice_sql(company),
                line=self._bom_line_sql(),
                company=company.id,
                company_key=str(company.id),
            )
        )

    @api.model
    def _insert_impacts(self, company):
        """One row per rolled-up product (its costs and their differences)
        and one line per leaf component, from prod_planning_cost_rollup."""
        now = self.env.cr.now()
        categ_ids = company._prod_planning_categ_ids()
        self.env.cr.execute(
            SQL(
                """
            WITH totals AS (
                SELECT root_id,
                       sum(qty * COALESCE(latest_price, standard_price)) AS latest_cost,
                       sum(qty * standard_price) AS standard_cost,
                       count(*) FILTER (WHERE latest_price IS NULL) AS missing,
                       bool_or(cycle) AS cycle
                  FROM prod_planning_cost_rollup
                 GROUP BY root_id
            ), chosen AS (%(bom)s), components AS (
                SELECT DISTINCT l.product_id
                  FROM mrp_bom_line l
                  JOIN mrp_bom b ON b.id = l.bom_id AND b.active
            ), costs AS (
                SELECT t.*, pp.product_tmpl_id, pt.categ_id, chosen.bom_id,
                       COALESCE((pp.standard_price ->> %(company_key)s)::numeric, 0)
                           AS current_cost,
                       components.product_id IS NOT NULL AS is_subassembly
                  FROM totals t
                  JOIN product_product pp ON pp.id = t.root_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN chosen ON chosen.product_id = t.root_id
                  LEFT JOIN components ON components.product_id = t.root_id
                 WHERE %(all_categories)s OR pt.categ_id = ANY(%(categ_ids)s)
            ), inserted AS (
                INSERT INTO prod_planning_price_cost_impact
                    (product_id, product_tmpl_id, categ_id, bom_id, company_id,
                     is_subassembly, current_cost, material_cost_standard,
                     material_cost_latest, cost_difference, cost_difference_percent,
                     price_impact, price_impact_percent, missing_price_count,
                     cycle_detected, refresh_date,
                     create_uid, create_date, write_uid, write_date)
                SELECT root_id, product_tmpl_id, categ_id, bom_id, %(company)s,
                       is_subassembly, current_cost, standard_cost, latest_cost,
                       latest_cost - current_cost,
                       CASE WHEN current_cost <> 0
                            THEN (latest_cost - current_cost) * 100 / current_cost END,
                       latest_cost - standard_cost,
                       CASE WHEN standard_cost <> 0
                            THEN (latest_cost - standard_cost) * 100
                                 / standard_cost END,
                       missing, cycle, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM costs
                RETURNING id, product_id
            )
            INSERT INTO prod_planning_price_cost_impact_line
                (impact_id, product_id, quantity, latest_price, latest_price_date,
                 standard_price, cost_latest, cost_standard, difference,
                 price_observed)
            SELECT inserted.id, r.component_id, r.qty, r.latest_price,
                   r.latest_date, r.standard_price,
                   r.qty * COALESCE(r.latest_price, r.standard_price),
                   r.qty * r.standard_price,
                   r.qty * (COALESCE(r.latest_price, r.standard_price)
                            - r.standard_price),
                   r.latest_price IS NOT NULL
              FROM prod_planning_cost_rollup r
              JOIN inserted ON inserted.product_id = r.root_id
            """,
                bom=self._bom_choice_sql(company),
                company=company.id,
                company_key=str(company.id),
                # Only the company's planned categories, if it has any.
                all_categories=categ_ids is None,
                categ_ids=sorted(categ_ids or ()),
                now=now,
                uid=self.env.uid,
            )
        )

    def action_open_components(self):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Components of %(product)s", product=self.product_id.display_name),
            "res_model": "prod.planning.price.cost.impact.line",
            "view_mode": "list,pivot",
            "domain": [("impact_id", "=", self.id)],
        }
