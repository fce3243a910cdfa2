"""Turns planned orders into RFQs and manufacturing orders."""

import math
from collections import defaultdict
from datetime import datetime, time

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError


class ProdPlanningRelease(models.AbstractModel):
    _name = "prod.planning.release"
    _description = "Planned Order Release"

    @api.model
    def _release(self, orders, confirm=False, per_group_savepoint=False, notify=False):
        """Release ``orders``; return a plain summary.

        Purchase planned orders become one RFQ per vendor, warehouse and due
        week (vendor minimum quantity and the product's multiple respected);
        manufacturing ones become confirmed manufacturing orders. With
        ``per_group_savepoint`` (scheduled actions) a group that fails is
        reported in ``errors`` and the others are released; otherwise any bad
        order raises a UserError and nothing is written.
        """
        done = orders.filtered(lambda o: o.state == "released")
        if done and not per_group_savepoint:
            raise UserError(
                _(
                    "Planned orders already released: %(names)s. Release only planned or firm orders.",
                    names=", ".join(done.mapped("display_name")),
                )
            )
        orders = orders - done
        errors = []
        result = {"released": 0, "purchase_order_ids": [], "production_ids": [], "errors": errors}
        groups = defaultdict(lambda: self.env["prod.planning.order"])
        for order in orders:
            if order.supply_type == "buy":
                week = order.due_date.isocalendar()[:2]
                key = ("buy", order.vendor_id, order.warehouse_id, week)
            else:
                key = ("manufacture", order.warehouse_id)
            groups[key] |= order
        for key, group in groups.items():
            try:
                if per_group_savepoint:
                    with self.env.cr.savepoint():
                        self._release_group(key, group, confirm, notify, result)
                else:
                    self._release_group(key, group, confirm, notify, result)
            except (UserError, ValidationError) as error:
                if not per_group_savepoint:
                    raise
                errors.append(error.args[0])
        return result

    def _release_group(self, key, orders, confirm, notify, result):
        if key[0] == "buy":
            purchase = self._create_rfq(orders)
            if confirm:
                purchase.button_confirm()
            if notify:
                self._notify_buyer(purchase)
            result["purchase_order_ids"].append(purchase.id)
        else:
            productions = self._create_productions(orders)
            result["production_ids"].extend(productions.ids)
        result["released"] += len(orders)

    def _check_vendor(self, orders):
        missing = orders.filtered(lambda o: not o.vendor_id)
        if missing:
            raise UserError(
                _(
                    "Planned orders without vendor: %(names)s. Add a vendor price "
                    "to the product (Purchase tab) and run the plan again.",
                    names=", ".join(missing.mapped("display_name")),
                )
            )

    def _purchase_qty(self, order, seller, multiple):
        """The planned quantity raised to the vendor minimum and product multiple."""
        product = order.product_id
        qty = order.quantity
        if seller and seller.min_qty:
            qty = max(qty, seller.product_uom_id._compute_quantity(seller.min_qty, product.uom_id))
        if multiple:
            qty = math.ceil(round(qty / multiple, 6)) * multiple
        return qty

    def _create_rfq(self, orders):
        self._check_vendor(orders)
        vendor = orders.vendor_id
        warehouse = orders.warehouse_id
        company = warehouse.company_id
        purchase = (
            self.env["purchase.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": vendor.id,
                    "company_id": company.id,
                    "picking_type_id": warehouse.in_type_id.id,
                    "origin": ", ".join(sorted(set(orders.run_id.mapped("name")))) or _("Planning"),
                }
            )
        )
        line_model = self.env["purchase.order.line"].with_company(company)
        multiples = {
            p.product_id.id: p.lot_multiple_qty
            for p in self.env["prod.planning.parameter"].search(
                [("product_id", "in", orders.product_id.ids), ("warehouse_id", "=", warehouse.id)]
            )
        }
        line_vals = []
        for order in orders:
            product = order.product_id
            # The vendor's smallest minimum: the price break is chosen on the
            # final quantity by _prepare_purchase_order_line.
            seller = product.seller_ids.filtered(
                lambda s, p=product: s.partner_id == vendor and (not s.product_id or s.product_id == p)
            ).sorted("min_qty")[:1]
            qty = self._purchase_qty(order, seller, multiples.get(product.id))
            # Odoo 19: the line is in the vendor's unit (no product purchase
            # unit any more), as purchase_stock's procurements do.
            uom = product.uom_id
            if seller and seller.product_uom_id != uom:
                qty = uom._compute_quantity(qty, seller.product_uom_id, rounding_method="HALF-UP")
                uom = seller.product_uom_id
            vals = line_model._prepare_purchase_order_line(product, qty, uom, company, seller.partner_id, purchase)
            vals["date_planned"] = datetime.combine(order.due_date, time(12))
            line_vals.append(vals)
        lines = line_model.create(line_vals)
        for order, line in zip(orders, lines, strict=True):
            order.write({"state": "released", "purchase_line_id": line.id})
        return purchase

    def _create_productions(self, orders):
        missing = orders.filtered(lambda o: not o.bom_id)
        if missing:
            raise UserError(
                _(
                    "Planned orders without bill of materials: %(names)s. Create a "
                    "BoM for the product and run the plan again.",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        vals_list = []
        for order in orders:
            warehouse = order.warehouse_id
            vals_list.append(
                {
                    "product_id": order.product_id.id,
                    "product_qty": order.quantity,
                    "product_uom_id": order.product_id.uom_id.id,
                    "bom_id": order.bom_id.id,
                    "company_id": order.company_id.id,
                    "picking_type_id": (order.bom_id.picking_type_id or warehouse.manu_type_id).id,
                    "date_start": datetime.combine(order.release_date, time(8)),
                    "date_deadline": datetime.combine(order.due_date, time(12)),
                    "origin": order.run_id.name or _("Planning"),
                }
            )
        productions = self.env["mrp.production"].create(vals_list)
        productions.action_confirm()
        for order, production in zip(orders, productions, strict=True):
            order.write({"state": "released", "production_id": production.id})
        return productions

    def _notify_buyer(self, purchase):
        buyer = purchase.order_line.product_id.product_tmpl_id.responsible_id[:1] or purchase.user_id or self.env.user
        author = purchase.company_id._prod_planning_author_context()
        purchase.with_context(**author).activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=buyer.id,
            summary=_("Check the RFQ released by the planning run"),
            note=_(
                "%(po)s was created by the planning run for %(vendor)s; check quantities and dates and send it.",
                po=purchase.name,
                vendor=purchase.partner_id.name,
            ),
        )
