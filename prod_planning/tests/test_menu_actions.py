"""Every screen of the addon's menus, opened and clicked as the web client does.

For each action reachable from the addon's menus (found at run time, not
listed by hand) the test loads it (``/web/action/load``), loads its views
(``get_views``), reads the data of each view type as the web client does
(``web_search_read`` for lists, ``web_read_group`` for their default
grouping, ``formatted_read_grouping_sets`` for pivots, ``formatted_read_group``
for graphs, ``search_read`` for calendars, ``get_activity_data`` for activity
views), opens a record's form (``web_read``) or a new one (``onchange``,
``web_save``) and presses every header, button-box and wizard-footer button
of type ``object`` through ``/web/dataset/call_button``, on a record where the
button is visible, except the few with an effect outside the planning
(``IRREVERSIBLE``). An action a button returns is opened in turn.

A server error ("Oops! Something went wrong" in the browser) fails the test;
a UserError or ValidationError is the warning dialog a user reads and is only
logged. Everything runs in the test's transaction and is rolled back.
"""

import logging

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval
from odoo.tools.safe_eval import time as safe_time

from .common import ProdPlanningHttpCase, menu_actions

_logger = logging.getLogger(__name__)

# (model, method) of buttons not pressed, and why: their effect reaches
# outside the planning (vendors, the network, orders and work orders).
IRREVERSIBLE = {
    ("prod.planning.order", "action_release"): "creates RFQs and manufacturing orders",
    ("prod.planning.exception", "action_apply"): "moves purchase and manufacturing orders",
    ("prod.planning.expediting", "action_send_reminder"): "emails vendors",
    ("prod.planning.expediting", "action_mark_confirmed"): "records vendors' confirmations on purchase lines",
    ("prod.planning.price.feed", "action_fetch_now"): "calls the feed's server",
    ("prod.planning.schedule", "action_apply"): "writes the dates of work orders and manufacturing orders",
}

# Views with a js_class may add control-panel buttons of their own: name the
# server methods they call, {js_class: ((method, called with the selected ids), ...)},
# so that this test presses them too. An unknown js_class fails the test.
JS_CLASS_BUTTONS = {
    # Odoo's settings form: Save and Discard (test_settings saves the page).
    "base_settings": (),
    # The price history graph: Odoo's graph view fitted to the prices, no button of its own.
    "prod_planning_price_graph": (),
    # Capacity load: Odoo's graph view with the available hours drawn beside the load, no button of its own.
    "prod_planning_capacity_graph": (),
}

# Client actions of the menus: the server calls each makes when it opens,
# {tag: ((model, method, args), ...)}. An unknown tag fails the test.
CLIENT_ACTIONS = {
    # The planner's workbench: its first page (get_grid with the screen's default options).
    "prod_planning_workbench": (
        ("prod.planning.workbench", "get_grid", [{"period": "week", "periods": 13, "offset": 0, "limit": 50}]),
    )
}

# Errors a user reads in a warning dialog: the button refused, with a reason.
USER_ERRORS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.RedirectWarning")

RECORDS_LIMIT = 80
BUTTON_XPATH = (
    "//header//button[@type='object']|//div[@name='button_box']//button[@type='object']"
    "|//footer//button[@type='object']"
)


