from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_compute_author(self, author_id=None, email_from=None):
        # Notifications Odoo posts itself for the addon (activity assignments)
        # take the author given in context (res.company._prod_planning_author_context).
        author = self.env.context.get("prod_planning_author")
        if author and author_id is None and email_from is None:
            author_id, email_from = author["author_id"], author["email_from"]
        return super()._message_compute_author(author_id=author_id, email_from=email_from)
