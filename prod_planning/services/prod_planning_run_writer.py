"""Writes the engine's plan into Odoo tables in a few set-based statements."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .pg_copy import copy_line, copy_lines_checked_once, escape_text, update_checked_once


class ProdPlanningRunWriter(models.AbstractModel):
    """Write the engine's plan into Odoo (last step of a planning run:
    reader → engine → writer)."""

    _name = "prod.planning.run.writer"
    _description = "Planning Result Writer"

    @api.model
    def _write(self, run, warehouses, data, result):
        """Replace the previous plan of ``warehouses`` with ``result``.

        Draft planned orders, open exceptions and the projection are replaced;
        firm and released planned orders and handled exceptions stay. A draft
        order the new plan proposes again unchanged (same product, warehouse,
        source, quantity and dates) keeps its record, moved to ``run``, and
        so does an open message worded the same in the same situation (see
        ``_situation``): a nightly run rewrites what changed, not the whole plan.
        """
        cr = self.env.cr
        self.env.flush_all()
        wh_ids = tuple(warehouses.ids)
        cr.execute("DELETE FROM prod_planning_projection_series WHERE warehouse_id IN %s", [wh_ids])
        info = data["item_info"]
        reusable = self._draft_orders(wh_ids)
        order_ids = self._insert_orders(run, info, result.planned_orders, reusable)
        stale = [order[0] for orders in reusable.values() for order in orders]
        if stale:
            cr.execute("DELETE FROM prod_planning_order WHERE id = ANY(%s)", [stale])
        self.env["prod.planning.order"].invalidate_model()
        open_exceptions = self._open_exceptions(run.company_id, wh_ids)
        exception_count = self._insert_exceptions(run, info, result, order_ids, wh_ids, reusable=open_exceptions)
        stale = [exception_id for ids in open_exceptions.values() for exception_id in ids]
        if stale:
            cr.execute("DELETE FROM prod_planning_exception WHERE id = ANY(%s)", [stale])
        self._insert_projection(run, result)
        for model in (
            "prod.planning.order",
            "prod.planning.peg",
            "prod.planning.exception",
            "prod.planning.projection.series",
            "prod.planning.projection",
        ):
            self.env[model].invalidate_model()
        return {"planned_order_count": len(order_ids), "exception_count": exception_count}

    def _lock_plan(self, run, warehouses):
        """Lock the draft planned orders and open messages of ``warehouses``,
        which the run will keep or replace, before it reads. A release, a
        firmed order or an ignored message meanwhile waits for the run to
        commit; locked at the end instead, a change made while the run
        planned would fail the whole run (a serialization failure)."""
        wh_ids = tuple(warehouses.ids)
        self.env.cr.execute(
            "SELECT count(*) FROM (SELECT 1 FROM prod_planning_order "
            "WHERE state = 'draft' AND warehouse_id IN %s FOR UPDATE) locked",
            [wh_ids],
        )
        self.env.cr.execute(
            "SELECT count(*) FROM (SELECT 1 FROM prod_planning_exception "
            "WHERE state = 'open' AND (warehouse_id IN %s OR warehouse_id IS NULL) AND company_id = %s "
            "FOR UPDATE) locked",
            [wh_ids, run.company_id.id],
        )

    def _quantity_digits(self):
        """Decimals of quantities: the engine's sums and products of floats
        (22.599999999999998) are stored rounded to the units' precision (in
        Odoo 19 all units share the "Product Unit" precision), as the ORM
        rounds what it writes."""
        return self.env["decimal.precision"].precision_get("Product Unit")

    def _reserve_ids(self, table, count):
        """``count`` new ids of ``table`` from its sequence, in increasing order
        (the sequence named once: per row, its lookup would cost more than
        ``nextval`` itself)."""
        cr = self.env.cr
        cr.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [table])
        sequence = cr.fetchone()[0]
        cr.execute("SELECT nextval(%s::oid) FROM generate_series(1, %s)", [sequence, count])
        return sorted(row[0] for row in cr.fetchall())

    def _insert(self, table, columns, rows, log_access=True):
        """INSERT the tuples of the iterable ``rows`` with one COPY.

        ``log_access``: the table has Odoo's create/write uid and date columns.
        """
        tail = self._copy_tail(log_access)
        self._copy(table, self._copy_columns(columns, log_access), (copy_line(row, tail) for row in rows))

    def _copy_tail(self, log_access=True):
        """The end of a COPY line: the create/write uid and dates, if any."""
        if not log_access:
            return "\n"
        uid, now = self.env.uid, fields.Datetime.now()
        return f"\t{uid}\t{uid}\t{now}\t{now}\n"

    @staticmethod
    def _copy_columns(columns, log_access=True):
        if log_access:
            return (*columns, "create_uid", "write_uid", "create_date", "write_date")
        return tuple(columns)

    def _copy(self, table, columns, lines, first_id=None):
        """COPY the text lines of the iterable ``lines`` into ``columns`` of
        ``table``, its foreign keys checked once for all the lines where the
        role may (see ``copy_lines_checked_once``; ``first_id``: the smallest
        id the lines give, if they give ids)."""
        copy_lines_checked_once(self.env.cr, table, columns, lines, first_id)

    def _draft_orders(self, wh_ids):
        """{order key: [(id, late, pegging as text)]} of the draft planned
        orders of ``wh_ids``, which the new plan may keep. The key (made by
        PostgreSQL here, by ``_insert_orders`` for the new plan) is the
        product, warehouse, supply type, quantity, dates, vendor, BoM and work
        center."""
        self.env.cr.execute(
            r"""
            SELECT concat_ws(E'\t', product_id, warehouse_id, supply_type, round(quantity, %s),
                             release_date, due_date, coalesce(vendor_id::text, '\N'),
                             coalesce(bom_id::text, '\N'), coalesce(workcenter_id::text, '\N')),
                   id, late, pegging::text
              FROM prod_planning_order
             WHERE state = 'draft' AND warehouse_id IN %s
            """,
            [self._quantity_digits(), wh_ids],
        )
        orders = defaultdict(list)
        for key, *order in self.env.cr.fetchall():
            orders[key].append(order)
        return orders

    def _insert_orders(self, run, info, planned_orders, reusable=None):
        """Insert the planned orders with their pegging; return {engine order
        id: database id}.

        ``reusable``: {order key: [(id, late, pegging)]} of draft orders that
        may be kept (see ``_draft_orders``); the kept ones are moved to
        ``run`` with their new pegging and removed from it. The lines are formatted here, not by
        ``copy_line``: every value is a number, a date, a fixed word or JSON
        made of those (nothing to escape), and there are as many lines as
        planned orders.
        """
        reusable = reusable or {}
        digits = self._quantity_digits()
        sources = {
            key: "\t".join(str(item[name] or "\\N") for name in ("vendor_id", "bom_id", "workcenter_id"))
            for key, item in info.items()
        }
        # Database ids: a kept order's, else a new one from the sequence.
        key = f"%s\t%s\t%s\t%.{digits}f\t%s\t%s\t%s"
        kept = {}
        for order in planned_orders:
            ids = reusable.get(
                key
                % (
                    order.item[0],
                    order.item[1],
                    order.supply_type,
                    order.qty,
                    order.release_date,
                    order.due_date,
                    sources[order.item],
                )
            )
            if ids:
                kept[order.id] = ids.pop()
        new_orders = [order for order in planned_orders if order.id not in kept]
        new_ids = self._reserve_ids("prod_planning_order", len(new_orders)) if new_orders else []
        order_ids = {order_id: entry[0] for order_id, entry in kept.items()}
        order_ids.update((order.id, db_id) for order, db_id in zip(new_orders, new_ids, strict=True))
        run_id, company_id = run.id, run.company_id.id
        demand_columns = self._demand_columns
        # As PostgreSQL prints jsonb, to tell a kept order's unchanged pegging.
        peg_text = f'[%.{digits}f, %s, "%s", %s, %s]'

        def pegging(pegs):
            texts = []
            for peg in pegs:
                demand_type, demand_ref, parent = demand_columns(peg.ref, order_ids)
                texts.append(
                    peg_text
                    % (
                        peg.qty,
                        f'"{peg.date}"' if peg.date else "null",
                        demand_type,
                        f'"{demand_ref}"' if demand_ref else "null",
                        parent or "null",
                    )
                )
            return "[" + ", ".join(texts) + "]"

        run_text = "\\N" if run_id is None else run_id  # the workbench's edits may have no run
        line = f"%s\t{run_text}\t%s\t%s\t{company_id}\t%.{digits}f\t%s\t%s\t%s\t%s\tdraft\t%s\t%s"
        tail = self._copy_tail()
        lines = (
            line
            % (
                order_ids[order.id],
                order.item[0],
                order.item[1],
                order.qty,
                order.supply_type,
                sources[order.item],
                order.release_date,
                order.due_date,
                "t" if order.late else "f",
                pegging(order.pegs),
            )
            + tail
            for order in new_orders
        )
        columns = (
            "id",
            "run_id",
            "product_id",
            "warehouse_id",
            "company_id",
            "quantity",
            "supply_type",
            "vendor_id",
            "bom_id",
            "workcenter_id",
            "release_date",
            "due_date",
            "state",
            "late",
            "pegging",
        )
        self._copy("prod_planning_order", self._copy_columns(columns), lines, new_ids[0] if new_ids else None)
        if kept:
            unchanged, changed = [], []
            for order in planned_orders:
                if order.id in kept:
                    db_id, late, old_pegging = kept[order.id]
                    text = pegging(order.pegs)
                    if text == old_pegging and late == order.late:
                        unchanged.append(db_id)
                    else:
                        changed.append(f"{db_id}\t{'t' if order.late else 'f'}\t{text}\n")
            self._move_kept_orders(run, unchanged, changed)
        return order_ids

    def _move_kept_orders(self, run, unchanged, changed):
        """Move kept draft orders to ``run``: the ``unchanged`` ids as they
        are, the ``changed`` ones (COPY lines of id, late, pegging) with their
        new late flag and pegging, through a temporary table. The updates are
        made in place (no indexed column changes) and check no foreign key but
        the run's (and the author's), once for all the orders where the role may
        (see ``update_checked_once``)."""
        cr = self.env.cr
        uid, now = self.env.uid, fields.Datetime.now()
        if unchanged:
            update_checked_once(
                cr,
                "prod_planning_order",
                SQL(
                    "UPDATE prod_planning_order SET run_id = %s, write_uid = %s, write_date = %s "
                    "WHERE id = ANY(%s) RETURNING id",
                    run.id,
                    uid,
                    now,
                    unchanged,
                ),
                ("run_id", "write_uid", "write_date"),
            )
        if not changed:
            return
        cr.execute("CREATE TEMPORARY TABLE prod_planning_order_kept (id int, late bool, pegging jsonb) ON COMMIT DROP")
        self._copy("prod_planning_order_kept", ("id", "late", "pegging"), changed)
        cr.execute("ANALYZE prod_planning_order_kept")
        update_checked_once(
            cr,
            "prod_planning_order",
            SQL(
                """
                UPDATE prod_planning_order planned
                   SET run_id = %s, late = kept.late, pegging = kept.pegging,
                       write_uid = %s, write_date = %s
                  FROM prod_planning_order_kept kept
                 WHERE planned.id = kept.id
                RETURNING planned.id
                """,
                run.id,
                uid,
                now,
            ),
            ("run_id", "late", "pegging", "write_uid", "write_date"),
        )
        cr.execute("DROP TABLE prod_planning_order_kept")

    def _demand_columns(self, ref, order_ids):
        """(demand_type, demand_ref, parent_order_id) of an engine demand ref."""
        if not ref:
            return "safety", None, None
        model, res_id = ref
        if model == "planned":
            parent = order_ids.get(res_id)
            return "dependent", f"prod.planning.order,{parent}", parent
        if model == "prod.planning.order":
            return "dependent", f"{model},{res_id}", res_id
        if model == "prod.planning.forecast":
            return "forecast", f"{model},{res_id}", None
        if model in ("safety", "on_hand"):
            return "safety", None, None
        return "actual", f"{model},{res_id}", None

    def _insert_exceptions(self, run, info, result, order_ids, wh_ids, product_ids=None, reusable=None):
        """Insert the run's messages, except those the planner ignored in the
        same situation (same kind, product, warehouse, origin or demand,
        dates and quantity); an ignored message whose situation is gone is
        removed: when its case comes back changed, it is open again.
        ``product_ids``: only those products were replanned (net change).
        ``reusable``: {(situation, priority, message, suggestion): [ids]} of
        open messages (see ``_open_exceptions``); one the run words the same
        in the same situation is kept, moved to ``run``, and removed from it.
        Return the number of the run's messages."""
        reusable = reusable or {}
        run_id, company_id = run.id, run.company_id.id
        exceptions = []
        for exception in result.exceptions:
            item = info.get(exception.item)
            if item is None:
                continue  # a component outside the planned products (not storable)
            if exception.code == "no_source" and not item["no_source_reason"]:
                continue  # left to a reordering rule or planned elsewhere
            exceptions.append(exception)
        digits = self._quantity_digits()
        ignored = self._ignored_exceptions(run.company_id, wh_ids, product_ids)
        kept_ignored = set()
        refs = []
        for exception in exceptions:
            origin = self._record_ref(exception.ref, order_ids)
            demand = self._record_ref(exception.demand_ref, order_ids)
            key = self._match_key(exception, origin, demand)
            qty = None if exception.qty is None else round(exception.qty, digits)
            situation = self._situation(key, exception.date, exception.suggested_date, qty)
            refs.append((origin, demand, key, situation))
        pairs = []
        for exception, (origin, demand, key, situation) in zip(exceptions, refs, strict=True):
            ignored_id = ignored.get(situation)
            if ignored_id:
                kept_ignored.add(ignored_id)
                continue
            pairs.append((exception, origin, demand, key, situation))
        stale = set(ignored.values()) - kept_ignored
        if stale:
            self.env.cr.execute("DELETE FROM prod_planning_exception WHERE id IN %s", [tuple(stale)])
        exceptions = [pair[0] for pair in pairs]
        wording = self.env["prod.planning.run.wording"]
        # Parents named by their components' messages, from the plan in hand.
        parents = {pair[2][1] for pair in pairs if pair[2] and pair[2][0] == "prod.planning.order"}
        planned = {}
        for order in result.planned_orders:
            db_id = order_ids.get(order.id)
            if db_id in parents:
                planned[db_id] = (order.item[0], order.due_date)
        demand_names = wording._origin_names({pair[2] for pair in pairs if pair[2]}, run.company_id, planned)
        messages, suggestions = wording._exception_messages(exceptions, info, run.company_id, demand_names, pairs)
        # COPY lines made here: only the words need escaping (see copy_line).
        null = "\\N"
        line = "%s\t" * 15 + "open" + self._copy_tail()
        run_text = null if run_id is None else run_id
        lines, kept_ids = [], []
        for (exception, origin, demand, key, situation), message, suggestion in zip(
            pairs, messages, suggestions, strict=True
        ):
            kept = reusable.get((situation, str(exception.priority), message, suggestion))
            if kept:
                kept_ids.append(kept.pop())
                continue
            lines.append(
                line
                % (
                    run_text,
                    exception.kind,
                    exception.priority,
                    exception.item[0],
                    exception.item[1],
                    company_id,
                    escape_text(message),
                    null if suggestion is None else escape_text(suggestion),
                    exception.date or null,
                    exception.suggested_date or null,
                    null if exception.qty is None else f"{exception.qty:.{digits}f}",
                    null if exception.days_late is None else exception.days_late,
                    f"{origin[0]},{origin[1]}" if origin else null,
                    f"{demand[0]},{demand[1]}" if demand else null,
                    escape_text(key),
                )
            )
        columns = (
            "run_id",
            "kind",
            "priority",
            "product_id",
            "warehouse_id",
            "company_id",
            "message",
            "suggestion",
            "date",
            "suggested_date",
            "quantity",
            "days_late",
            "origin_ref",
            "demand_ref",
            "match_key",
            "state",
        )
        self._copy("prod_planning_exception", self._copy_columns(columns), lines)
        if kept_ids:
            update_checked_once(
                self.env.cr,
                "prod_planning_exception",
                SQL(
                    "UPDATE prod_planning_exception SET run_id = %s, write_uid = %s, write_date = %s "
                    "WHERE id = ANY(%s) RETURNING id",
                    run_id,
                    self.env.uid,
                    fields.Datetime.now(),
                    kept_ids,
                ),
                ("run_id", "write_uid", "write_date"),
            )
        return len(lines) + len(kept_ids)

    @staticmethod
    def _record_ref(ref, order_ids):
        """(model, id) of an engine ref when it names a record, else None
        (safety stock, on hand, a planned order not written)."""
        if not ref or not isinstance(ref, tuple) or len(ref) != 2:
            return None
        model, res_id = ref
        if model == "planned":
            res_id = order_ids.get(res_id)
            return ("prod.planning.order", res_id) if res_id else None
        if model in ("safety", "on_hand") or not isinstance(res_id, int):
            return None
        return (model, res_id)

    @staticmethod
    def _match_key(exception, origin, demand):
        """What identifies a message from one run to the next: kind, product,
        warehouse and its origin, else its demand. Planned orders of a run
        are replaced by the next one, so they are no key (from an engine ref
        ``("planned", id)``): the dates and quantity of the situation tell
        those messages apart."""
        anchor = ""
        if origin and not (exception.ref and exception.ref[0] == "planned"):
            anchor = f"{origin[0]},{origin[1]}"
        elif demand and not (exception.demand_ref and exception.demand_ref[0] == "planned"):
            anchor = f"demand:{demand[0]},{demand[1]}"
        return f"{exception.kind}|{exception.item[0]}|{exception.item[1]}|{anchor}"

    @staticmethod
    def _situation(key, day, suggested_day, qty):
        """The hashable situation of a message: its key, dates and quantity."""
        return (key, str(day) if day else None, str(suggested_day) if suggested_day else None, round(qty or 0.0, 4))

    def _open_exceptions(self, company, wh_ids):
        """{(situation, priority, message, suggestion): [ids]} of the open
        messages of the planned warehouses (and of none), which the new run
        replaces or keeps."""
        self.env.cr.execute(
            "SELECT id, match_key, date, suggested_date, quantity, priority, message, suggestion "
            "FROM prod_planning_exception "
            "WHERE state = 'open' AND (warehouse_id IN %s OR warehouse_id IS NULL) AND company_id = %s",
            [wh_ids, company.id],
        )
        situation = self._situation
        exceptions = defaultdict(list)
        for exception_id, key, day, suggested_day, qty, priority, message, suggestion in self.env.cr.fetchall():
            exceptions[situation(key, day, suggested_day, qty), priority, message, suggestion].append(exception_id)
        return exceptions

    def _ignored_exceptions(self, company, wh_ids, product_ids=None):
        """{situation: id} of the ignored messages of the planned warehouses
        (and ``product_ids`` when given)."""
        self.env.cr.execute(
            SQL(
                "SELECT id, match_key, date, suggested_date, quantity FROM prod_planning_exception "
                "WHERE state = 'ignored' AND match_key IS NOT NULL "
                "AND (warehouse_id IN %s OR warehouse_id IS NULL) AND company_id = %s%s",
                wh_ids,
                company.id,
                SQL(" AND product_id IN %s", tuple(product_ids)) if product_ids else SQL(""),
            )
        )
        return {
            self._situation(key, day, suggested_day, qty): exception_id
            for exception_id, key, day, suggested_day, qty in self.env.cr.fetchall()
        }

    def _insert_projection(self, run, result):
        """One series per item: its weeks' quantities in one JSON array (see
        ``prod.planning.projection.series``), written as text at once, each
        quantity rounded to the units' precision."""
        run_id, company_id = run.id, run.company_id.id
        digits = self._quantity_digits()
        week_text = "[" + ",".join([f"%.{digits}f"] * 8) + "]"

        def rows():
            for item, buckets in result.projection.items():
                if not buckets:
                    continue
                yield (
                    run_id,
                    item[0],
                    item[1],
                    company_id,
                    str(buckets[0].week_start),
                    "["
                    + ",".join(
                        [
                            week_text
                            % (
                                bucket.forecast,
                                bucket.actual,
                                bucket.dependent,
                                bucket.scheduled_receipts,
                                bucket.planned_receipts,
                                bucket.projected_on_hand,
                                bucket.safety_stock,
                                bucket.shortage,
                            )
                            for bucket in buckets
                        ]
                    )
                    + "]",
                    round(sum(bucket.shortage for bucket in buckets), digits),
                )

        self._insert(
            "prod_planning_projection_series",
            ("run_id", "product_id", "warehouse_id", "company_id", "first_week", "weeks", "shortage_qty"),
            rows(),
            log_access=False,
        )
