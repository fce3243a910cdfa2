from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common_vendor import VendorCase

TODAY = "2024-06-03 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPromisedDates(VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.escalation_type = cls.env.ref("prod_planning.mail_activity_type_purchase_escalation")

    def _escalations(self, line):
        return self._line_activities(line, self.escalation_type)

    def test_original_date_set_at_confirmation_and_kept(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")], confirm=False)
        line = order.order_line
        self.assertFalse(line.date_requested_original)
        # Negotiating the RFQ is not a revision.
        line.date_planned = datetime(2024, 6, 12, 12, 0)
        self.assertFalse(line.promised_revision_ids)
        order.button_confirm()
        self.assertEqual(line.date_requested_original, date(2024, 6, 12))
        self._slip(line, "2024-06-20")
        self.assertEqual(line.date_requested_original, date(2024, 6, 12))
        self.assertEqual(line.date_promised, date(2024, 6, 20))

    def test_line_added_to_confirmed_order_is_requested_now(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        order.order_line = [
            Command.create(
                {
                    "product_id": self.bolt.id,
                    "product_qty": 10,
                    "price_unit": 2,
                    "date_planned": datetime(2024, 6, 14, 12, 0),
                }
            )
        ]
        added = order.order_line.filtered(lambda line: line.product_id == self.bolt)
        self.assertEqual(added.date_requested_original, date(2024, 6, 14))

    def test_manual_edit_of_confirmed_line_records_revision(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        with Form(order) as form, form.order_line.edit(0) as row:
            row.date_planned = datetime(2024, 6, 15, 9, 0)
        revision = line.promised_revision_ids
        self.assertRecordValues(
            revision,
            [
                {
                    "old_date": date(2024, 6, 10),
                    "new_date": date(2024, 6, 15),
                    "source": "manual",
                    "contact_id": False,
                    "is_slip": True,
                }
            ],
        )
        # A change of the hour only is not a new promise.
        line.date_planned = datetime(2024, 6, 15, 16, 0)
        self.assertEqual(len(line.promised_revision_ids), 1)
        # Any write of the date after confirmation is recorded.
        order.order_line.write({"date_planned": datetime(2024, 6, 18, 12, 0)})
        self.assertEqual(len(line.promised_revision_ids), 2)
        self.assertEqual(line.slip_count, 2)
        self.assertEqual(order.prod_planning_revision_count, 2)
        action = order.action_prod_planning_view_revisions()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), line.promised_revision_ids)

    def test_days_slipped_per_vendor_and_month(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        line.date_planned = datetime(2024, 6, 14, 12, 0)  # slip of 4 days
        line.date_planned = datetime(2024, 6, 12, 12, 0)  # 2 days earlier
        line.date_planned = datetime(2024, 6, 15, 12, 0)  # slip of 3 days
        revisions = line.promised_revision_ids.sorted("id")
        self.assertEqual(revisions.mapped("delta_days"), [4, -2, 3])
        self.assertEqual(revisions.mapped("slip_days"), [4, 0, 3])
        [group] = self.env["prod.planning.promised.date.revision"].read_group(
            [("purchase_line_id", "=", line.id)],
            ["slip_days:sum", "delta_days:sum"],
            ["partner_id", "date:month"],
            lazy=False,
        )
        self.assertEqual(group["partner_id"][0], self.vendor_a.id)
        self.assertEqual(group["__count"], 3)
        self.assertEqual(group["slip_days"], 7)
        self.assertEqual(group["delta_days"], 5)
        views = "prod_planning.prod_planning_promised_date_revision_view"
        self.assertActionViews(
            "prod_planning.prod_planning_promised_date_revision_action",
            {"pivot": f"{views}_pivot", "graph": f"{views}_graph"},
        )
        action = self.env.ref("prod_planning.prod_planning_promised_date_revision_action")
        self.assertIn("days slipped", action.help)

    def test_vendor_portal_update_is_a_confirmed_revision(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        # What the portal controller calls when the vendor changes the date.
        order.sudo()._update_date_planned_for_lines([(line, datetime(2024, 6, 13, 12, 0))])
        revision = line.promised_revision_ids
        self.assertEqual(revision.source, "vendor_portal")
        self.assertEqual(revision.new_date, date(2024, 6, 13))
        self.assertTrue(line.vendor_confirmed)

    def test_revision_by_a_purchase_user_without_planning_rights(self):
        purchase_user = self.env["res.users"].create(
            {
                "name": "Plain Purchase User",
                "login": "plain_purchase_user",
                "group_ids": [
                    Command.set([self.env.ref("base.group_user").id, self.env.ref("purchase.group_purchase_user").id])
                ],
            }
        )
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        order.order_line.with_user(purchase_user).date_planned = datetime(2024, 6, 11, 12, 0)
        revision = order.order_line.promised_revision_ids
        self.assertEqual(revision.user_id, purchase_user)

    def test_escalation_after_too_many_slips_once(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        self._slip(line, "2024-06-12")
        self._slip(line, "2024-06-14")
        self.assertEqual(line.slip_count, 2)
        self.assertFalse(self._escalations(line), "2 slips is not more than 2")
        self._slip(line, "2024-06-17")
        escalation = self._escalations(line)
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.purchase_manager)
        self.assertEqual(escalation.res_model, "purchase.order")
        self.assertEqual(escalation.res_id, order.id)
        self.assertIn("slipped 3 times", escalation.note)
        # Slipping again while escalated does not pile up activities.
        self._slip(line, "2024-06-19")
        self.assertEqual(self._escalations(line), escalation)
        # An earlier promise is not a slip.
        self._slip(line, "2024-06-18")
        self.assertEqual(line.slip_count, 4)

    def test_escalation_goes_to_first_purchase_manager_without_setting(self):
        self.company.prod_planning_escalation_user_id = False
        self.company.prod_planning_max_slips = 0
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        self._slip(order.order_line, "2024-06-11")
        expected = self.company._prod_planning_escalation_user()
        self.assertTrue(expected.has_group("purchase.group_purchase_manager"))
        self.assertEqual(self._escalations(order.order_line).user_id, expected)

    def test_escalation_when_promised_after_the_planning_need(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        # The last planning run needs this supply on 2024-06-11.
        self.env["prod.planning.exception"].create(
            {
                "kind": "reschedule_in",
                "product_id": self.part.id,
                "company_id": self.company.id,
                "warehouse_id": self.warehouse.id,
                "message": "Bring it forward",
                "date": "2024-06-10",
                "suggested_date": "2024-06-11",
                "origin_ref": f"purchase.order.line,{line.id}",
            }
        )
        self.assertEqual(line.planning_need_date, date(2024, 6, 11))
        self._slip(line, "2024-06-11")
        self.assertFalse(self._escalations(line), "on the need date is fine")
        self._slip(line, "2024-06-12")
        escalation = self._escalations(line)
        self.assertEqual(len(escalation), 1)
        self.assertIn("after the planning need on 06/11/2024", escalation.note)

    def test_need_date_from_pegging_of_the_released_planned_order(self):
        order = self._order(self.vendor_a, [(self.part, 5, "2024-06-10")])
        line = order.order_line
        planned = self.env["prod.planning.order"].create(
            {
                "product_id": self.part.id,
                "warehouse_id": self.warehouse.id,
                "company_id": self.company.id,
                "quantity": 5,
                "supply_type": "buy",
                "release_date": "2024-06-01",
                "due_date": "2024-06-10",
                "state": "released",
                "purchase_line_id": line.id,
                "pegging": [[3, "2024-06-09", "actual", None, None], [2, "2024-06-12", "actual", None, None]],
            }
        )
        self.assertTrue(planned)
        self.assertEqual(line.planning_need_date, date(2024, 6, 9))
