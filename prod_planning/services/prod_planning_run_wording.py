"""The planner's words for the planning run's messages."""

import ast
from collections import defaultdict
from datetime import date

from odoo import api, models
from odoo.tools.misc import format_date, get_lang

from odoo.addons.base.models.res_lang import intersperse


class ProdPlanningRunWording(models.AbstractModel):
    """Messages and suggestions of the planning run's exceptions, in the
    user's language (used by ``prod.planning.run.writer``)."""

    _name = "prod.planning.run.wording"
    _description = "Planning Message Wording"

    @api.model
    def _exception_messages(self, exceptions, info, company, demand_names=None, pairs=None):
        """(messages, suggestions): the planner's message and suggestion of
        each engine exception, in the user's language.

        The engine gives data (a code and values); the names of the products,
        origin and demand documents are read in bulk, each date and quantity
        is formatted once. ``pairs``: (exception, origin, demand, key) of each
        exception, ``demand_names`` the names of their demands.
        """
        demand_names = demand_names or {}
        product_names = self.env["prod.planning.run.reader"]._product_names(
            {exception.item[0] for exception in exceptions}, company
        )
        origin_names = self._origin_names(
            {exception.ref for exception in exceptions if exception.ref and exception.ref[0] != "planned"}, company
        )
        format_quantity = self._quantity_formatter()
        date_texts = {None: ""}

        def format_value(value):
            if value is None or isinstance(value, date):
                text = date_texts.get(value)
                if text is None:
                    text = date_texts[value] = format_date(self.env, value)
                return text
            return format_quantity(value)

        the_demand = self.env._("the demand")
        wordings = self._exception_wordings()
        suggestion_wordings = self._suggestion_wordings()
        messages, suggestions = [], []
        for index, exception in enumerate(exceptions):
            demand = pairs[index][2] if pairs else None
            values = {
                "product": product_names[exception.item[0]],
                "origin": origin_names.get(exception.ref, ""),
                "demand": demand_names.get(demand) or the_demand,
                "date": format_value(exception.date),
                "suggested_date": format_value(exception.suggested_date),
                "qty": format_quantity(exception.qty),
            }
            for name, value in exception.values.items():
                values[name] = format_value(value)
            word = wordings.get(exception.code, self._word_other)
            messages.append(word(exception, info[exception.item], values))
            suggest = suggestion_wordings.get(exception.code)
            suggestions.append(suggest(exception, values) if suggest else None)
        return messages, suggestions

    def _suggestion_wordings(self):
        """{engine exception code: method(exception, values) -> the action
        suggested to the planner}; a code without one gets no suggestion."""
        return {
            "bring_forward": self._suggest_reschedule,
            "postpone": self._suggest_reschedule,
            "not_needed": self._suggest_cancel,
            "firm_late": self._suggest_late,
            "release_in_past": self._suggest_late,
            "time_fence": self._suggest_late,
            "stock_out": self._suggest_below_safety,
            "below_safety": self._suggest_below_safety,
            "no_source": self._suggest_no_source,
        }

    def _suggest_reschedule(self, exception, values):
        return self.env._("Apply the suggestion to move it to %(suggested_date)s.", **values)

    def _suggest_cancel(self, exception, values):
        if exception.ref and exception.ref[0] == "purchase.order.line":
            return self.env._(
                "Remove the line from %(origin)s: Cancel Supply does it on an RFQ; agree it with the "
                "vendor when the order is confirmed.",
                **values,
            )
        return self.env._("Cancel %(origin)s with the Cancel Supply button.", **values)

    def _suggest_late(self, exception, values):
        """Expedite the supply to the need, or move the demand to when the
        supply can arrive."""
        _ = self.env._
        if exception.code == "release_in_past":
            return _(
                "Release it today and expedite it to %(suggested_date)s (its lead time gives "
                "%(date)s), or move %(demand)s to %(date)s.",
                **values,
            )
        if exception.code == "time_fence":
            return _(
                "Expedite it to %(suggested_date)s inside the time fence, or move %(demand)s to %(date)s.", **values
            )
        return _(
            "Ask the vendor to expedite %(origin)s to %(suggested_date)s, or move %(demand)s to %(date)s.", **values
        )

    def _suggest_below_safety(self, exception, values):
        return self.env._(
            "Add or expedite supply of %(qty)s before %(date)s, or lower the safety stock of %(product)s.", **values
        )

    def _suggest_no_source(self, exception, values):
        return self.env._("Give %(product)s a vendor price line or a bill of materials, then run again.", **values)

    def _exception_wordings(self):
        """{engine exception code: method(exception, item, values) -> message}.

        ``values`` are formatted texts: product, origin, date, suggested_date,
        qty and the exception's own values. Another addon words a new code by
        adding it here; a code without wording gets ``_word_other``.
        """
        return {
            "bring_forward": self._word_supply,
            "postpone": self._word_supply,
            "not_needed": self._word_supply,
            "firm_late": self._word_supply,
            "release_in_past": self._word_late_planned_order,
            "time_fence": self._word_late_planned_order,
            "stock_out": self._word_stock_out,
            "below_safety": self._word_below_safety,
            "kit_without_components": self._word_kit_without_components,
            "no_source": self._word_no_source,
        }

    def _word_supply(self, exception, item, values):
        """An existing supply to move or cancel, or a firm one arriving late."""
        _ = self.env._
        code = exception.code
        if code == "bring_forward":
            return _("Bring %(origin)s of %(product)s forward from %(date)s to %(suggested_date)s.", **values)
        if code == "postpone":
            return _("Postpone %(origin)s of %(product)s from %(date)s to %(suggested_date)s.", **values)
        if code == "not_needed":
            return _("%(origin)s (%(qty)s of %(product)s on %(date)s) is not needed: cancel it.", **values)
        if exception.values.get("supply_count", 1) > 1:
            return self._word_late_planned_order(exception, item, values)
        return _("Firm %(origin)s of %(product)s arrives on %(date)s, needed on %(suggested_date)s.", **values)

    def _word_late_planned_order(self, exception, item, values):
        """A planned order released in the past or moved by the time fence
        (several when the engine merged the late supplies of one demand)."""
        if exception.values.get("supply_count", 1) > 1:
            return self.env._(
                "%(supply_count)s supplies for %(qty)s of %(product)s needed on %(suggested_date)s "
                "by %(demand)s are late: they arrive on %(date)s at best.",
                **values,
            )
        if exception.code == "release_in_past":
            return self.env._(
                "Planned order for %(qty)s of %(product)s needed on "
                "%(suggested_date)s is late: its release date %(release_date)s is "
                "in the past.",
                **values,
            )
        return self.env._(
            "Planned order for %(qty)s of %(product)s needed on "
            "%(suggested_date)s is late: the time fence moves it to %(date)s.",
            **values,
        )

    def _word_stock_out(self, exception, item, values):
        """Projected stock below zero (until a date or to the end)."""
        if exception.suggested_date:
            return self.env._(
                "%(product)s: projected stock-out from %(date)s until "
                "%(suggested_date)s (lowest %(lowest)s, safety stock "
                "%(safety_stock)s).",
                **values,
            )
        return self.env._(
            "%(product)s: projected stock-out from %(date)s to the end of the "
            "plan (lowest %(lowest)s, safety stock %(safety_stock)s).",
            **values,
        )

    def _word_below_safety(self, exception, item, values):
        """Projected stock below the safety stock (until a date or to the end)."""
        if exception.suggested_date:
            return self.env._(
                "%(product)s: projected below safety stock from %(date)s until "
                "%(suggested_date)s (lowest %(lowest)s, safety stock "
                "%(safety_stock)s).",
                **values,
            )
        return self.env._(
            "%(product)s: projected below safety stock from %(date)s to the end "
            "of the plan (lowest %(lowest)s, safety stock %(safety_stock)s).",
            **values,
        )

    def _word_kit_without_components(self, exception, item, values):
        return self.env._(
            "Kit %(product)s has no components: %(qty)s needed from %(date)s cannot be supplied.", **values
        )

    def _word_no_source(self, exception, item, values):
        """Word a reason of ``prod.planning.run.reader._supply_type``."""
        _ = self.env._
        reason = item["no_source_reason"]
        if reason == "manufacture_without_bom":
            return _("%(product)s: manufacture product without BoM", **values)
        if reason == "buy_without_vendor":
            return _("%(product)s: buy product without vendor", **values)
        return _("%(product)s: no route, BoM or vendor to supply it", **values)

    def _word_other(self, exception, item, values):
        """A code without its own wording: the kind's label and the product."""
        kind_field = self.env["prod.planning.exception"]._fields["kind"]
        kinds = dict(kind_field._description_selection(self.env))
        return self.env._("%(kind)s: %(product)s", kind=kinds.get(exception.kind, exception.code), **values)

    def _origin_names(self, refs, company, planned=None):
        """{(model, id): the name the planner knows the document by}, read in
        bulk: the purchase order of a line, the reference (picking or
        manufacturing order) of a stock move, else the display name.
        ``planned``: {planned order id: (product id, due date)} of the orders
        the run has just written, named without reading them again."""
        planned = planned or {}
        ids_by_model = defaultdict(list)
        for model, res_id in refs:
            ids_by_model[model].append(res_id)
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].with_company(company).browse(ids)
            if model == "purchase.order.line":
                pairs = [(line.id, line.order_id.display_name) for line in records]
            elif model == "stock.move":
                pairs = [(move.id, move.reference or move.display_name) for move in records]
            elif model == "prod.planning.order":
                pairs = self._planned_order_names(records, company, planned)
            else:
                pairs = [(record.id, record.display_name) for record in records]
            names.update(((model, res_id), name) for res_id, name in pairs)
        return names

    def _planned_order_names(self, orders, company, planned):
        """[(id, name)] of planned ``orders`` (components' messages name their
        parents): each product named and each date formatted once."""
        known = {order_id: planned[order_id] for order_id in orders.ids if order_id in planned}
        known.update((order.id, (order.product_id.id, order.due_date)) for order in orders if order.id not in planned)
        products = self.env["prod.planning.run.reader"]._product_names(
            {product_id for product_id, _day in known.values()}, company
        )
        dates = {day: format_date(self.env, day) for day in {day for _product, day in known.values()}}
        return [
            (
                order_id,
                self.env._(
                    "the planned order of %(product)s due %(date)s", product=products[product_id], date=dates[day]
                ),
            )
            for order_id, (product_id, day) in known.items()
        ]

    def _quantity_formatter(self):
        """A function formatting a quantity as the user's language does (as
        ``formatLang``), with the unit-of-measure precision and without trailing
        zeros. The language is read once and each value formatted once:
        ``formatLang`` per value would read it again every time (3 s for
        20,000 messages instead of 0.1 s)."""
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        lang = get_lang(self.env)
        grouping = ast.literal_eval(lang.grouping)
        thousands_sep = lang.thousands_sep or ""
        point = lang.decimal_point
        texts = {}

        def format_quantity(qty):
            text = texts.get(qty)
            if text is None:
                whole, _point, decimals = f"{qty:.{digits}f}".partition(".")
                whole = intersperse(whole, grouping, thousands_sep)[0]
                decimals = decimals.rstrip("0")
                text = texts[qty] = f"{whole}{point}{decimals}" if decimals else whole
            return text

        return format_quantity
