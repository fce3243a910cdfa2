"""Vendor contacts logged in batch (the XML-RPC log_contacts): each row is
checked and created in its own savepoint so that every bad row is reported at
once, and nothing is written unless every row is good."""

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import ConcurrencyError, UserError, ValidationError

from ..tools import rpc_arguments

# Keys accepted by log_contacts() rows, and the field each one feeds.
ROW_KEYS = {
    "vendor": "partner_id",
    "contact": "contact_partner_id",
    "purchase_order": "purchase_order_id",
    "lines": "purchase_line_ids",
    "channel": "channel",
    "direction": "direction",
    "date": "date",
    "summary": "summary",
    "outcome": "outcome",
    "new_promised_date": "new_promised_date",
    "new_price": "new_price",
    "next_followup_date": "next_followup_date",
    "user": "user_id",
    "reference": "reference",
}
REFERENCE_CONSTRAINT = "prod_planning_vendor_contact_reference_company_uniq"


class ProdPlanningVendorContactImport(models.AbstractModel):
    _name = "prod.planning.vendor.contact.import"
    _description = "Vendor Contact Batch Import"

    @api.model
    def _import_rows(self, rows):
        """Create a contact per row; all or nothing (see
        prod.planning.vendor.contact.log_contacts)."""
        rows = rpc_arguments.require_rows(self.env, "log_contacts", "rows", rows)
        Contact = self.env["prod.planning.vendor.contact"]
        logged = self._logged_references(rows)
        errors = []
        ids, created, seen = [], 0, {}
        for index, row in enumerate(rows, start=1):
            reference = row.get("reference") if isinstance(row, dict) else None
            if reference and reference in logged:
                ids.append(logged[reference])
                continue
            if reference and reference in seen:
                errors.append(
                    _(
                        "Row %(row)s: reference %(ref)s is also row %(other)s; send each contact once.",
                        row=index,
                        ref=reference,
                        other=seen[reference],
                    )
                )
                continue
            try:
                with self.env.cr.savepoint():
                    contact = Contact.create(self._prepare_row_vals(row, index))
                    self.env.flush_all()
            except psycopg2.errors.UniqueViolation as error:
                if error.diag.constraint_name == REFERENCE_CONSTRAINT:
                    # Another transaction logged the same reference meanwhile:
                    # Odoo's RPC layer retries the whole call, which then finds it.
                    raise ConcurrencyError(f"vendor contact reference {reference!r} logged concurrently") from error
                errors.append(_("Row %(row)s: %(error)s", row=index, error=error.args[0] if error.args else error))
                continue
            except (UserError, ValueError, TypeError, psycopg2.Error) as error:
                message = error.args[0] if error.args else str(error)
                errors.append(_("Row %(row)s: %(error)s", row=index, error=message))
                continue
            if reference:
                seen[reference] = index
            ids.append(contact.id)
            created += 1
        if errors:
            raise ValidationError(
                _(
                    "No vendor contact was logged; fix these rows and send the batch again:\n%(errors)s",
                    errors="\n".join(rpc_arguments.cap_errors(self.env, errors)),
                )
            )
        return {"created": created, "existing": len(ids) - created, "ids": ids}

    @api.model
    def _logged_references(self, rows):
        """{reference: contact id} of the rows' references already logged in
        the company (one query)."""
        references = {
            row["reference"] for row in rows if isinstance(row, dict) and isinstance(row.get("reference"), str)
        }
        if not references:
            return {}
        contacts = self.env["prod.planning.vendor.contact"].search_read(
            [("reference", "in", list(references)), ("company_id", "in", self.env.companies.ids)], ["reference"]
        )
        return {contact["reference"]: contact["id"] for contact in contacts}

    @api.model
    def _prepare_row_vals(self, row, index):
        """create() values of one log_contacts() row; raises ValidationError."""
        unknown = set(row) - set(ROW_KEYS)
        if unknown:
            raise ValidationError(
                _(
                    "unknown keys %(keys)s; use %(allowed)s.",
                    keys=", ".join(sorted(unknown)),
                    allowed=", ".join(ROW_KEYS),
                )
            )
        vals = {ROW_KEYS[key]: value for key, value in row.items()}
        vals.update(self._resolve_vendor(row.get("vendor")))
        vals.update(self._resolve_purchase_order(row.get("purchase_order")))
        if "lines" in row:
            vals["purchase_line_ids"] = self._resolve_lines(row["lines"])
        if "contact" in row:
            vals["contact_partner_id"] = rpc_arguments.require_id(
                self.env, "log_contacts", "contact", row["contact"], "res.partner", required=False
            )
        if "user" in row:
            vals["user_id"] = self._resolve_user(row["user"])
        for key, kind in (("date", "datetime"), ("new_promised_date", "date"), ("next_followup_date", "date")):
            if row.get(key):
                check = rpc_arguments.require_datetime if kind == "datetime" else rpc_arguments.require_date
                vals[ROW_KEYS[key]] = check(self.env, "log_contacts", key, row[key])
        if row.get("new_price") not in (None, False):
            vals["new_price"] = rpc_arguments.require_number(
                self.env, "log_contacts", "new_price", row["new_price"], minimum=0
            )
        for key in ("summary", "reference"):
            if row.get(key) and not isinstance(row[key], str):
                raise ValidationError(_("%(key)s is not text; give it as a string.", key=key))
        self._check_choices(row)
        if not row.get("outcome"):
            raise ValidationError(_("the outcome is missing."))
        return vals

    @api.model
    def _resolve_vendor(self, vendor):
        """``{"partner_id": id}`` for a vendor given by its exact name, {}
        for an id (checked to exist)."""
        if isinstance(vendor, str):
            partners = self.env["res.partner"].search([("name", "=", vendor), ("parent_id", "=", False)], limit=2)
            if len(partners) != 1:
                raise ValidationError(_("vendor %(vendor)r is unknown or ambiguous; give its id.", vendor=vendor))
            return {"partner_id": partners.id}
        rpc_arguments.require_id(self.env, "log_contacts", "vendor", vendor, "res.partner", required=False)
        return {}

    @api.model
    def _resolve_purchase_order(self, order):
        """``{"purchase_order_id": id}`` for an order given by its name, {}
        for an id (checked to exist)."""
        if isinstance(order, str):
            orders = self.env["purchase.order"].search([("name", "=", order)], limit=1)
            if not orders:
                raise ValidationError(_("purchase order %(order)r is unknown.", order=order))
            return {"purchase_order_id": orders.id}
        rpc_arguments.require_id(self.env, "log_contacts", "purchase_order", order, "purchase.order", required=False)
        return {}

    @api.model
    def _resolve_user(self, user):
        """The responsible buyer: an active internal user (never a portal one)."""
        if user in (None, False):
            return False
        user_id = rpc_arguments.require_id(self.env, "log_contacts", "user", user, "res.users")
        if self.env["res.users"].browse(user_id).share:
            raise ValidationError(
                _("user %(user)r is not an internal user; give the id of an internal user (a buyer).", user=user)
            )
        return user_id

    @api.model
    def _resolve_lines(self, line_ids):
        line_ids = line_ids or []
        if not isinstance(line_ids, list | tuple) or not all(isinstance(line_id, int) for line_id in line_ids):
            raise ValidationError(_("lines must be a list of purchase line ids."))
        existing = self.env["purchase.order.line"].browse(line_ids).exists()
        if len(existing) != len(set(line_ids)):
            raise ValidationError(
                _("purchase lines %(ids)s do not exist.", ids=sorted(set(line_ids) - set(existing.ids)))
            )
        return [fields.Command.set(list(line_ids))]

    @api.model
    def _check_choices(self, row):
        """channel, direction and outcome: one of the selection's values."""
        contact_fields = self.env["prod.planning.vendor.contact"]._fields
        for key in ("channel", "direction", "outcome"):
            allowed = dict(contact_fields[key].selection)
            if key in row and row[key] not in allowed:
                raise ValidationError(
                    _(
                        "%(key)s %(value)r is not one of %(allowed)s.",
                        key=key,
                        value=row[key],
                        allowed=", ".join(allowed),
                    )
                )
