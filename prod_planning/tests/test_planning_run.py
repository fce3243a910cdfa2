from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.prod_planning_run import RUN_LOCK_KEY
from .common import PlanningRunCase

# A Wednesday: lead-time offsets below cross the weekend of 7-8 March.
TODAY = "2026-03-04 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPlanningRun(PlanningRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steel = cls._create_product("PRT Steel", uom=cls.uom_unit)
        cls._add_vendor(cls.steel, cls.vendor_a, 2.0, delay=3)

    def test_buy_lot_for_lot_with_lead_time_across_weekend(self):
        self._set_on_hand(self.steel, 3)
        picking = self._deliver(self.steel, 10, "2026-03-16 10:00:00")
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        order = self._planned(self.steel)
        self.assertEqual(len(order), 1)
        self.assertEqual(order.quantity, 7)
        self.assertEqual(order.supply_type, "buy")
        self.assertEqual(order.vendor_id, self.vendor_a)
        self.assertEqual(order.due_date, date(2026, 3, 16))
        # Three working days before Monday 16 March: Wednesday 11 March.
        self.assertEqual(order.release_date, date(2026, 3, 11))
        self.assertFalse(order.late)
        self.assertEqual(order.peg_ids.demand_ref, picking.move_ids)
        self.assertEqual(order.peg_ids.quantity, 7)
        self.assertEqual(run.planned_order_count, 1)
        self.assertIn("1 planned orders", run.message_ids[0].body)

    def test_three_levels_shared_component_and_uom(self):
        desk = self._create_product("PRT Desk", route="manufacture")
        frame = self._create_product("PRT Frame", route="manufacture")
        desk_bom = self._create_bom(desk, [(frame, 2), (self.steel, 1, self.uom_dozen)], qty=2)
        frame_bom = self._create_bom(frame, [(self.steel, 3)])
        desk_bom.produce_delay = 2
        frame_bom.produce_delay = 1
        self._deliver(desk, 4, "2026-03-23 10:00:00")
        self._run()
        desk_order = self._planned(desk)
        self.assertRecordValues(
            desk_order,
            [
                {
                    "quantity": 4,
                    "supply_type": "manufacture",
                    "bom_id": desk_bom.id,
                    "due_date": date(2026, 3, 23),
                    "release_date": date(2026, 3, 19),
                }
            ],
        )
        frame_order = self._planned(frame)
        self.assertRecordValues(
            frame_order, [{"quantity": 4, "due_date": date(2026, 3, 19), "release_date": date(2026, 3, 18)}]
        )
        self.assertEqual(frame_order.peg_ids.parent_order_id, desk_order)
        steel_orders = self._planned(self.steel)
        # 3 per frame for 4 frames on the 18th; 1 dozen per 2 desks for 4 desks
        # on the 19th.
        self.assertEqual(
            [(o.due_date, o.quantity) for o in steel_orders], [(date(2026, 3, 18), 12), (date(2026, 3, 19), 24)]
        )
        self.assertEqual(steel_orders.peg_ids.parent_order_id, desk_order | frame_order)

    def test_next_run_keeps_unchanged_orders_and_replaces_changed_ones(self):
        desk = self._create_product("PRT Keep Desk", route="manufacture")
        self._create_bom(desk, [(self.steel, 2)])
        self._deliver(desk, 4, "2026-03-23 10:00:00")
        first = self._run()
        desk_order = self._planned(desk)
        steel_order = self._planned(self.steel)
        self.assertEqual(steel_order.peg_ids.parent_order_id, desk_order)
        # Nothing changed: the same records, now the second run's plan.
        second = self._run()
        self.assertEqual(self._planned(desk), desk_order)
        self.assertEqual(self._planned(self.steel), steel_order)
        self.assertEqual((desk_order | steel_order).run_id, second)
        self.assertFalse(self.env["prod.planning.order"].search([("run_id", "=", first.id)]))
        self.assertEqual(steel_order.peg_ids.parent_order_id, desk_order)
        self.assertEqual(second.planned_order_count, 2)
        # More desks: the desk order changes (a new record), the steel order
        # too; their pegging points to the new desk order.
        self._deliver(desk, 1, "2026-03-23 11:00:00")
        third = self._run()
        new_desk = self._planned(desk)
        new_steel = self._planned(self.steel)
        self.assertEqual((new_desk.quantity, new_steel.quantity), (5, 10))
        self.assertFalse((desk_order | steel_order).exists())
        self.assertEqual((new_desk | new_steel).run_id, third)
        self.assertEqual(new_steel.peg_ids.parent_order_id, new_desk)

    def test_kept_order_pegging_follows_its_new_parent(self):
        desk = self._create_product("PRT Peg Desk", route="manufacture")
        self._create_bom(desk, [(self.steel, 1)])
        # The steel lot of 10 (minimum quantity) stays the same when the desk
        # order grows: the steel order is kept, its pegging changes.
        self.env["prod.planning.parameter"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "lot_policy": "min_max_multiple",
                "lot_min_qty": 10,
            }
        )
        self._deliver(desk, 3, "2026-03-23 10:00:00")
        self._run()
        steel_order = self._planned(self.steel)
        self.assertEqual(steel_order.quantity, 10)
        self._deliver(desk, 2, "2026-03-23 11:00:00")
        self._run()
        new_desk = self._planned(desk)
        self.assertEqual(new_desk.quantity, 5)
        self.assertEqual(self._planned(self.steel), steel_order)
        self.assertEqual(steel_order.peg_ids.parent_order_id, new_desk)
        self.assertEqual(sum(steel_order.peg_ids.mapped("quantity")), 5)

    def test_late_component_message_names_its_parent_planned_order(self):
        desk = self._create_product("PRT Named Desk", route="manufacture")
        self._create_bom(desk, [(self.steel, 1)])
        self._deliver(desk, 2, "2026-03-05 10:00:00")
        self._run()
        desk_order = self._planned(desk)
        late = self._exceptions(self.steel, "late")
        self.assertEqual(len(late), 1)
        self.assertEqual(late.demand_ref, f"prod.planning.order,{desk_order.id}")
        self.assertIn("the planned order of PRT Named Desk due 03/05/2026", late.suggestion)

    def test_product_names_are_odoo_display_names(self):
        coded = self._create_product("PRT Named Coded")
        coded.default_code = "PRT-CODE"
        plain = self._create_product("PRT Named Plain")
        plain.default_code = False
        size = self.env["product.attribute"].create(
            {"name": "PRT Size", "value_ids": [Command.create({"name": "S"}), Command.create({"name": "L"})]}
        )
        shirt = self.env["product.template"].create(
            {
                "name": "PRT Named Shirt",
                "default_code": "PRT-SHIRT",
                "is_storable": True,
                "attribute_line_ids": [
                    Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]})
                ],
            }
        )
        products = coded | plain | shirt.product_variant_ids
        self.assertEqual(len(products), 4)
        names = self.env["prod.planning.run.reader"]._product_names(set(products.ids), self.company)
        self.assertEqual(names, {product.id: product.display_name for product in products})
        self.assertEqual(names[coded.id], "[PRT-CODE] PRT Named Coded")
        self.assertIn("(S)", " ".join(names.values()))

    def test_bom_cycle_fails_and_keeps_previous_plan(self):
        part_a = self._create_product("PRT Cycle A", route="manufacture")
        part_b = self._create_product("PRT Cycle B", route="manufacture")
        self._create_bom(part_a, [(self.steel, 1)])
        self._deliver(part_a, 5, "2026-03-20 10:00:00")
        self._run()
        previous = self._planned(part_a) | self._planned(self.steel)
        self.assertEqual(len(previous), 2)
        self._create_bom(part_b, [(part_a, 1)])
        # Odoo refuses such a BoM when it is saved; data imported around that
        # check (or a BoM of another company) can still loop.
        self.env.cr.execute(
            "INSERT INTO mrp_bom_line (bom_id, product_id, product_qty, "
            "product_uom_id, sequence) VALUES (%s, %s, 1, %s, 1)",
            [part_a.bom_ids.id, part_b.id, part_b.uom_id.id],
        )
        self.env.invalidate_all()
        run = self._run()
        self.assertEqual(run.state, "failed")
        self.assertIn("PRT Cycle A", run.error_message)
        self.assertIn("PRT Cycle B", run.error_message)
        self.assertTrue(previous.exists() == previous)
        with self.assertRaisesRollback(UserError, "cycle"):
            self.env["prod.planning.run"].run_planning({"warehouse_ids": self.warehouse.ids})

    def test_plan_text_is_written_as_is(self):
        # The plan is written with COPY: tabs, line breaks, backslashes and
        # quotes in the text it stores must come back unchanged.
        odd = self._create_product('PRT Odd\tname \\N "quoted"\nsecond line')
        self._deliver(odd, 2, "2026-03-12 10:00:00")
        run = self._run()
        self.assertEqual(run.state, "done", run.error_message)
        no_source = self._exceptions(odd, "no_source")
        self.assertEqual(no_source.message, 'PRT Odd\tname \\N "quoted"\nsecond line: buy product without vendor')
        self.assertEqual(no_source.quantity, 2)

    def test_firm_planned_order_is_kept(self):
        self._deliver(self.steel, 10, "2026-03-16 10:00:00")
        self._run()
        order = self._planned(self.steel)
        order.quantity = 15
        order.action_firm()
        self._deliver(self.steel, 4, "2026-03-18 10:00:00")
        self._run()
        orders = self._planned(self.steel)
        self.assertIn(order, orders)
        self.assertEqual(order.state, "firm")
        # The firm 15 covers 10 + 4: no new planned order.
        self.assertEqual(len(orders), 1)

    def test_release_groups_rfqs_per_vendor_and_week(self):
        bolt = self._create_product("PRT Bolt")
        self._add_vendor(bolt, self.vendor_a, 0.1, delay=3, min_qty=50)
        chair = self._create_product("PRT Chair", route="manufacture")
        self._create_bom(chair, [(bolt, 4)])
        self._deliver(self.steel, 10, "2026-03-16 10:00:00")
        self._deliver(self.steel, 5, "2026-03-17 10:00:00")
        self._deliver(bolt, 8, "2026-03-18 10:00:00")
        self._deliver(chair, 2, "2026-03-30 10:00:00")
        self._run()
        week_orders = self.env["prod.planning.order"].search(
            [("warehouse_id", "=", self.warehouse.id), ("due_date", "<=", "2026-03-20"), ("supply_type", "=", "buy")]
        )
        self.assertEqual(len(week_orders), 3)
        chair_order = self._planned(chair)
        result = (week_orders | chair_order).release_orders()
        self.assertEqual(len(result["purchase_order_ids"]), 1)
        purchase = self.env["purchase.order"].browse(result["purchase_order_ids"])
        self.assertEqual(purchase.partner_id, self.vendor_a)
        self.assertEqual(purchase.state, "draft")
        bolt_line = purchase.order_line.filtered(lambda line: line.product_id == bolt)
        self.assertEqual(bolt_line.product_qty, 50, "vendor minimum quantity")
        # One line per product and week (issue #13: not one line per order).
        self.assertEqual(
            purchase.order_line.filtered(lambda line: line.product_id == self.steel).mapped("product_qty"), [15]
        )
        self.assertEqual(set(week_orders.mapped("state")), {"released"})
        self.assertEqual(week_orders.purchase_line_id.order_id, purchase)
        production = chair_order.production_id
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(production.product_qty, 2)
        with self.assertRaisesRollback(UserError, "already released"):
            chair_order.release_orders()

    def test_exception_messages(self):
        late_po = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        unneeded = self._create_product("PRT Unneeded")
        self._add_vendor(unneeded, self.vendor_b, 1.0)
        spare_po = self._purchase(unneeded, self.vendor_b, 5, "2026-03-10 12:00:00")
        orphan = self._create_product("PRT No Vendor")
        self._deliver(orphan, 2, "2026-03-12 10:00:00")
        # The run's summary words its warnings in the user's language (Odoo
        # warns when _() cannot tell which language it is called for).
        with self.assertNoLogs("odoo.tools.translate", level="WARNING"):
            run = self._run()
        self.assertIn("Warning:", run.message_ids[0].body)
        reschedule = self._exceptions(self.steel, "reschedule_in")
        self.assertEqual(len(reschedule), 1)
        self.assertEqual(reschedule.origin_ref, late_po.order_line)
        self.assertEqual(reschedule.suggested_date, date(2026, 3, 13))
        self.assertFalse(self._planned(self.steel), "the late PO covers the need")
        cancel = self._exceptions(unneeded, "cancel")
        self.assertEqual(cancel.origin_ref, spare_po.order_line)
        no_source = self._exceptions(orphan, "no_source")
        self.assertEqual(no_source.message, "PRT No Vendor: buy product without vendor")
        self.assertFalse(self._planned(orphan))
        reschedule.action_apply()
        self.assertEqual(late_po.order_line.date_planned.date(), date(2026, 3, 13))
        self.assertEqual(reschedule.state, "done")

    def test_exception_messages_name_products_and_documents(self):
        # The engine gives codes and values; the message names the product and
        # the origin document as the planner knows them, with formatted dates.
        late_po = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        spare = self._create_product("PRT Spare")
        self._add_vendor(spare, self.vendor_b, 1.0)
        suppliers = self.env.ref("stock.stock_location_suppliers")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": suppliers.id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": spare.id,
                            "product_uom_qty": 1234.5,
                            "product_uom": spare.uom_id.id,
                            "location_id": suppliers.id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.date = "2026-03-10 10:00:00"
        rush = self._create_product("PRT Rush")
        self._add_vendor(rush, self.vendor_a, 1.0, delay=5)
        self._deliver(rush, 2.5, "2026-03-05 10:00:00")
        self._run()
        reschedule = self._exceptions(self.steel, "reschedule_in")
        self.assertEqual(
            reschedule.message, f"Bring {late_po.name} of PRT Steel forward from 03/20/2026 to 03/13/2026."
        )
        cancel = self._exceptions(spare, "cancel")
        self.assertEqual(cancel.origin_ref, receipt.move_ids)
        self.assertEqual(
            cancel.message, f"{receipt.name} (1,234.5 of PRT Spare on 03/10/2026) is not needed: cancel it."
        )
        late = self._exceptions(rush, "late")
        release = self._planned(rush).release_date
        self.assertEqual(
            late.message,
            "Planned order for 2.5 of PRT Rush needed on 03/05/2026 is late: its "
            f"release date {release:%m/%d/%Y} is in the past.",
        )
        for exception in reschedule | cancel | late:
            self.assertNotIn("('", exception.message)

    def test_exception_message_and_labels_in_the_user_language(self):
        self._translate_terms(
            "fr_FR",
            {
                "Bring %(origin)s of %(product)s forward from %(date)s to "
                "%(suggested_date)s.": "Avancer %(origin)s (%(product)s) du %(date)s au %(suggested_date)s."
            },
        )
        # And French labels of the selections shown in display names.
        for xmlid, label in (
            ("prod_planning_exception__kind__reschedule_in", "Avancer"),
            ("prod_planning_order__supply_type__buy", "Acheter"),
            ("prod_planning_forecast__period__month", "Mois"),
        ):
            self.env.ref(f"prod_planning.selection__{xmlid}").update_field_translations("name", {"fr_FR": label})
        self.env.registry.clear_cache()
        self.addCleanup(self.env.registry.clear_cache)
        late_po = self._purchase(self.steel, self.vendor_a, 10, "2026-03-20 12:00:00")
        self._deliver(self.steel, 10, "2026-03-13 10:00:00")
        self._deliver(self.steel, 7.5, "2026-03-30 10:00:00")
        forecast = self.env["prod.planning.forecast"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "date_start": "2026-05-01",
                "period": "month",
                "quantity": 1,
            }
        )
        run = (
            self.env["prod.planning.run"]
            .with_context(lang="fr_FR")
            .create({"warehouse_ids": [Command.set(self.warehouse.ids)]})
        )
        run.action_run()
        reschedule = self._exceptions(self.steel, "reschedule_in")
        self.assertEqual(reschedule.message, f"Avancer {late_po.name} (PRT Steel) du 20/03/2026 au 13/03/2026.")
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(reschedule.with_env(french).display_name, "Avancer: PRT Steel")
        order = self._planned(self.steel)[0].with_env(french)
        self.assertTrue(order.display_name.startswith("Acheter "), order.display_name)
        self.assertIn(" Mois ", forecast.with_env(french).display_name)

    def test_reschedule_manufacturing_order(self):
        table = self._create_product("PRT Table", route="manufacture")
        self._create_bom(table, [(self.steel, 1)])
        self._set_on_hand(self.steel, 10)
        production = self.env["mrp.production"].create(
            {
                "product_id": table.id,
                "product_qty": 3,
                "picking_type_id": self.warehouse.manu_type_id.id,
                "date_start": "2026-03-23 08:00:00",
            }
        )
        production.action_confirm()
        self._deliver(table, 3, "2026-03-16 10:00:00")
        self._run()
        reschedule = self._exceptions(table, "reschedule_in")
        self.assertEqual(reschedule.origin_ref, production)
        self.assertEqual(reschedule.suggested_date, date(2026, 3, 16))
        length = production.date_finished - production.date_start
        reschedule.action_apply()
        self.assertEqual(production.date_finished.date(), date(2026, 3, 16))
        self.assertEqual(production.date_finished - production.date_start, length)

    def test_forecast_consumed_by_actual_demand(self):
        self.env["prod.planning.forecast"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "date_start": "2026-03-01",
                "period": "month",
                "quantity": 20,
            }
        )
        self._deliver(self.steel, 8, "2026-03-10 10:00:00")
        self._run()
        self.assertEqual(sum(self._planned(self.steel).mapped("quantity")), 20)
        self.env["prod.planning.parameter"].create(
            {"product_id": self.steel.id, "warehouse_id": self.warehouse.id, "forecast_consumption": "sum"}
        )
        self._run()
        self.assertEqual(sum(self._planned(self.steel).mapped("quantity")), 28)

    def test_lot_sizing_and_safety_stock_parameters(self):
        self.env["prod.planning.parameter"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "lot_policy": "min_max_multiple",
                "lot_min_qty": 12,
                "lot_multiple_qty": 5,
                "safety_stock": 4,
            }
        )
        self._deliver(self.steel, 10, "2026-03-16 10:00:00")
        self._run()
        orders = self._planned(self.steel)
        # Safety stock 4 now (min 12 → 15), then 10 on the 16th: 15 - 4 = 11
        # left, so nothing more is needed.
        self.assertEqual(orders.mapped("quantity"), [15])
        self.assertEqual(orders.due_date, date(2026, 3, 4))

    def test_kit_passes_demand_to_components(self):
        kit = self._create_product("PRT Bundle", route=None)
        self._create_bom(kit, [(self.steel, 2)], bom_type="phantom")
        self._deliver(kit, 5, "2026-03-16 10:00:00")
        self._run()
        self.assertFalse(self._planned(kit))
        self.assertEqual(self._planned(self.steel).quantity, 10)

    def test_product_with_reordering_rule_is_left_to_it(self):
        self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.steel.id,
                "warehouse_id": self.warehouse.id,
                "location_id": self.stock_location.id,
                "trigger": "auto",
                "product_min_qty": 5,
                "product_max_qty": 20,
            }
        )
        self._deliver(self.steel, 10, "2026-03-16 10:00:00")
        self._run()
        self.assertFalse(self._planned(self.steel))
        self.assertFalse(self._exceptions(self.steel, "no_source"))

    def test_each_warehouse_is_planned_on_its_own(self):
        second = self.env["stock.warehouse"].create({"name": "Planning Test Warehouse 2", "code": "PT2"})
        self._set_on_hand(self.steel, 10)  # in the first warehouse only
        self._set_on_hand(self.steel, 1, second.lot_stock_id)
        self._deliver(self.steel, 4, "2026-03-16 10:00:00")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": second.out_type_id.id,
                "location_id": second.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.steel.id,
                            "product_uom_qty": 6,
                            "location_id": second.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                            "date": "2026-03-16 10:00:00",
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._run(warehouse_ids=[Command.set((self.warehouse | second).ids)])
        orders = self._planned(self.steel)
        self.assertEqual(orders.warehouse_id, second)
        self.assertEqual(orders.quantity, 5)
        result = orders.release_orders()
        purchase = self.env["purchase.order"].browse(result["purchase_order_ids"])
        self.assertEqual(purchase.picking_type_id, second.in_type_id)

    def test_two_runs_at_once_are_refused(self):
        with self.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK_KEY])
            with self.assertRaisesRollback(UserError, "Another planning run"):
                self._run()

    def test_scheduled_action_plans_and_auto_releases(self):
        self.env["prod.planning.parameter"].create(
            {"product_id": self.steel.id, "warehouse_id": self.warehouse.id, "auto_release": True}
        )
        self.company.prod_planning_release_fence_days = 7
        self._deliver(self.steel, 10, "2026-03-12 10:00:00")
        self._run_as_cron("prod.planning.run", "_cron_plan_and_release")
        order = self._planned(self.steel)
        self.assertEqual(order.state, "released")
        purchase = order.purchase_line_id.order_id
        self.assertEqual(purchase.state, "draft")
        self.assertTrue(purchase.activity_ids)
        run = order.run_id
        self.assertEqual(run.trigger, "cron")
        self.assertEqual(run.released_count, 1)
        self.assertIn("Automatic release", run.message_ids[0].body)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPlanningInput(PlanningRunCase):
    def test_forecast_bad_input(self):
        product = self._create_product("PRT Forecast")
        forecasts = self.env["prod.planning.forecast"]
        with self.assertRaisesRollback(ValidationError, "negative"):
            forecasts.create({"product_id": product.id, "date_start": "2026-04-01", "quantity": -1})
        with self.assertRaisesRollback(ValidationError, "out of range"):
            forecasts.create({"product_id": product.id, "date_start": "2099-04-01", "quantity": 1})
        with self.assertRaisesRollback(UserError, "row 2: unknown product"):
            forecasts.import_forecasts(
                [
                    {"product": product.id, "date": "2026-04-01", "quantity": 3},
                    {"product": "NO-SUCH-CODE", "date": "2026-04-01", "quantity": 3},
                ]
            )
        self.assertFalse(forecasts.search([("product_id", "=", product.id)]))

    def test_import_forecasts_is_idempotent(self):
        product = self._create_product("PRT Import", default_code="PRT-IMP")
        forecasts = self.env["prod.planning.forecast"]
        rows = [
            {"product": "PRT-IMP", "warehouse": "PTW", "date": "2026-04-01", "quantity": 3},
            {"product": product.id, "warehouse": self.warehouse.id, "date": "2026-05-01", "quantity": 4},
        ]
        self.assertEqual(forecasts.import_forecasts(rows)["created"], 2)
        rows[0]["quantity"] = 9
        result = forecasts.import_forecasts(rows)
        self.assertEqual((result["created"], result["updated"]), (0, 2))
        self.assertEqual(forecasts.search([("product_id", "=", product.id)]).mapped("quantity"), [9, 4])

    def test_parameter_bad_input(self):
        product = self._create_product("PRT Param")
        with self.assertRaisesRollback(ValidationError, "fixed quantity"):
            self.env["prod.planning.parameter"].create(
                {"product_id": product.id, "warehouse_id": self.warehouse.id, "lot_policy": "fixed"}
            )
        with self.assertRaisesRollback(ValidationError, "negative"):
            self.env["prod.planning.parameter"].create(
                {"product_id": product.id, "warehouse_id": self.warehouse.id, "safety_stock": -2}
            )
