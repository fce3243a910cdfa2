"""Writes the prices that index values give the products following an index."""

from odoo import api, models
from odoo.tools import SQL

from .prod_planning_price_import import CONFLICT_TARGETS


class ProdPlanningPriceIndexWriter(models.AbstractModel):
    _name = "prod.planning.price.index.writer"
    _description = "Derived Price Writer"

    @api.model
    def _derive_index_prices_sql(self, observation_ids):
        """Upsert the derived product prices of the index values among
        ``observation_ids``: price per product unit = index value (per index
        unit, converted to the product unit when they share a category)
        times the link's factor. Keyed like imports (source ``index``)."""
        if not observation_ids:
            return
        # The SQL reads index links, products and units.
        self.env.flush_all()
        digits = self.env["prod.planning.price.observation"]._price_digits()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO prod_planning_price_observation
                    (product_id, product_tmpl_id, categ_id, index_id, partner_id,
                     company_id, date, source, feed_id, reference, price,
                     currency_id, uom_id, quantity, normalized_uom_id,
                     normalized_price, create_uid, create_date, write_uid,
                     write_date)
                SELECT link.product_id, pt.id, pt.categ_id, v.index_id, NULL,
                       v.company_id, v.date, 'index', v.feed_id, v.reference,
                       ROUND((v.price * iu.factor / vu.factor
                              * (CASE WHEN split_part(iu.parent_path, '/', 1)
                                           = split_part(pu.parent_path, '/', 1)
                                      THEN pu.factor / iu.factor ELSE 1 END)
                              * link.factor)::numeric, %(digits)s),
                       v.currency_id, pt.uom_id, NULL, pt.uom_id,
                       ROUND((v.normalized_price
                              * (CASE WHEN split_part(iu.parent_path, '/', 1)
                                           = split_part(pu.parent_path, '/', 1)
                                      THEN pu.factor / iu.factor ELSE 1 END)
                              * link.factor)::numeric, %(digits)s),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM prod_planning_price_observation v
                  JOIN prod_planning_price_index i ON i.id = v.index_id
                  JOIN uom_uom iu ON iu.id = i.uom_id
                  JOIN uom_uom vu ON vu.id = v.uom_id
                  JOIN prod_planning_price_index_product link
                    ON link.index_id = v.index_id
                  JOIN product_product pp ON pp.id = link.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE v.id = ANY(%(ids)s) AND v.product_id IS NULL
                ON CONFLICT %(target)s
                DO UPDATE SET price = EXCLUDED.price,
                              normalized_price = EXCLUDED.normalized_price,
                              currency_id = EXCLUDED.currency_id,
                              uom_id = EXCLUDED.uom_id,
                              normalized_uom_id = EXCLUDED.normalized_uom_id,
                              reference = EXCLUDED.reference,
                              write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date
                """,
                digits=digits,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=list(observation_ids),
                target=CONFLICT_TARGETS["key"],
            )
        )
        self.env["prod.planning.price.observation"].invalidate_model()
