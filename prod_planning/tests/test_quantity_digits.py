import re
from pathlib import Path

from odoo.tests import tagged

from .common import ProdPlanningCase

UOM_PRECISION = "Product Unit"


@tagged("post_install", "-at_install")
class TestQuantityDigits(ProdPlanningCase):
    """Quantities follow the decimal precision Odoo 19 defines for units."""

    def _addon_float_fields(self):
        for model_name in self.env.registry:
            for field in self.env[model_name]._fields.values():
                if "prod_planning" in (field._modules or ()) and field.type in ("float", "monetary"):
                    yield field

    def test_every_named_precision_exists(self):
        # An unknown name silently gives 2 digits (precision_get's fallback).
        names = set(self.env["decimal.precision"].search([]).mapped("name"))
        for field in self._addon_float_fields():
            digits = getattr(field, "_digits", None)
            if isinstance(digits, str):
                self.assertIn(digits, names, f"{field}: unknown precision {digits!r}")
        addon = Path(__file__).parents[1]
        for path in addon.glob("**/*.py"):
            for name in re.findall(r'precision_get\(\s*"([^"]+)"', path.read_text()):
                self.assertIn(name, names, f"{path.name}: unknown precision {name!r}")

    def test_quantities_use_the_unit_of_measure_precision(self):
        self.env.ref("uom.decimal_product_uom").digits = 4
        quantities = [
            ("prod.planning.parameter", "lot_fixed_qty"),
            ("prod.planning.parameter", "lot_min_qty"),
            ("prod.planning.parameter", "lot_max_qty"),
            ("prod.planning.parameter", "lot_multiple_qty"),
            ("prod.planning.parameter", "safety_stock"),
            ("prod.planning.forecast", "quantity"),
            ("prod.planning.exception", "quantity"),
            ("prod.planning.peg", "quantity"),
            ("prod.planning.order", "quantity"),
            ("prod.planning.production.rate", "planned_qty"),
            ("prod.planning.production.rate", "qty_produced"),
        ]
        for model, name in quantities:
            field = self.env[model]._fields[name]
            self.assertEqual(field.get_digits(self.env), (16, 4), f"{model}.{name}")
        product = self._create_product("Digits Part")
        forecast = self.env["prod.planning.forecast"].create(
            {"product_id": product.id, "warehouse_id": self.warehouse.id, "quantity": 1.2345}
        )
        forecast.invalidate_recordset()
        self.assertEqual(forecast.quantity, 1.2345)
