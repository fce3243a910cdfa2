"""Prices observed in Odoo itself: confirmed purchase orders and vendor
pricelists, stored through the bulk upsert of prod.planning.price.import
(idempotent: capturing the same line again updates its observation)."""

from odoo import api, fields, models

from .prod_planning_price_import import upsert_vals


class ProdPlanningPriceCapture(models.AbstractModel):
    _name = "prod.planning.price.capture"
    _description = "Raw-Material Price Capture"

    @api.model
    def _capture_purchase_lines(self, lines):
        """Observe the prices of confirmed purchase order lines (idempotent
        per line: confirming an order again updates its observations)."""
        lines = lines.filtered(
            lambda line: (
                line.product_id
                and not line.display_type
                and line.price_unit > 0
                and line.order_id.state in ("purchase", "done")
            )
        )
        vals_list = []
        for line in lines:
            order = line.order_id
            date = fields.Date.context_today(self, order.date_approve or fields.Datetime.now())
            price = line.price_unit * (1 - (line.discount or 0.0) / 100)
            vals_list.append(
                self._prepare_captured_vals(
                    line.product_id,
                    order.partner_id.commercial_partner_id,
                    order.company_id,
                    date,
                    "purchase",
                    price,
                    order.currency_id,
                    line.product_uom_id,
                    line.product_qty,
                    order.name,
                    purchase_line_id=line.id,
                )
            )
        # sudo: prices are captured for whoever confirms the order, planner or not.
        return self.env["prod.planning.price.import"].sudo()._upsert(vals_list, conflict="purchase")

    @api.model
    def _capture_supplierinfo(self, supplierinfos):
        """Observe vendor pricelist prices (one observation per pricelist
        line, product and day: a second change the same day updates it)."""
        vals_list = []
        today = fields.Date.context_today(self)
        for info in supplierinfos.filtered(lambda i: i.price > 0 and i.partner_id):
            products = info.product_id or info.product_tmpl_id.product_variant_ids
            for product in products:
                vals_list.append(
                    self._prepare_captured_vals(
                        product,
                        info.partner_id.commercial_partner_id,
                        info.company_id or self.env.company,
                        today,
                        "pricelist",
                        # Odoo 19's price_discounted is converted to the
                        # product unit: the price is observed in the line's unit.
                        info.price * (1 - (info.discount or 0.0) / 100),
                        info.currency_id or self.env.company.currency_id,
                        info.product_uom_id or product.uom_id,
                        info.min_qty,
                        info.product_code or info.partner_id.display_name,
                        supplierinfo_id=info.id,
                    )
                )
        # sudo: prices are captured for whoever edits a pricelist, planner or not.
        return self.env["prod.planning.price.import"].sudo()._upsert(vals_list, conflict="pricelist")

    @api.model
    def _capture_existing_supplierinfo(self):
        """Snapshot every current vendor pricelist price (at installation)."""
        # sudo: every company's pricelists, at installation.
        infos = self.env["product.supplierinfo"].sudo().search([("price", ">", 0)])
        self._capture_supplierinfo(infos)

    @api.model
    def _prepare_captured_vals(
        self, product, partner, company, date, source, price, currency, uom, quantity, reference, **links
    ):
        observations = self.env["prod.planning.price.observation"]
        rate = observations._company_rate(currency, company, date, {})
        if not uom._has_common_reference(product.uom_id):
            # Cannot be converted: the price is taken as per product unit.
            uom = product.uom_id
        vals = upsert_vals(
            product_id=product.id,
            product_tmpl_id=product.product_tmpl_id.id,
            categ_id=product.categ_id.id or None,
            partner_id=partner.id or None,
            company_id=company.id,
            date=date,
            source=source,
            reference=reference or None,
            price=price,
            currency_id=currency.id,
            uom_id=uom.id,
            quantity=quantity or None,
            normalized_uom_id=product.uom_id.id,
            **links,
        )
        return self.env["prod.planning.price.import"]._normalize_vals(
            vals, rate, uom.factor, product.uom_id.factor, observations._price_digits()
        )
