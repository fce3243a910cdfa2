"""Shared setup of the raw-material price tests (built on ProdPlanningCase)."""

import datetime

from odoo import Command, fields

from .common import ProdPlanningCase


class PriceCase(ProdPlanningCase):
    """Raw materials in several units, a second currency and a commodity index."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Observation = cls.env["prod.planning.price.observation"]
        cls.today = fields.Date.context_today(cls.Observation)
        cls.uom_meter = cls.env.ref("uom.product_uom_meter")
        cls.uom_ton = cls.env.ref("uom.product_uom_ton")
        cls.uom_gram = cls.env.ref("uom.product_uom_gram")
        cls.categ_raw = cls.env["product.category"].create({"name": "Test Raw"})
        cls.categ_metal = cls.env["product.category"].create({"name": "Test Metals", "parent_id": cls.categ_raw.id})
        cls.categ_other = cls.env["product.category"].create({"name": "Test Other"})
        cls.steel = cls._create_raw_material("Test Steel Sheet", "T-STEEL", cls.categ_metal, 1.0, uom=cls.uom_kg)
        cls.tube = cls._create_raw_material("Test Steel Tube", "T-TUBE", cls.categ_metal, 4.0, uom=cls.uom_meter)
        cls.screw = cls._create_raw_material("Test Screw", "T-SCREW", cls.categ_raw, 0.05, purchase_uom=cls.uom_dozen)
        cls.paint = cls._create_raw_material("Test Paint", "T-PAINT", cls.categ_other, 3.0, uom=cls.uom_kg)
        cls.company_currency = cls.company.currency_id
        cls.other_currency = cls.env.ref("base.EUR" if cls.company_currency.name != "EUR" else "base.USD")
        cls.other_currency.active = True
        # One unit of the other currency is worth 2 company units, at all dates.
        cls.env["res.currency.rate"].search(
            [("currency_id", "=", cls.other_currency.id), ("company_id", "in", [False, cls.company.id])]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.other_currency.id,
                "company_id": cls.company.id,
                "name": "2000-01-01",
                "rate": 0.5 * cls.company_currency.with_company(cls.company).rate,
            }
        )
        cls.steel_index = cls.env["prod.planning.price.index"].create(
            {
                "name": "Test Steel Index",
                "code": "T-IDX-STEEL",
                "uom_id": cls.uom_ton.id,
                "currency_id": cls.company_currency.id,
            }
        )

    @classmethod
    def _create_raw_material(cls, name, code, categ, cost, **values):
        """A bought product with its internal reference, category and cost."""
        return cls._create_product(name, default_code=code, categ_id=categ.id, standard_price=cost, **values)

    @classmethod
    def _days_ago(cls, days):
        return cls.today - datetime.timedelta(days=days)

    @classmethod
    def _observe(cls, product, price, days_ago=0, partner=None, **values):
        """A price observation through the ORM (source 'manual' by default)."""
        vals = {
            "product_id": product.id,
            "price": price,
            "date": cls._days_ago(days_ago),
            "source": "manual",
            "partner_id": partner.id if partner else False,
        }
        vals.update(values)
        return cls.env["prod.planning.price.observation"].create(vals)

    @classmethod
    def _link_index(cls, index, product, factor):
        return cls.env["prod.planning.price.index.product"].create(
            {"index_id": index.id, "product_id": product.id, "factor": factor}
        )

    @classmethod
    def _create_rule(cls, **values):
        vals = {
            "name": "Test rule",
            "scope": "category",
            "categ_id": cls.categ_raw.id,
            "rule_type": "previous",
            "threshold_percent": 10,
            "direction": "up",
            "lookback_days": 0,
            "user_id": cls.planner.id,
        }
        vals.update(values)
        return cls.env["prod.planning.price.alert.rule"].create(vals)

    @classmethod
    def _create_purchase(cls, vendor, lines, currency=None):
        """lines: list of (product, qty, price) or (product, qty, price, uom)."""
        order_lines = []
        for product, qty, price, *uom in lines:
            order_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": qty,
                        "price_unit": price,
                        "product_uom_id": (uom[0] if uom else cls._purchase_uom(product)).id,
                    }
                )
            )
        return cls.env["purchase.order"].create(
            {"partner_id": vendor.id, "currency_id": (currency or cls.company_currency).id, "order_line": order_lines}
        )

    def _observations(self, product, **domain_values):
        domain = [("product_id", "=", product.id)]
        domain += [(key, "=", value) for key, value in domain_values.items()]
        return self.Observation.search(domain)
