"""Delivery promises: when can an order ship, and what constrains the date.

Read-only entry point for the screens (outgoing transfers, quotations) and for
XML-RPC integrators (web shops, EDI): reads in bulk through
``prod.planning.promise.reader``, answers with the pure engine
(``engine/promise.py``), writes nothing.

Who may ask: planning users, inventory users and salespeople (a promise shows
dates and the names of products, vendors and work centers, nothing else), as
``_check_promise_access`` says.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from ..tools import rpc_arguments

PROMISE_GROUPS = ("prod_planning.group_prod_planning_user", "stock.group_stock_user", "sales_team.group_sale_salesman")
LINE_KEYS = ("product", "quantity", "warehouse", "requested_date")
MAX_LINES = 1000


class ProdPlanningPromise(models.AbstractModel):
    _name = "prod.planning.promise"
    _description = "Delivery Promise"

    @api.model
    def _check_promise_access(self):
        """Planning users, inventory users and salespeople may ask for
        promises (before any sudo)."""
        user = self.env.user
        if not any(self.env.ref(group, raise_if_not_found=False) and user.has_group(group) for group in PROMISE_GROUPS):
            raise AccessError(
                self.env._("Only planning users, inventory users and salespeople may ask for delivery promises.")
            )

    @api.model
    def promise(self, lines):
        """Per line ``{"date", "available_now", "split", "constrained_by",
        "explanation"}`` (see the README's XML-RPC table). The lines are
        promised in order and consume each other: two lines never get the
        same units. Writes nothing."""
        self._check_promise_access()
        parsed = self._promise_lines(lines)
        return [answer["rpc"] for answer in self._promise(parsed)]

    # -------------------------------------------------------------- arguments

    @api.model
    def _promise_lines(self, lines):
        """The validated lines: dicts with product and warehouse records,
        quantity and requested date (or None)."""
        env, method = self.env, "promise"
        lines = rpc_arguments.require_rows(env, method, "lines", lines, maximum=MAX_LINES)
        company = env.company
        default_warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        codes = [line.get("product") for line in lines if isinstance(line.get("product"), str)]
        by_code = {}
        if codes:
            for product in env["product.product"].search([("default_code", "in", codes)], order="id desc"):
                by_code[product.default_code] = product
        ids = {
            int(line["product"])
            for line in lines
            if isinstance(line, dict) and rpc_arguments.is_number(line.get("product")) and line["product"] > 0
        }
        # One query for every id, then the companies and types read in batch.
        by_id = {product.id: product for product in env["product.product"].browse(ids).exists()} if ids else {}
        result = []
        for index, line in enumerate(lines):
            argument = f"lines[{index}]"
            rpc_arguments.require_options(env, method, argument, line, LINE_KEYS)
            product = self._line_product(index, line.get("product"), by_code, by_id)
            if product.company_id and product.company_id != company:
                raise ValidationError(
                    env._(
                        "promise: lines[%(index)s]: the product %(product)s belongs to the company %(company)s; "
                        "give a product of %(current)s or switch company.",
                        index=index,
                        product=product.display_name,
                        company=product.company_id.sudo().name,  # sudo: only its name, for the message
                        current=company.name,
                    )
                )
            quantity = rpc_arguments.require_number(env, method, f"{argument}.quantity", line.get("quantity"))
            if quantity <= 0:
                raise ValidationError(
                    env._(
                        "promise: lines[%(index)s]: the quantity is %(quantity)s; give a quantity above zero.",
                        index=index,
                        quantity=quantity,
                    )
                )
            warehouse = default_warehouse
            if line.get("warehouse") not in (None, False):
                warehouse = env["stock.warehouse"].browse(
                    rpc_arguments.require_id(env, method, f"{argument}.warehouse", line["warehouse"], "stock.warehouse")
                )
                if warehouse.company_id != company:
                    raise ValidationError(
                        env._(
                            "promise: lines[%(index)s]: the warehouse %(warehouse)s belongs to another company; "
                            "give a warehouse of %(company)s.",
                            index=index,
                            warehouse=warehouse.sudo().display_name,  # sudo: only its name
                            company=company.name,
                        )
                    )
            if not warehouse:
                raise ValidationError(
                    env._(
                        "promise: lines[%(index)s]: %(company)s has no warehouse; create one.",
                        index=index,
                        company=company.name,
                    )
                )
            requested = rpc_arguments.require_date(
                env, method, f"{argument}.requested_date", line.get("requested_date")
            )
            result.append({"product": product, "quantity": quantity, "warehouse": warehouse, "requested": requested})
        return result

    @api.model
    def _line_product(self, index, value, by_code, by_id):
        env = self.env
        if isinstance(value, str) and value.strip():
            product = by_code.get(value)
        elif rpc_arguments.is_number(value) and value == int(value) and value > 0:
            product = by_id.get(int(value))
        else:
            product = None
        if not product:
            raise ValidationError(
                env._(
                    "promise: lines[%(index)s]: the product %(value)s is unknown; "
                    "give a product id or an internal reference (default_code).",
                    index=index,
                    value=rpc_arguments._shown(value),
                )
            )
        return product

    # ---------------------------------------------------------------- promise

    @api.model
    def _promise(self, lines, exclude_move_ids=()):
        """Promise validated lines (see _promise_lines), in order; per line a
        dict with the engine's answer (``promise``), the product and the RPC
        answer (``rpc``); ``exclude_move_ids``: the moves of what is being
        promised. Reads as superuser: call it after the access check."""
        company = self.env.company
        today = fields.Date.context_today(self)
        storable = {line["product"].id for line in lines if line["product"].is_storable}
        keys = {(line["product"].id, line["warehouse"].id) for line in lines if line["product"].id in storable}
        data = (
            self.env["prod.planning.promise.reader"].sudo()._collect(company, keys, today, exclude_move_ids)
            if keys
            else None
        )
        names = _Names(self.env, data["workcenter_names"] if data else {})
        answers = []
        for line in lines:
            product, qty = line["product"], line["quantity"]
            if product.id not in storable:
                day = max(line["requested"] or today, today)
                answers.append(
                    {
                        "promise": None,
                        "product": product,
                        "rpc": {
                            "date": fields.Date.to_string(day),
                            "available_now": qty,
                            "split": [{"date": fields.Date.to_string(day), "quantity": qty}],
                            "constrained_by": self.env._("Not kept in stock"),
                            "explanation": self.env._(
                                "%(product)s is not kept in stock: no wait.", product=product.display_name
                            ),
                        },
                    }
                )
                continue
            answer = data["promiser"].promise((product.id, line["warehouse"].id), qty, line["requested"], commit=True)
            answers.append({"promise": answer, "product": product, "rpc": None})
        names.prefetch(answer["promise"] for answer in answers if answer["promise"])
        for answer in answers:
            if answer["rpc"] is None:
                answer["rpc"] = self._rpc_answer(answer["promise"], names)
        return answers

    @api.model
    def _rpc_answer(self, answer, names):
        constrained_by, explanation = self._word(answer, names)
        return {
            "date": fields.Date.to_string(answer.date) if answer.date else False,
            "available_now": answer.available_now,
            "split": [{"date": fields.Date.to_string(day), "quantity": qty} for day, qty in answer.split],
            "constrained_by": constrained_by,
            "explanation": explanation,
        }

    @api.model
    def _word(self, answer, names):
        """(constrained_by, explanation) of an engine answer, in the user's
        language: what sets the date, in words a salesperson understands."""
        _ = self.env._
        c = answer.constraint
        # A capacity constraint names the work center, or the product when no date fits.
        on_workcenter = c.kind == "capacity" and answer.date
        subject = names.workcenter(c.subject) if on_workcenter else names.item(c.subject)
        promised = names.item(c.path[0]) if c.path else ""
        via = ""
        if len(c.path) > 1 and c.kind != "capacity":
            via = _(" (a component of %(product)s)", product=names.item(c.path[-2]))
        day = names.date(answer.date) if answer.date else ""
        if c.kind == "stock":
            return _("Stock"), _("In stock: %(product)s can ship on %(date)s.", product=promised, date=day)
        if c.kind == "calendar":
            return _("Working calendar"), _(
                "In stock; %(requested)s is not a working day, so it ships on %(date)s.",
                requested=names.date(c.values["requested"]),
                date=day,
            )
        if c.kind == "receipt":
            return _("Incoming %(product)s", product=subject), _(
                "Waits for incoming %(product)s%(via)s expected on %(arrival)s; ships on %(date)s.",
                product=subject,
                via=via,
                arrival=names.date(c.values["date"]),
                date=day,
            )
        if c.kind == "vendor_lead_time":
            return _("Vendor lead time of %(product)s", product=subject), _(
                "%(product)s%(via)s must be bought from %(vendor)s: %(days)s working days; ships on %(date)s.",
                product=subject,
                via=via,
                vendor=c.values.get("vendor") or _("its vendor"),
                days=c.values["days"],
                date=day,
            )
        if c.kind == "manufacturing_lead_time":
            return _("Manufacturing lead time of %(product)s", product=subject), _(
                "%(product)s%(via)s must be made: %(days)s working days; ships on %(date)s.",
                product=subject,
                via=via,
                days=c.values["days"],
                date=day,
            )
        if c.kind == "capacity":
            if not answer.date:
                return _("Work center capacity"), _(
                    "The work centers making %(product)s have no free hours in the next three years.", product=subject
                )
            return _("Work center %(workcenter)s", workcenter=subject), _(
                "Work center %(workcenter)s is fully loaded before then; ships on %(date)s.",
                workcenter=subject,
                date=day,
            )
        return _("No source for %(product)s", product=subject), _(
            "Not enough %(product)s%(via)s in stock for the whole quantity, and it can be neither made nor "
            "bought (no bill of materials or vendor): only the split can be promised.",
            product=subject,
            via=via,
        )


class _Names:
    """Names of products and work centers for the words, read once."""

    def __init__(self, env, workcenter_names):
        self.env = env
        self.workcenter_names = workcenter_names
        self.products = {}

    def prefetch(self, promises):
        """Read the names of every product the answers name, at once."""
        product_ids = set()
        for promise in promises:
            constraint = promise.constraint
            # Product keys are (product id, warehouse id); work centers are ids.
            keys = [*constraint.path, constraint.subject]
            product_ids.update(key[0] for key in keys if isinstance(key, tuple))
        products = self.env["product.product"].sudo().browse(product_ids)
        self.products.update(zip(products.ids, products.mapped("display_name"), strict=True))

    def item(self, key):
        product_id = key[0] if isinstance(key, tuple) else key
        if product_id not in self.products:
            self.products[product_id] = self.env["product.product"].sudo().browse(product_id).display_name
        return self.products[product_id]

    def workcenter(self, key):
        return self.workcenter_names.get(key) or str(key)

    def date(self, day):
        return format_date(self.env, day)
