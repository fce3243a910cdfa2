"""Every user-facing string of the addon reaches Odoo's translation export."""

from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_terms_extract_and_pot_is_current(self):
        # Odoo logs (and skips) a Python file its extractor cannot read, e.g.
        # an f-string among the arguments of _().
        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            reader = TranslationModuleReader(self.env.cr, modules=["prod_planning"])
            terms = {source for _m, _t, _n, _r, source, _v, _c in reader}
        self.assertIn("Follow up with %(vendor)s (%(order)s)", terms)
        self.assertIn("Planned Orders", terms)
        pot = Path(__file__).parents[1] / "i18n" / "prod_planning.pot"
        shipped = {
            line[len('msgid "') : -1]
            for line in pot.read_text().splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        }
        # One-line terms only: multi-line ones are split over several lines.
        missing = sorted(
            term
            for term in terms
            if "\n" not in term and '"' not in term and "\\" not in term and term not in shipped and len(term) < 70
        )
        self.assertFalse(
            missing, "prod_planning/i18n/prod_planning.pot is out of date: export it again (README, Translations)"
        )
