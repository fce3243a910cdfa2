"""Turns planned orders into RFQs and manufacturing orders."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import release as release_engine
from ..models.prod_planning_run import RUN_LOCK_KEY


class ProdPlanningRelease(models.AbstractModel):
    _name = "prod.planning.release"
    _description = "Planned Order Release"

    @api.model
    def _plan(self, orders, grouping=release_engine.DEFAULT_GROUPING):
        """The release plan of ``orders`` (engine ``ReleasePlan``), per company.

        Reads the vendors' terms (purchase unit, minimum, multiple) and the
        planning parameters' multiples, and the release fence of each company.
        """
        if grouping not in release_engine.GROUPINGS:
            raise UserError(
                _(
                    "Unknown release grouping '%(grouping)s': use one of %(choices)s.",
                    grouping=grouping,
                    choices=", ".join(release_engine.GROUPINGS),
                )
            )
        self._check_vendor(orders.filtered(lambda o: o.supply_type == "buy"))
        today = fields.Date.context_today(self)
        plans = []
        for company in orders.company_id:
            company_orders = orders.filtered(lambda o, c=company: o.company_id == c)
            fence_date = today + timedelta(days=company.prod_planning_release_fence_days)
            plans.append(
                release_engine.plan_release(
                    [self._engine_order(order) for order in company_orders],
                    self._terms(company_orders),
                    grouping,
                    today,
                    fence_date,
                )
            )
        return release_engine.ReleasePlan(
            [rfq for plan in plans for rfq in plan.rfqs],
            [production for plan in plans for production in plan.productions],
            [order_id for plan in plans for order_id in plan.outside_fence],
        )

    @api.model
    def _engine_order(self, order):
        return release_engine.Order(
            order.id,
            order.product_id.id,
            order.supply_type,
            order.warehouse_id.id,
            order.quantity,
            order.release_date,
            order.due_date,
            order.vendor_id.id or None,
        )

    @api.model
    def _seller(self, product, vendor):
        """The vendor's price of ``product`` with the smallest minimum: the price
        break is chosen on the final quantity by _prepare_purchase_order_line."""
        return product.seller_ids.filtered(
            lambda s: s.partner_id == vendor and (not s.product_id or s.product_id == product)
        ).sorted("min_qty")[:1]

    @api.model
    def _terms(self, orders):
        """``{(product id, vendor id): engine Terms}`` of the purchase ``orders``."""
        buy = orders.filtered(lambda o: o.supply_type == "buy")
        multiples = {
            (p.product_id.id, p.warehouse_id.id): p.lot_multiple_qty
            for p in self.env["prod.planning.parameter"].search(
                [("product_id", "in", buy.product_id.ids), ("warehouse_id", "in", buy.warehouse_id.ids)]
            )
        }
        terms = {}
        for order in buy:
            key = (order.product_id.id, order.vendor_id.id)
            if key in terms:
                continue
            product = order.product_id
            seller = self._seller(product, order.vendor_id)
            uom = seller.product_uom_id or product.uom_id
            terms[key] = release_engine.Terms(
                ratio=product.uom_id._compute_quantity(1.0, uom, round=False),
                step=self._purchase_step(uom, product.uom_id),
                min_qty=seller.min_qty,
                multiple_qty=seller.multiplier_qty,
                lot_multiple=multiples.get((product.id, order.warehouse_id.id), 0.0),
            )
        return terms

    @api.model
    def _purchase_step(self, uom, product_uom):
        """What a purchase quantity in ``uom`` is rounded up to: a whole unit
        when the vendor sells in another unit than the product's (dozens,
        boxes) or in a counted unit (Units and the units made of it: no 1.5
        boards); the unit's precision for measured ones (kg, m, L)."""
        if uom != product_uom:
            return 1.0
        units = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        root = uom
        while root.relative_uom_id:
            root = root.relative_uom_id
        return 1.0 if root == units else uom.rounding

    @api.model
    def _release(self, orders, confirm=False, per_group_savepoint=False, notify=False, grouping=None):
        """Release ``orders``; return a plain summary.

        Purchase planned orders become one RFQ per vendor, warehouse and
        horizon bucket of ``grouping`` (``due``, ``week`` (default), ``month``
        or ``fence``), one line per product and date bucket, quantities
        rounded up by the release engine (purchase unit, vendor minimum and
        multiple); manufacturing ones become confirmed manufacturing orders.
        With ``per_group_savepoint`` (scheduled actions) a group that fails is
        reported in ``errors`` and the others are released; otherwise any bad
        order raises a UserError and nothing is written. Orders left out by
        the ``fence`` grouping are listed in ``skipped_ids``.
        """
        grouping = grouping or release_engine.DEFAULT_GROUPING
        # As workbench edits: the run lock shared, a full run cannot start
        # meanwhile, and a release during a run is refused, not blocked.
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [RUN_LOCK_KEY])
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                _(
                    "A planning run is replacing the planned orders: nothing was released. "
                    "Release them again when it has finished."
                )
            )
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
        result = {"released": 0, "purchase_order_ids": [], "production_ids": [], "errors": errors, "skipped_ids": []}
        if per_group_savepoint:
            no_vendor = orders.filtered(lambda o: o.supply_type == "buy" and not o.vendor_id)
            if no_vendor:
                try:
                    self._check_vendor(no_vendor)
                except UserError as error:
                    errors.append(error.args[0])
                orders -= no_vendor
        plan = self._plan(orders, grouping)
        result["skipped_ids"] = plan.outside_fence
        groups = [("buy", rfq) for rfq in plan.rfqs]
        productions = defaultdict(list)
        for production in plan.productions:
            productions[production.warehouse_id].append(production)
        groups += [("manufacture", group) for group in productions.values()]
        for kind, group in groups:
            try:
                if per_group_savepoint:
                    with self.env.cr.savepoint():
                        self._release_group(kind, group, confirm, notify, result)
                else:
                    self._release_group(kind, group, confirm, notify, result)
            except (UserError, ValidationError) as error:
                if not per_group_savepoint:
                    raise
                errors.append(error.args[0])
        return result

    def _release_group(self, kind, group, confirm, notify, result):
        Order = self.env["prod.planning.order"]
        if kind == "buy":
            purchase = self._create_rfq(group)
            if confirm:
                purchase.button_confirm()
            if notify:
                self._notify_buyer(purchase)
            result["purchase_order_ids"].append(purchase.id)
            result["released"] += len(group.order_ids)
        else:
            productions = self._create_productions(Order.browse([p.order_id for p in group]))
            result["production_ids"].extend(productions.ids)
            result["released"] += len(group)

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

    def _create_rfq(self, rfq):
        """One RFQ of the engine's plan: ``rfq`` (engine ``Rfq``)."""
        Order = self.env["prod.planning.order"]
        orders = Order.browse(rfq.order_ids)
        vendor = self.env["res.partner"].browse(rfq.vendor_id)
        warehouse = self.env["stock.warehouse"].browse(rfq.warehouse_id)
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
        line_vals = []
        for line in rfq.lines:
            product = self.env["product.product"].browse(line.product_id)
            seller = self._seller(product, vendor)
            # Odoo 19: the line is in the vendor's unit (no product purchase
            # unit any more), as purchase_stock's procurements do.
            uom = seller.product_uom_id or product.uom_id
            vals = line_model._prepare_purchase_order_line(product, line.purchase_qty, uom, company, vendor, purchase)
            vals["date_planned"] = datetime.combine(line.date, time(12))
            line_vals.append(vals)
        lines = line_model.create(line_vals)
        for line, purchase_line in zip(rfq.lines, lines, strict=True):
            Order.browse(line.order_ids).write({"state": "released", "purchase_line_id": purchase_line.id})
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