@tagged("post_install", "-at_install")
class TestMenuActions(ProdPlanningHttpCase):
    def setUp(self):
        super().setUp()
        self._show_every_button()
        self.authenticate("admin", "admin")
        admin = self.env.ref("base.user_admin")
        self.context = {"lang": "en_US", "tz": "UTC", "uid": admin.id, "allowed_company_ids": [admin.company_id.id]}
        self.eval_context = {
            "uid": admin.id,
            "context_today": lambda: safe_datetime.date.today(),
            "datetime": safe_datetime,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "time": safe_time,
            "allowed_company_ids": [admin.company_id.id],
            "current_company_id": admin.company_id.id,
            "active_id": False,
            "active_ids": [],
        }
        self.errors = []
        self.refusals = []
        self.pressed = set()
        self.buttons_seen = set()

    def _show_every_button(self):
        """Records on which the buttons the demo data does not show appear:
        a price feed, a released planned order."""
        feed = self.env["prod.planning.price.feed"].create(
            {"name": "Menu Test Feed", "url": "https://prices.example.com/feed.json"}
        )
        line = self.env["purchase.order.line"].search([("product_id.type", "=", "consu")], limit=1)
        order = self.env["prod.planning.order"].search(
            [("state", "=", "draft"), ("product_id", "=", line.product_id.id)], limit=1
        ) or self.env["prod.planning.order"].search([("state", "=", "draft")], limit=1)
        order.write({"state": "released", "purchase_line_id": line.id})
        self.env.flush_all()
        # opened in their forms besides the records the lists show first
        self.shown = {feed._name: feed.ids, order._name: order.ids}

    # ------------------------------------------------------------------
    # RPC as the web client
    # ------------------------------------------------------------------

    def _call(self, where, model, method, args=(), kwargs=None, context=None, button=False):
        """Call ``model.method`` through the web client's route; a server error
        is recorded (``where`` names the screen and the step)."""
        route = "/web/dataset/call_button" if button else "/web/dataset/call_kw"
        params = {
            "model": model,
            "method": method,
            "args": list(args),
            "kwargs": {**(kwargs or {}), "context": {**self.context, **(context or {})}},
        }
        result, error = self.json_rpc(f"{route}/{model}.{method}", params)
        if error:
            message = f"{where}: {model}.{method}: {error.get('name')}: {error.get('message')}"
            if button and error.get("name") in USER_ERRORS:
                self.refusals.append(message)
            else:
                self.errors.append(f"{message}\n{error.get('debug', '')}")
            return None
        return result

    def _eval(self, expression, default, extra=None):
        if not expression:
            return default
        if not isinstance(expression, str):
            return expression
        try:
            return safe_eval(expression, {**self.eval_context, **(extra or {})})
        except Exception:  # noqa: BLE001 - the web client's evaluator knows more names
            _logger.info("not evaluated in Python: %s", expression)
            return default

    # ------------------------------------------------------------------
    # Menus and actions
    # ------------------------------------------------------------------

    def test_every_menu_action_and_button(self):
        actions = menu_actions(self.env)
        self.assertGreater(len(actions), 15)
        for action, path in actions.items():
            loaded = self.json_rpc("/web/action/load", {"action_id": action.id, "context": self.context})
            if loaded[1]:
                self.errors.append(f"{path}: /web/action/load: {loaded[1]}")
                continue
            if loaded[0]["type"] == "ir.actions.act_window":
                self._open_window_action(path, loaded[0])
            elif loaded[0]["type"] == "ir.actions.client":
                self._open_client_action(path, loaded[0])
        for (model, method), reason in IRREVERSIBLE.items():
            if (model, method) not in self.buttons_seen:
                self.errors.append(f"IRREVERSIBLE names {model}.{method} ({reason}): no such button in the menus")
        for refusal in self.refusals:
            _logger.info("refused with a reason: %s", refusal)
        not_pressed = self.buttons_seen - self.pressed - set(IRREVERSIBLE)
        if not_pressed:
            self.errors.append(
                f"buttons not pressed, no record shows them: {sorted(not_pressed)}: "
                "give them a record in _show_every_button (or list them in IRREVERSIBLE, with the reason)"
            )
        self.assertFalse(self.errors, "\n\n".join(self.errors))

    def _open_client_action(self, path, action):
        """The server calls the client action makes when it opens (CLIENT_ACTIONS)."""
        tag = action.get("tag")
        if tag not in CLIENT_ACTIONS:
            self.errors.append(f"{path}: the client action {tag} is not in CLIENT_ACTIONS")
            return
        for model, method, args in CLIENT_ACTIONS[tag]:
            result = self._call(f"{path} (client action {tag})", model, method, args)
            if method == "get_grid" and result is not None and not result.get("rows"):
                self.errors.append(f"{path}: get_grid shows no row on the demo data")

    def _open_window_action(self, path, action, extra_domain=()):
        model = action["res_model"]
        context = self._eval(action.get("context"), {}, {"context": {}})
        domain = list(self._eval(action.get("domain"), [])) + list(extra_domain)
        views = [list(view) for view in action["views"]]
        if not any(view_type == "search" for _id, view_type in views):
            views.append([action.get("search_view_id") and action["search_view_id"][0], "search"])
        where = f"{path} ({model})"
        loaded = self._call(
            f"{where}: views",
            model,
            "get_views",
            kwargs={"views": views, "options": {"action_id": action.get("id"), "load_filters": True, "toolbar": True}},
            context=context,
        )
        if not loaded:
            return
        fields = loaded["models"][model]["fields"]
        archs = {view_type: etree.fromstring(view["arch"]) for view_type, view in loaded["views"].items()}
        domain, groupby = self._search_defaults(archs.get("search"), context, domain)
        records = []
        for view_type, arch in archs.items():
            self.buttons_seen.update((model, node.get("name")) for node in arch.xpath(BUTTON_XPATH))
            js_class = arch.get("js_class")
            if js_class and js_class not in JS_CLASS_BUTTONS:
                self.errors.append(f"{where}: the {view_type} view's js_class {js_class} is not in JS_CLASS_BUTTONS")
            view_where = f"{where}, {view_type} view"
            if view_type in ("list", "kanban"):
                records = self._load_list(view_where, model, arch, fields, domain, groupby, context) or records
            elif view_type == "pivot":
                self._load_pivot(view_where, model, arch, fields, domain, context)
            elif view_type == "graph":
                self._load_graph(view_where, model, arch, fields, domain, context)
            elif view_type == "calendar":
                self._load_calendar(view_where, model, arch, domain, context)
            elif view_type == "activity":
                self._call(
                    view_where,
                    "mail.activity",
                    "get_activity_data",
                    kwargs={"res_model": model, "domain": domain, "limit": RECORDS_LIMIT, "offset": 0},
                    context=context,
                )
        if "list" in archs:
            self._press_list_buttons(f"{where}, list view", model, archs["list"], records, context)
        for view_type, arch in archs.items():
            for method, with_ids in JS_CLASS_BUTTONS.get(arch.get("js_class"), ()):
                node = etree.Element("button", name=method, type="object")
                ids = [records[0]["id"]] if with_ids and records else []
                self._press(f"{where}, {view_type} view, control panel", model, node, ids, context)
        if "form" in archs:
            form_where = f"{where}, form view"
            if action.get("res_id") or (not records and "list" not in archs and "kanban" not in archs):
                self._open_new_form(form_where, model, archs["form"], fields, context, action.get("res_id"))
            elif records:
                self._open_forms(form_where, model, archs["form"], fields, records, context)

    def _search_defaults(self, search_arch, context, domain):
        """The domain and grouping of the search view's default filters."""
        groupby = list(context.get("group_by") or [])
        if isinstance(groupby, str):
            groupby = [groupby]
        if search_arch is None:
            return domain, groupby
        for key, value in context.items():
            if not (key.startswith("search_default_") and value):
                continue
            name = key[len("search_default_") :]
            for node in search_arch.xpath(f"//filter[@name='{name}']"):
                filter_context = self._eval(node.get("context"), {}, {"context": context})
                if filter_context.get("group_by"):
                    groupby.append(filter_context["group_by"])
                if node.get("domain"):
                    domain = domain + list(self._eval(node.get("domain"), [], {"context": context}))
        return domain, groupby

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------

    def _spec(self, arch, fields):
        """The web client's read specification of the fields of a view."""
        spec = {}
        for node in arch.xpath("//field[not(ancestor::field)]"):
            name = node.get("name")
            description = fields.get(name, {})
            if description.get("type") in ("many2one", "many2many", "one2many", "many2one_reference"):
                spec[name] = {"fields": {"display_name": {}}} if description["type"] != "many2one_reference" else {}
            else:
                spec[name] = {}
        return spec

    def _load_list(self, where, model, arch, fields, domain, groupby, context):
        spec = self._spec(arch, fields)
        result = self._call(
            where,
            model,
            "web_search_read",
            kwargs={
                "domain": domain,
                "specification": spec,
                "limit": int(arch.get("limit") or RECORDS_LIMIT),
                "order": arch.get("default_order") or "",
                "count_limit": 10001,
            },
            context=context,
        )
        if groupby:
            self._call(
                f"{where} grouped by {groupby[0]}",
                model,
                "web_read_group",
                kwargs={
                    "domain": domain,
                    "groupby": groupby[:1],
                    "aggregates": self._list_aggregates(arch, fields),
                    "limit": RECORDS_LIMIT,
                    "auto_unfold": True,
                    "unfold_read_specification": spec,
                },
                context=context,
            )
        return result and result["records"]

    def _list_aggregates(self, arch, fields):
        return [
            f"{node.get('name')}:{fields[node.get('name')]['aggregator']}"
            for node in arch.xpath("//field[@sum or @avg]")
            if fields.get(node.get("name"), {}).get("aggregator")
        ]

    def _measure(self, name, fields):
        if name == "__count":
            return "__count"
        return f"{name}:{fields.get(name, {}).get('aggregator') or 'sum'}"

    def _groupby_spec(self, node, fields):
        name = node.get("name")
        interval = node.get("interval")
        if not interval and fields.get(name, {}).get("type") in ("date", "datetime"):
            interval = "month"
        return f"{name}:{interval}" if interval else name

    def _load_pivot(self, where, model, arch, fields, domain, context):
        rows = [self._groupby_spec(node, fields) for node in arch.xpath("//field[@type='row']")]
        cols = [self._groupby_spec(node, fields) for node in arch.xpath("//field[@type='col']")]
        measures = [self._measure(node.get("name"), fields) for node in arch.xpath("//field[@type='measure']")]
        self._call(
            where,
            model,
            "formatted_read_grouping_sets",
            args=[domain, [[], rows[:1], cols[:1], rows[:1] + cols[:1]], measures or ["__count"]],
            context=context,
        )

    def _load_graph(self, where, model, arch, fields, domain, context):
        groupby = [
            self._groupby_spec(node, fields) for node in arch.xpath("//field[not(@type='measure') and not(@invisible)]")
        ]
        measures = [self._measure(node.get("name"), fields) for node in arch.xpath("//field[@type='measure']")]
        self._call(
            where,
            model,
            "formatted_read_group",
            args=[domain, groupby[:2], measures[:1] or ["__count"]],
            context={**context, "fill_temporal": True},
        )

    def _load_calendar(self, where, model, arch, domain, context):
        date_start = arch.get("date_start")
        today = safe_datetime.date.today()
        window = [(date_start, ">=", str(today.replace(day=1))), (date_start, "<", str(today.replace(day=28)))]
        names = [node.get("name") for node in arch.xpath("//field")] + [date_start]
        if arch.get("date_stop"):
            names.append(arch.get("date_stop"))
        self._call(where, model, "search_read", kwargs={"domain": domain + window, "fields": names}, context=context)

    def _open_forms(self, where, model, arch, fields, records, context):
        """Read the first record as the form does, then press each button on a
        record where it is visible."""
        spec = self._spec(arch, fields)
        self._call(where, model, "web_read", args=[[records[0]["id"]], spec], context=context)
        ids = [record["id"] for record in records] + self.shown.get(model, [])
        for node in arch.xpath(BUTTON_XPATH):
            key = (model, node.get("name"))
            self.buttons_seen.add(key)
            if key in IRREVERSIBLE or key in self.pressed:
                continue
            visible = [record_id for record_id in ids if self._visible(model, record_id, node)]
            if visible:
                self._press(where, model, node, [visible[0]], context)
        for node in arch.xpath("//header//button[@type='action']|//div[@name='button_box']//button[@type='action']"):
            self._load_button_action(where, node, context)

    def _open_new_form(self, where, model, arch, fields, context, res_id=None):
        """A form opened without a record (a wizard, the settings): its
        defaults, then the record saved and each footer or header button
        pressed once, in the order the form offers them."""
        spec = self._spec(arch, fields)
        if res_id:
            self._call(where, model, "web_read", args=[[res_id], spec], context=context)
            record_id = res_id
        else:
            self._call(where, model, "onchange", args=[[], {}, [], spec], context=context)
            saved = self._call(
                f"{where}: save", model, "web_save", args=[[], {}, {"display_name": {}}], context=context
            )
            if not saved:
                return
            record_id = saved[0]["id"]
        buttons = arch.xpath(BUTTON_XPATH)
        for node in buttons:
            self.buttons_seen.add((model, node.get("name")))
        to_press = [node for node in buttons if (model, node.get("name")) not in IRREVERSIBLE]
        # Walk the form's states: press a visible button not pressed yet, else
        # one already pressed (it leads on), until all were pressed.
        for _step in range(2 * len(to_press) + 1):
            visible = [node for node in to_press if self._visible(model, record_id, node)]
            fresh = [node for node in visible if (model, node.get("name")) not in self.pressed]
            if not fresh and not visible:
                break
            if not fresh and all((model, node.get("name")) in self.pressed for node in to_press):
                break
            self._press(where, model, (fresh or visible)[0], [record_id], context)

    def _visible(self, model, record_id, node):
        """Whether the web client shows the button on the record."""
        expression = node.get("invisible")
        if not expression:
            return True
        self.env.invalidate_all()
        record = self.env[model].browse(record_id)
        if not record.exists():
            return False
        values = {}
        for name, value in record.read(list(record._fields))[0].items():
            if isinstance(value, tuple):
                value = value[0]
            values[name] = value
        invisible = self._eval(expression, False, {**values, "context": self.context})
        return not invisible

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _press_list_buttons(self, where, model, arch, records, context):
        for node in arch.xpath("//header//button[@type='object']"):
            key = (model, node.get("name"))
            self.buttons_seen.add(key)
            if key in IRREVERSIBLE:
                continue
            if node.get("display") == "always":
                # No selection: the web client calls the method with no ids.
                self._press(f"{where}, nothing selected", model, node, [], context)
            if records:
                self._press(f"{where}, first record selected", model, node, [records[0]["id"]], context)

    def _press(self, where, model, node, ids, context):
        name = node.get("name")
        self.pressed.add((model, name))
        button_context = self._eval(node.get("context"), {}, {"context": context, "active_id": ids and ids[0]})
        result = self._call(
            f"{where}, button {node.get('string') or name}",
            model,
            name,
            args=[ids],
            context={**context, **button_context},
            button=True,
        )
        if isinstance(result, dict) and result.get("type") == "ir.actions.act_window" and result.get("res_model"):
            self._open_returned_action(f"{where}, after {node.get('string') or name}", result, context)

    def _open_returned_action(self, where, action, context):
        """Load the views and the data of an action a button returned."""
        model = action["res_model"]
        views = [list(view) for view in action.get("views") or [[False, "list"], [False, "form"]]]
        loaded = self._call(
            where, model, "get_views", kwargs={"views": views, "options": {}}, context=action.get("context") or {}
        )
        if not loaded:
            return
        fields = loaded["models"][model]["fields"]
        first_type, first = next(iter(loaded["views"].items()))
        arch = etree.fromstring(first["arch"])
        action_context = self._eval(action.get("context"), {}, {"context": context})
        if action.get("res_id"):
            self._call(where, model, "web_read", args=[[action["res_id"]], self._spec(arch, fields)])
        elif first_type in ("list", "kanban"):
            domain = self._eval(action.get("domain"), [])
            self._load_list(where, model, arch, fields, domain, [], action_context)
        elif first_type == "form" and action.get("target") == "new":
            self._call(where, model, "onchange", args=[[], {}, [], self._spec(arch, fields)], context=action_context)

    def _load_button_action(self, where, node, context):
        """Buttons of type action: the web client loads the action they name."""
        name = node.get("name")
        if name.isdigit():
            name = int(name)
        loaded = self.json_rpc("/web/action/load", {"action_id": name, "context": context})
        if loaded[1]:
            self.errors.append(f"{where}, button {node.get('string') or name}: {loaded[1]}")
