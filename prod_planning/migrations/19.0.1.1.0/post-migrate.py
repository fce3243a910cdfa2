"""After 19.0.1.1.0 loads: the rows kept by pre-migrate.py move into the JSON
columns the pegging and projection reports read: each planned order's pegs
into its ``pegging``, the weekly projection rows into one series per run,
product and warehouse."""


def _kept(cr, table):
    cr.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'", [table])
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    if _kept(cr, "prod_planning_peg_rows"):
        cr.execute(
            """
            UPDATE prod_planning_order planned
               SET pegging = pegs.pegging
              FROM (
                    SELECT order_id,
                           jsonb_agg(
                               jsonb_build_array(quantity, need_date, demand_type, demand_ref, parent_order_id)
                               ORDER BY need_date, id
                           ) AS pegging
                      FROM prod_planning_peg_rows
                     GROUP BY order_id
                   ) pegs
             WHERE pegs.order_id = planned.id
            """
        )
        cr.execute("DROP TABLE prod_planning_peg_rows")
    if not _kept(cr, "prod_planning_projection_weekly_rows"):
        return
    cr.execute(
        """
        INSERT INTO prod_planning_projection_series
               (run_id, product_id, warehouse_id, company_id, first_week, weeks, shortage_qty)
        SELECT run_id, product_id, warehouse_id, company_id, min(week_start),
               jsonb_agg(
                   jsonb_build_array(
                       forecast_qty, actual_qty, dependent_qty, receipt_qty,
                       planned_qty, on_hand_qty, safety_stock, shortage_qty
                   )
                   ORDER BY week_start
               ),
               sum(shortage_qty)
          FROM prod_planning_projection_weekly_rows
         GROUP BY run_id, product_id, warehouse_id, company_id
        """
    )
    cr.execute("DROP TABLE prod_planning_projection_weekly_rows")
