"""Capacity load per work center and day, on a hand-computed week."""

from datetime import date

from odoo.tests import tagged

from .common_scheduling import SchedulingCase, at, frozen


@tagged("post_install", "-at_install")
@frozen()
class TestCapacityLoad(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workcenter = cls._create_workcenter("Sched Load")
        cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Public holiday",
                    "date_from": at(2, 0),
                    "date_to": at(2, 23, 59),
                    "time_type": "leave",
                    "company_id": cls.company.id,
                },
                {
                    "name": "Friday afternoon maintenance",
                    "calendar_id": cls.calendar.id,
                    "resource_id": cls.workcenter.resource_id.id,
                    "date_from": at(4, 13),
                    "date_to": at(4, 17),
                    "time_type": "leave",
                },
            ]
        )
        product = cls._create_product("Sched Load Part", route="manufacture")
        cls._create_routing_bom(product, [(cls.workcenter, 60)])
        # 10 h and 12 h of work, both from Monday 08:00.
        cls.first = cls._create_production(product, 10)
        cls.second = cls._create_production(product, 12)
        for production, end in ((cls.first, at(1, 10)), (cls.second, at(1, 12))):
            production.workorder_ids.with_context(bypass_duration_calculation=True).write(
                {"date_start": at(0, 8), "date_finished": end}
            )
        # A planned order of the planning run: 16 x 30 min, Thursday to Friday.
        planned_product = cls._create_product("Sched Load Planned", route="manufacture")
        bom = cls._create_routing_bom(planned_product, [(cls.workcenter, 30)])
        cls.env["prod.planning.order"].create(
            {
                "product_id": planned_product.id,
                "warehouse_id": cls.warehouse.id,
                "company_id": cls.company.id,
                "quantity": 16,
                "supply_type": "manufacture",
                "bom_id": bom.id,
                "workcenter_id": cls.workcenter.id,
                "release_date": date(2027, 3, 4),
                "due_date": date(2027, 3, 6),
            }
        )

    def _rows(self, workcenter):
        return {
            row.date: row
            for row in self.env["prod.planning.capacity.load"].search([("workcenter_id", "=", workcenter.id)])
        }

    def test_hand_computed_week(self):
        table = self.env["prod.planning.capacity.load"]
        table._refresh(date(2027, 3, 1), date(2027, 3, 7), self.workcenter)
        rows = self._rows(self.workcenter)
        self.assertEqual(len(rows), 7)
        expected = {
            # day: (calendar, leaves, available, work orders, planned, count)
            date(2027, 3, 1): (8, 0, 8, 16, 0, 2),
            date(2027, 3, 2): (8, 0, 8, 6, 0, 0),
            date(2027, 3, 3): (8, 8, 0, 0, 0, 0),
            date(2027, 3, 4): (8, 0, 8, 0, 16 / 3, 0),
            date(2027, 3, 5): (8, 4, 4, 0, 8 / 3, 0),
            date(2027, 3, 6): (0, 0, 0, 0, 0, 0),
            date(2027, 3, 7): (0, 0, 0, 0, 0, 0),
        }
        for day, (cal, leave, avail, wo, planned, count) in expected.items():
            row = rows[day]
            self.assertAlmostEqual(row.calendar_hours, cal, places=3, msg=day)
            self.assertAlmostEqual(row.leave_hours, leave, places=3, msg=day)
            self.assertAlmostEqual(row.available_hours, avail, places=3, msg=day)
            self.assertAlmostEqual(row.workorder_hours, wo, places=3, msg=day)
            self.assertAlmostEqual(row.planned_hours, planned, places=3, msg=day)
            self.assertAlmostEqual(row.load_hours, wo + planned, places=3, msg=day)
            self.assertEqual(row.workorder_count, count, day)
        monday = rows[date(2027, 3, 1)]
        self.assertTrue(monday.overloaded)
        self.assertAlmostEqual(monday.overload_hours, 8)
        self.assertAlmostEqual(monday.free_hours, -8)
        self.assertAlmostEqual(monday.load_percent, 200)
        self.assertFalse(rows[date(2027, 3, 2)].overloaded)
        self.assertAlmostEqual(rows[date(2027, 3, 4)].load_percent, 66.67)
        # Grouped over the week, the load % is the ratio of the sums: 30 h / 28 h.
        (week,) = table.read_group(
            [("workcenter_id", "=", self.workcenter.id)],
            ["load_percent", "load_hours", "available_hours"],
            ["workcenter_id"],
        )
        self.assertAlmostEqual(week["available_hours"], 28)
        self.assertAlmostEqual(week["load_hours"], 30)
        self.assertAlmostEqual(week["load_percent"], 100 * 30 / 28)
        # So does what Odoo 19's web client calls: list and graph views...
        domain = [("workcenter_id", "=", self.workcenter.id)]
        (week,) = table.formatted_read_group(domain, ["workcenter_id"], ["load_percent:avg"])
        self.assertAlmostEqual(week["load_percent:avg"], 100 * 30 / 28)
        # ... and the pivot view.
        ((week,), (total,)) = table.formatted_read_grouping_sets(
            domain, [["workcenter_id"], []], ["load_percent:avg", "load_hours:sum"]
        )
        self.assertAlmostEqual(week["load_percent:avg"], 100 * 30 / 28)
        self.assertAlmostEqual(total["load_percent:avg"], 100 * 30 / 28)
        self.assertAlmostEqual(total["load_hours:sum"], 30)
        # Refreshing again replaces the rows.
        table._refresh(date(2027, 3, 1), date(2027, 3, 7), self.workcenter)
        self.assertEqual(len(self._rows(self.workcenter)), 7)

    def test_overload_warning_on_the_order(self):
        self.assertFalse(self.first.capacity_warning)
        self.env["prod.planning.capacity.load"]._refresh(date(2027, 3, 1), date(2027, 3, 7), self.workcenter)
        self.first.invalidate_recordset(["capacity_warning"])
        self.assertEqual(
            self.first.capacity_warning,
            "Work center Sched Load is overloaded in the week of 03/01/2027: 30.0 h of load for 28.0 h available.",
        )
        # Next week is free.
        self.second.date_start = at(7, 8)
        self.assertFalse(self.second.capacity_warning)

    def test_company_calendar_and_refresh_actions(self):
        bare = self._create_workcenter("Sched Load Bare")
        bare.resource_calendar_id = False
        table = self.env["prod.planning.capacity.load"]
        table._refresh(date(2027, 3, 1), date(2027, 3, 7), bare)
        monday = self._rows(bare)[date(2027, 3, 1)]
        self.assertTrue(monday.calendar_fallback)
        self.assertEqual(monday.calendar_id, self.company.resource_calendar_id)
        self.assertAlmostEqual(monday.available_hours, 8)
        self.assertEqual(table.action_refresh()["tag"], "soft_reload")
        table._cron_refresh()
        rows = self._rows(self.workcenter)
        # The default window: from last week's Monday over 12 weeks.
        self.assertEqual(min(rows), date(2027, 2, 22))
        self.assertEqual(len(rows), 84)
        self.assertAlmostEqual(rows[date(2027, 3, 1)].workorder_hours, 16)
