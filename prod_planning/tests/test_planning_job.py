"""Long work started from the screens, done by the background-job cron worker."""

import json
from unittest.mock import patch

import odoo
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_price import FeedRoute, PriceFeedCase
from .common_scheduling import SchedulingCase, frozen


def run_job_worker(case):
    """The job cron's method on a test cursor (its commits are savepoints)."""
    # pytest-odoo may leave the running test unset (see common_price).
    with (
        patch.object(odoo.modules.module, "current_test", case),
        case.enter_registry_test_mode(),
        case.registry.cursor() as cr,
    ):
        case.env(cr=cr)["prod.planning.job"]._cron_process_jobs()
    case.env.invalidate_all()


@tagged("post_install", "-at_install")
@frozen()
class TestScheduleJob(SchedulingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._create_product("Job Bracket", route="manufacture")
        cls._create_routing_bom(cls.product, [(cls.workcenter_a, 60)])
        cls.Job = cls.env["prod.planning.job"]

    def test_compute_in_the_background(self):
        production = self._create_production(self.product, 2)
        wizard = self._wizard(production)
        self.assertFalse(wizard.action_compute_async())
        job = wizard.job_id
        self.assertEqual((job.kind, job.state, wizard.job_state), ("schedule_compute", "queued", "queued"))
        self.assertEqual((job.res_model, job.res_id), ("prod.planning.schedule", wizard.id))
        self.assertEqual(wizard.job_status["state"], "queued")
        self.assertEqual(wizard.state, "draft")  # nothing computed in the request
        job_cron = self.env.ref("prod_planning.ir_cron_prod_planning_job")
        self.assertIn(job_cron, self.env["ir.cron.trigger"].search([]).cron_id)
        with self.assertRaisesRegex(UserError, "not waiting for a computation"):
            wizard.compute_async()

        run_job_worker(self)
        status = self.Job.get_job_status(job.id)
        self.assertEqual((status["state"], status["progress"]), ("done", 100.0), status["error"])
        self.assertEqual(status["result"]["state"], "computed")
        self.assertEqual(status["result"]["scheduled"], 1)
        self.assertEqual(wizard.state, "computed")
        self.assertEqual(wizard.line_ids.production_id, production)

    def test_failed_job_records_the_error_and_the_next_job_runs(self):
        production = self._create_production(self.product, 2)
        broken = self._wizard(production)
        broken_job = self.Job.browse(broken.compute_async())
        broken.discard()  # the computation finds it discarded
        good = self._wizard(production)
        good_job = self.Job.browse(good.compute_async())
        run_job_worker(self)
        self.assertEqual(broken_job.state, "failed")
        self.assertIn("already discarded", broken_job.error_message)
        self.assertEqual(good_job.state, "done", good_job.error_message)
        self.assertEqual(good.state, "computed")

    def test_cancel_a_queued_job(self):
        production = self._create_production(self.product, 2)
        wizard = self._wizard(production)
        job = self.Job.browse(wizard.compute_async())
        job.action_cancel()
        run_job_worker(self)
        self.assertEqual(job.state, "cancelled")
        self.assertEqual(wizard.state, "draft")
        with self.assertRaisesRegex(UserError, "Only a queued job"):
            job.action_cancel()

    def test_status_arguments(self):
        with self.assertRaisesRegex(ValidationError, "job_id"):
            self.Job.get_job_status("1")
        with self.assertRaisesRegex(ValidationError, "compute_async"):
            self.env["prod.planning.schedule"].compute_async()


@tagged("post_install", "-at_install")
class TestFeedJob(PriceFeedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        day = str(cls._days_ago(1))
        prices = [{"sku": "STL", "value": 1.5, "day": day, "ccy": cls.company_currency.name}]
        cls.routes["/job.json"] = FeedRoute(json.dumps({"data": {"prices": prices}}))

    def test_fetch_in_the_background(self):
        feed = self._feed("/job.json")
        feed.with_user(self.planning_manager).action_fetch_async()
        job = feed.job_id
        self.assertEqual((job.kind, job.state, job.user_id), ("price_fetch", "queued", self.planning_manager))
        self.assertFalse(self._observations(self.steel, source="feed"))
        with self.assertRaisesRegex(UserError, "already being fetched"):
            feed.fetch_async()
        run_job_worker(self)
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(job.result["state"], "ok")
        self.assertEqual(len(self._observations(self.steel, source="feed")), 1)
        self.assertEqual(feed.last_run_state, "ok")
        self.assertEqual(feed.job_status["state"], "done")
