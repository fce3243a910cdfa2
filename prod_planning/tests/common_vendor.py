"""Shared setup of the vendor tests: vendors, purchase orders, receipts."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command, fields

from .common import PlanningRunCase, new_user


class VendorCase(PlanningRunCase):
    """A buyer, two vendors with pricelists, and helpers to order and receive.

    Dates are given as ``YYYY-MM-DD`` (noon UTC for the planned dates, 10:00
    UTC for receipts): the same day in every time zone a test user may have.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"prod_planning_expedite_days": 7, "prod_planning_max_slips": 2, "prod_planning_escalation_user_id": False}
        )
        cls.buyer = new_user(cls.env, "test_vendor_buyer", name="Test Buyer", email="buyer@example.com", tz="UTC")
        cls.purchase_manager = new_user(
            cls.env,
            "test_purchase_manager",
            "base.group_user,purchase.group_purchase_manager",
            name="Test Purchase Manager",
            email="manager@example.com",
            tz="UTC",
        )
        cls.company.prod_planning_escalation_user_id = cls.purchase_manager
        cls.vendor_a.write({"email": "sales@vendor-a.example.com", "lang": "en_US"})
        cls.vendor_contact_person = cls.env["res.partner"].create(
            {"name": "Ann Sales", "parent_id": cls.vendor_a.id, "type": "contact"}
        )
        cls.part = cls._create_product("Vendor Test Part", default_code="VT-PART")
        cls.bolt = cls._create_product("Vendor Test Bolt", default_code="VT-BOLT")
        cls.supplier_part_a = cls._add_vendor(cls.part, cls.vendor_a, 10.0, delay=5)
        cls._add_vendor(cls.bolt, cls.vendor_a, 2.0, delay=3)
        cls._add_vendor(cls.part, cls.vendor_b, 11.0, delay=8)

    @classmethod
    def _order(cls, vendor, specs, confirm=True, user=None, **values):
        """A purchase order; specs: (product, qty, 'YYYY-MM-DD'[, price[, uom]])."""
        lines = []
        for spec in specs:
            product, qty, day, *rest = spec
            price = rest[0] if rest else 10.0
            uom = rest[1] if len(rest) > 1 else cls._purchase_uom(product)
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": qty,
                        "product_uom_id": uom.id,
                        "price_unit": price,
                        "date_planned": cls._noon(day),
                    }
                )
            )
        order = cls.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "user_id": (user or cls.buyer).id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "order_line": lines,
                **values,
            }
        )
        if confirm:
            order.button_confirm()
        return order

    @staticmethod
    def _noon(day):
        return datetime.combine(fields.Date.to_date(day), datetime.min.time()).replace(hour=12)

    @classmethod
    def _receive(cls, line, qty, day, backorder=True):
        """Receive ``qty`` (in the line's unit) of ``line`` on ``day`` at 10:00 UTC."""
        move = line.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        move.ensure_one()
        picking = move.picking_id
        with freeze_time(f"{day} 10:00:00"):
            move.quantity = line.product_uom_id._compute_quantity(qty, move.product_uom)
            move.picked = True
            context = {"skip_backorder": True}
            if not backorder:
                context["picking_ids_not_to_backorder"] = picking.ids
            picking.with_context(**context).button_validate()
        return picking

    @classmethod
    def _slip(cls, line, day, **values):
        """A contact in which the vendor promises ``line`` for ``day``."""
        return cls._contact(
            purchase_order_id=line.order_id.id,
            purchase_line_ids=[Command.set(line.ids)],
            outcome="new_date",
            new_promised_date=day,
            **values,
        )

    def _line_activities(self, lines, activity_type):
        """The activities of ``activity_type`` on the purchase ``lines``."""
        return self.env["mail.activity"].search(
            [("prod_planning_purchase_line_id", "in", lines.ids), ("activity_type_id", "=", activity_type.id)]
        )

    @classmethod
    def _contact(cls, vendor=None, **values):
        vals = {
            "partner_id": (vendor or cls.vendor_a).id,
            "channel": "phone",
            "direction": "out",
            "outcome": "no_answer",
        }
        vals.update(values)
        return cls.env["prod.planning.vendor.contact"].create(vals)
