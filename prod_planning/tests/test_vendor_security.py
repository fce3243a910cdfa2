from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import new_user
from .common_vendor import VendorCase

TODAY = "2024-06-03 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestVendorSecurity(VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, env_b, warehouse_b = cls._create_company("Vendor Test Co B")
        cls.vendor_of_b = cls.env["res.partner"].create(
            {"name": "Vendor Of B", "is_company": True, "company_id": cls.company_b.id}
        )
        cls.planner_a = new_user(cls.env, "vendor_planner_a", companies=cls.company)
        cls.planner_ab = new_user(cls.env, "vendor_planner_ab", companies=cls.company | cls.company_b)
        cls.order_b = env_b["purchase.order"].create(
            {
                "partner_id": cls.vendor_of_b.id,
                "company_id": cls.company_b.id,
                "picking_type_id": warehouse_b.in_type_id.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.part.id,
                            "product_qty": 3,
                            "price_unit": 9,
                            "date_planned": cls._noon("2024-05-28"),
                        }
                    )
                ],
            }
        )
        cls.order_b.button_confirm()
        cls.contact_b = env_b["prod.planning.vendor.contact"].create(
            {
                "partner_id": cls.vendor_of_b.id,
                "company_id": cls.company_b.id,
                "purchase_order_id": cls.order_b.id,
                "outcome": "no_answer",
                "summary": "Company B's call",
            }
        )
        # A vendor shared by both companies, contacted from company B.
        cls.shared_contact_b = env_b["prod.planning.vendor.contact"].create(
            {
                "partner_id": cls.vendor_a.id,
                "company_id": cls.company_b.id,
                "outcome": "confirmed",
                "summary": "Shared vendor, B's call",
            }
        )
        cls.order_a = cls._order(cls.vendor_a, [(cls.part, 2, "2024-05-29")])
        cls.contact_a = cls._contact(purchase_order_id=cls.order_a.id)
        companies = cls.company | cls.company_b
        cls.env["prod.planning.expediting"]._refresh(companies=companies)
        cls.env["prod.planning.vendor.scorecard"]._refresh(companies=companies)

    def test_user_never_sees_another_company_contacts(self):
        env = self.env(user=self.planner_a)
        contacts = env["prod.planning.vendor.contact"].search([])
        self.assertIn(self.contact_a, contacts)
        self.assertNotIn(self.contact_b, contacts)
        self.assertNotIn(self.shared_contact_b, contacts)
        with self.assertRaises(AccessError):
            env["prod.planning.vendor.contact"].browse(self.contact_b.id).summary  # noqa: B018
        self.assertEqual(env["res.partner"].browse(self.vendor_a.id).prod_planning_contact_count, 1)

    def test_user_never_logs_contacts_of_another_company_vendor(self):
        env = self.env(user=self.planner_a)
        with self.assertRaises(UserError):
            env["prod.planning.vendor.contact"].create({"partner_id": self.vendor_of_b.id, "outcome": "no_answer"})
        with self.assertRaises(AccessError):
            env["prod.planning.vendor.contact"].create(
                {"partner_id": self.vendor_a.id, "company_id": self.company_b.id, "outcome": "no_answer"}
            )
        with self.assertRaises(UserError):
            env["prod.planning.vendor.contact"].log_contacts([{"vendor": self.vendor_of_b.id, "outcome": "no_answer"}])
        with self.assertRaises(AccessError):
            env["prod.planning.vendor.contact"].browse(self.contact_b.id).write({"summary": "hijacked"})

    def test_allowed_companies_decide_what_a_multi_company_user_sees(self):
        model = self.env(user=self.planner_ab)["prod.planning.vendor.contact"]
        only_a = model.with_context(allowed_company_ids=self.company.ids).search([])
        self.assertNotIn(self.contact_b, only_a)
        both = model.with_context(allowed_company_ids=(self.company | self.company_b).ids).search([])
        self.assertIn(self.contact_b, both)
        self.assertIn(self.shared_contact_b, both)

    def test_queue_and_scorecards_by_company(self):
        env = self.env(user=self.planner_a)
        queue = env["prod.planning.expediting"].search([])
        self.assertIn(self.order_a, queue.order_id)
        self.assertNotIn(self.order_b, queue.order_id)
        self.assertNotIn(
            self.order_b.name, {row["purchase_order"] for row in env["prod.planning.expediting"].get_queue()}
        )
        cards = env["prod.planning.vendor.scorecard"].get_scorecards("2024-01-01", "2024-12-31")
        self.assertNotIn(self.vendor_of_b.id, {card["vendor_id"] for card in cards})
        self.assertTrue(self.env["prod.planning.vendor.scorecard"].search([("partner_id", "=", self.vendor_of_b.id)]))
        self.assertNotIn(
            self.order_b.order_line, env["prod.planning.promised.date.revision"].search([]).purchase_line_id
        )

    def test_access_rights_per_group(self):
        planner = self.env(user=self.planner_a)
        manager = self.env(user=self.planning_manager)
        contact = planner["prod.planning.vendor.contact"].create(
            {"partner_id": self.vendor_a.id, "outcome": "issue", "summary": "x"}
        )
        with self.assertRaises(AccessError):
            contact.unlink()
        manager["prod.planning.vendor.contact"].browse(contact.id).unlink()
        self._contact(purchase_order_id=self.order_a.id, outcome="new_date", new_promised_date="2024-06-10")
        revision = planner["prod.planning.promised.date.revision"].search(
            [("purchase_line_id", "=", self.order_a.order_line.id)]
        )
        self.assertEqual(len(revision), 1)
        with self.assertRaises(AccessError):
            revision.write({"new_date": "2024-06-01"})
        with self.assertRaises(AccessError):
            planner["prod.planning.vendor.scorecard"].create(
                {"company_id": self.company.id, "partner_id": self.vendor_a.id, "date_month": "2024-06-01"}
            )
        with self.assertRaises(AccessError):
            planner["prod.planning.expediting"].search([], limit=1).unlink()
        # Planners still refresh and act on the queue (rows are kept by the system).
        planner["prod.planning.expediting"].action_refresh()
        rows = planner["prod.planning.expediting"].search([("order_id", "=", self.order_a.id)])
        rows.action_mark_confirmed()
        self.assertTrue(self.order_a.order_line.vendor_confirmed)
