import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { animationFrame, press, queryAll, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import {
    contains,
    defineActions,
    getService,
    makeServerError,
    mockService,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";

describe.current.tags("desktop");

defineActions([
    {
        id: 7015,
        xml_id: "prod_planning.prod_planning_workbench_action",
        name: "Workbench",
        tag: "prod_planning_workbench",
        type: "ir.actions.client",
        context: {},
        params: {},
    },
]);
defineMailModels();

const PERIODS = [
    { date_start: "2026-01-05", date_end: "2026-01-12", label: "W2" },
    { date_start: "2026-01-12", date_end: "2026-01-19", label: "W3" },
    { date_start: "2026-01-19", date_end: "2026-01-26", label: "W4" },
];

/** A grid row as get_grid returns it; ``forecast``/``planned`` change projected. */
function makeRow(productId, name, { onHand = 10, forecast = [0, 0, 0], planned = [0, 0, 0], safety = 0 } = {}) {
    const demand = [5, 5, 5];
    const projected = [];
    let balance = onHand;
    for (let i = 0; i < 3; i++) {
        balance += planned[i] - demand[i] - forecast[i];
        projected.push(balance);
    }
    return {
        product_id: productId,
        warehouse_id: 1,
        product: name,
        header: {
            on_hand: onHand,
            supply_type: productId === 1 ? "buy" : "make",
            source: productId === 1 ? "Wood Corner" : "BoM Table",
            lead_time_days: 7,
            safety_stock: safety,
            uom: "Units",
        },
        cells: {
            demand,
            indirect: [0, 0, 0],
            forecast: [...forecast],
            confirmed: [0, 0, 0],
            planned: [...planned],
            projected,
            safety: [safety, safety, safety],
        },
        past_due: { demand: 0, indirect: 0, forecast: 0, confirmed: 0, planned: 0, projected: onHand, safety },
        exceptions:
            productId === 2
                ? [{ id: 31, period: 1, kind: "shortage", message: "Order 20 units more", severity: "danger" }]
                : [],
    };
}

let grid;
let calls;

beforeEach(() => {
    grid = {
        periods: PERIODS,
        total: 120,
        run: { id: 4, state: "done", date: "2026-01-05 06:00:00" },
        rows: [makeRow(1, "[BOARD] Board", { onHand: 12, safety: 4 }), makeRow(2, "[TABLE] Table", { onHand: 20 })],
    };
    calls = [];
    onRpc("stock.warehouse", "search_read", () => [
        { id: 1, name: "Main" },
        { id: 2, name: "North" },
    ]);
    onRpc("product.category", "search_read", () => [{ id: 5, complete_name: "All / Wood" }]);
    onRpc("res.users", "search_read", () => [{ id: 2, name: "Planner" }]);
    onRpc("prod.planning.workbench", "get_grid", ({ args }) => {
        calls.push(["get_grid", args[0]]);
        return grid;
    });
});

async function openWorkbench() {
    await mountWithCleanup(WebClient);
    await getService("action").doAction(7015);
    await animationFrame();
}

const cell = (product, line, index) => `.o_pp_block[data-key="${product}_1"] .o_pp_line_${line} td:nth-child(${index + 3})`;
const input = (product, line, index) => `${cell(product, line, index)} input.o_pp_input`;

test("shows a block per product with the header, past due, periods and lines", async () => {
    await openWorkbench();
    expect(".o_pp_block").toHaveCount(2);
    expect(queryAllTexts("thead th")).toEqual(["Product", "Past due", "W2", "W3", "W4"]);
    expect(queryAllTexts(".o_pp_block:first-of-type .o_pp_line th")).toEqual([
        "Demand",
        "Indirect demand",
        "Forecast",
        "Confirmed supply",
        "Planned supply",
        "Projected on hand",
        "Safety stock",
    ]);
    const header = queryOne('.o_pp_block[data-key="1_1"] .o_pp_block_header');
    expect(header).toHaveText(/On hand 12 Units/);
    expect(header).toHaveText(/Buy/);
    expect(header).toHaveText(/Wood Corner/);
    expect(header).toHaveText(/Lead time 7 d/);
    // Editable lines are inputs in the periods, not in the past due column.
    expect(`.o_pp_block[data-key="1_1"] input.o_pp_input`).toHaveCount(6);
    expect(`${cell(1, "forecast", -1)} input`).toHaveCount(0);
    expect(calls[0][1]).toEqual({ warehouse_id: 1, period: "week", periods: 13, offset: 0, limit: 50 });
    expect(".o_pp_last_run").toHaveText(/Last run: Done/);
});

test("colours projected stock: shortage red, below safety orange, excess blue", async () => {
    grid.rows[0] = makeRow(1, "Board", { onHand: 12, safety: 4 }); // 7, 2, -3
    grid.rows[1] = makeRow(2, "Table", { onHand: 100 }); // 95, 90, 85: excess
    await openWorkbench();
    expect(cell(1, "projected", 0)).not.toHaveClass("o_pp_shortage");
    expect(cell(1, "projected", 1)).toHaveClass("o_pp_below_safety");
    expect(cell(1, "projected", 2)).toHaveClass("o_pp_shortage");
    expect(cell(2, "projected", 0)).toHaveClass("o_pp_excess");
    expect(".o_pp_block[data-key='1_1']").toHaveClass("o_pp_block_shortage");
});

test("an exception shows a marker with its message; Apply calls the exception's method", async () => {
    onRpc("prod.planning.exception", "action_apply", ({ args }) => {
        calls.push(["action_apply", args[0]]);
        return true;
    });
    await openWorkbench();
    expect(".o_pp_exception_marker").toHaveCount(1);
    expect(`${cell(2, "projected", 1)} .o_pp_exception_marker`).toHaveAttribute("title", "Order 20 units more");
    await contains(".o_pp_exception_marker").click();
    expect(".o_pp_exception_popover").toHaveText(/Order 20 units more/);
    await contains(".o_pp_exception_apply").click();
    expect(calls.map((c) => c[0])).toEqual(["get_grid", "action_apply", "get_grid"]);
    expect(calls[1][1]).toEqual([31]);
});

test("Ignore on an exception calls action_ignore", async () => {
    onRpc("prod.planning.exception", "action_ignore", ({ args }) => {
        calls.push(["action_ignore", args[0]]);
        return true;
    });
    await openWorkbench();
    await contains(".o_pp_exception_marker").click();
    await contains(".o_pp_exception_ignore").click();
    expect(calls.map((c) => c[0])).toEqual(["get_grid", "action_ignore", "get_grid"]);
});

test("typing a forecast saves one cell and redraws the row from the answer; Enter moves down", async () => {
    onRpc("prod.planning.workbench", "set_cells", ({ args }) => {
        calls.push(["set_cells", args[0], args[1]]);
        return { rows: [makeRow(1, "[BOARD] Board", { onHand: 12, safety: 4, forecast: [0, 8, 0] })] };
    });
    await openWorkbench();
    expect(cell(1, "projected", 1)).toHaveText("2");
    await contains(input(1, "forecast", 1)).edit("8");
    const saved = calls.find((c) => c[0] === "set_cells");
    expect(saved[1]).toEqual([
        { product_id: 1, warehouse_id: 1, date: "2026-01-12", kind: "forecast", quantity: 8, expected: 0 },
    ]);
    expect(saved[2].warehouse_id).toBe(1);
    expect(input(1, "forecast", 1)).toHaveValue("8");
    expect(cell(1, "projected", 1)).toHaveText("-6");
    expect(cell(1, "projected", 1)).toHaveClass("o_pp_shortage");
    // Enter went down to the planned supply of the same period
    expect(input(1, "planned", 1)).toBeFocused();
});

test("Tab and arrows move between editable cells; Escape cancels the typing", async () => {
    onRpc("prod.planning.workbench", "set_cells", () => {
        calls.push(["set_cells"]);
        return { rows: [] };
    });
    await openWorkbench();
    await contains(input(1, "forecast", 0)).click();
    await press("Tab");
    expect(input(1, "forecast", 1)).toBeFocused();
    await press("ArrowDown");
    expect(input(1, "planned", 1)).toBeFocused();
    await press("ArrowDown");
    expect(input(2, "forecast", 1)).toBeFocused();
    await press("ArrowUp");
    expect(input(1, "planned", 1)).toBeFocused();
    await press("ArrowLeft");
    expect(input(1, "planned", 0)).toBeFocused();
    await press("ArrowRight");
    expect(input(1, "planned", 1)).toBeFocused();
    await contains(input(1, "planned", 1)).edit("55", { confirm: false });
    expect(input(1, "planned", 1)).toHaveValue("55");
    await press("Escape");
    await animationFrame();
    expect(input(1, "planned", 1)).toHaveValue("0");
    expect(calls.filter((c) => c[0] === "set_cells")).toHaveLength(0);
});

test("a refused edit keeps the typed value, marks the cell and shows the message", async () => {
    onRpc("prod.planning.workbench", "set_cells", () => {
        throw makeServerError({
            type: "ValidationError",
            description: "Board, W3 forecast: -3 is negative; type a quantity of 0 or more.",
        });
    });
    await openWorkbench();
    await contains(input(1, "forecast", 1)).edit("-3");
    expect(cell(1, "forecast", 1)).toHaveClass("o_pp_invalid");
    expect(cell(1, "forecast", 1)).toHaveAttribute("title", /negative/);
    expect(input(1, "forecast", 1)).toHaveValue("-3");
    expect(".o_notification").toHaveText(/negative/);
    // Escape gives the saved value back
    await contains(input(1, "forecast", 1)).click();
    await press("Escape");
    await animationFrame();
    expect(cell(1, "forecast", 1)).not.toHaveClass("o_pp_invalid");
    expect(input(1, "forecast", 1)).toHaveValue("0");
});

test("a value that is not a number is refused without a server call", async () => {
    onRpc("prod.planning.workbench", "set_cells", () => {
        calls.push(["set_cells"]);
        return { rows: [] };
    });
    await openWorkbench();
    await contains(input(1, "planned", 0)).edit("abc");
    expect(cell(1, "planned", 0)).toHaveClass("o_pp_invalid");
    expect(input(1, "planned", 0)).toHaveValue("abc");
    expect(".o_notification").toHaveText(/not a number/);
    expect(calls.filter((c) => c[0] === "set_cells")).toHaveLength(0);
});

test("pasting a tab-separated block saves it in one batch", async () => {
    onRpc("prod.planning.workbench", "set_cells", ({ args }) => {
        calls.push(["set_cells", args[0]]);
        return { rows: [] };
    });
    await openWorkbench();
    await contains(input(1, "forecast", 1)).click();
    const data = new DataTransfer();
    data.setData("text/plain", "10\t20\n30\t40\n");
    queryOne(input(1, "forecast", 1)).dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
    );
    await animationFrame();
    const batches = calls.filter((c) => c[0] === "set_cells");
    expect(batches).toHaveLength(1);
    expect(batches[0][1].map((c) => [c.kind, c.date, c.quantity])).toEqual([
        ["forecast", "2026-01-12", 10],
        ["forecast", "2026-01-19", 20],
        ["planned", "2026-01-12", 30],
        ["planned", "2026-01-19", 40],
    ]);
});

test("select cells with Shift and set a value or add a percentage in one batch", async () => {
    grid.rows[0] = makeRow(1, "Board", { forecast: [10, 20, 30] });
    onRpc("prod.planning.workbench", "set_cells", ({ args }) => {
        calls.push(["set_cells", args[0]]);
        return { rows: [] };
    });
    await openWorkbench();
    await contains(input(1, "forecast", 0)).click();
    await press(["Shift", "ArrowRight"]);
    await press(["Shift", "ArrowRight"]);
    await animationFrame();
    expect(".o_pp_selected").toHaveCount(3);
    expect(".o_pp_selection_tools").toHaveText(/3 cells/);
    await contains(".o_pp_add_percent").edit("10", { confirm: false });
    await contains(".o_pp_add_percent_button").click();
    await contains(".o_pp_set_value").edit("7", { confirm: false });
    await contains(".o_pp_set_value_button").click();
    const batches = calls.filter((c) => c[0] === "set_cells");
    expect(batches).toHaveLength(2);
    expect(batches[0][1].map((c) => c.quantity)).toEqual([11, 22, 33]);
    expect(batches[0][1].map((c) => c.expected)).toEqual([10, 20, 30]);
    expect(batches[1][1].map((c) => c.quantity)).toEqual([7, 7, 7]);
});

test("Replenish on a block releases it and offers to open the RFQs", async () => {
    onRpc("prod.planning.workbench", "replenish", ({ args }) => {
        calls.push(["replenish", args[0]]);
        return { purchase_order_ids: [91], production_ids: [], rows: [makeRow(1, "Board (replenished)")] };
    });
    await openWorkbench();
    await contains('.o_pp_block[data-key="1_1"] .o_pp_replenish').click();
    expect(calls.find((c) => c[0] === "replenish")[1]).toEqual([{ product_id: 1, warehouse_id: 1 }]);
    expect('.o_pp_block[data-key="1_1"] .o_pp_product').toHaveText("Board (replenished)");
    expect(".o_notification").toHaveText(/1 request\(s\) for quotation/);
    expect(".o_notification_buttons button").toHaveText("Open RFQs");
});

test("Firm on selected blocks sends their keys in one call", async () => {
    onRpc("prod.planning.workbench", "firm", ({ args }) => {
        calls.push(["firm", args[0]]);
        return { count: 3, rows: [] };
    });
    await openWorkbench();
    await contains('.o_pp_block[data-key="1_1"] .o_pp_block_select').click();
    await contains('.o_pp_block[data-key="2_1"] .o_pp_block_select').click();
    expect(".o_pp_block_tools").toHaveText(/2 selected/);
    await contains(".o_pp_firm_selected").click();
    expect(calls.find((c) => c[0] === "firm")[1]).toEqual([
        { product_id: 1, warehouse_id: 1 },
        { product_id: 2, warehouse_id: 1 },
    ]);
    expect(".o_notification").toHaveText(/3 planned order\(s\) firmed/);
});

test("filters, period switch and paging reload the grid with their options", async () => {
    await openWorkbench();
    await contains(".o_pp_filter_warehouse").select("2");
    expect(calls.at(-1)[1].warehouse_id).toBe(2);
    await contains(".o_pp_filter_category").select("5");
    expect(calls.at(-1)[1].categ_id).toBe(5);
    await contains(".o_pp_filter_supply_type").select("make");
    expect(calls.at(-1)[1].supply_type).toBe("make");
    await contains(".o_pp_filter_responsible").select("2");
    expect(calls.at(-1)[1].responsible_id).toBe(2);
    await contains(".o_pp_filter_exceptions").click();
    expect(calls.at(-1)[1].exceptions_only).toBe(true);
    await contains(".o_pp_filter_shortage").click();
    expect(calls.at(-1)[1].shortage_only).toBe(true);
    await contains(".o_pp_filter_search").edit("board");
    expect(calls.at(-1)[1].search).toBe("board");
    await contains(".o_pp_period button[data-period='month']").click();
    expect(calls.at(-1)[1].period).toBe("month");
    await contains(".o_pp_pager .o_pager_next").click();
    expect(calls.at(-1)[1].offset).toBe(50);
    expect(calls.at(-1)[1].limit).toBe(50);
});

test("clicking a demand cell opens what lies behind it", async () => {
    const details = {
        type: "ir.actions.act_window",
        name: "Demand",
        res_model: "stock.move",
        views: [[false, "list"]],
        domain: [],
    };
    onRpc("prod.planning.workbench", "cell_details", ({ args }) => {
        calls.push(["cell_details", args]);
        return details;
    });
    mockService("action", {
        doAction(action) {
            if (action.res_model === "stock.move") {
                calls.push(["doAction", action]);
                return Promise.resolve(true);
            }
            return super.doAction(...arguments);
        },
    });
    await openWorkbench();
    await contains(`${cell(1, "demand", 1)} a.o_pp_cell_link`).click();
    const call = calls.find((c) => c[0] === "cell_details");
    expect(call[1].slice(0, 4)).toEqual([1, 1, "demand", "2026-01-12"]);
    expect(calls.find((c) => c[0] === "doAction")[1]).toEqual(details);
});

test("Run plan runs the plan, then shows the last run and reloads", async () => {
    onRpc("prod.planning.workbench", "run_plan", ({ args }) => {
        calls.push(["run_plan", args[0]]);
        grid.run = { id: 5, state: "failed", date: "2026-01-06 07:30:00" };
        return { run_id: 5, state: "failed", date: "2026-01-06 07:30:00" };
    });
    await openWorkbench();
    await contains(".o_pp_run_plan").click();
    expect(calls.map((c) => c[0])).toEqual(["get_grid", "run_plan", "get_grid"]);
    expect(calls[1][1].warehouse_id).toBe(1);
    expect(".o_pp_last_run").toHaveAttribute("data-state", "failed");
});

test("no product: a message instead of the grid", async () => {
    grid.rows = [];
    grid.total = 0;
    await openWorkbench();
    expect(".o_pp_empty").toHaveText("No product to plan matches these filters.");
    expect(".o_pp_table").toHaveCount(0);
    expect(queryAll(".o_pp_pager")).toHaveLength(0);
});

test("Replenish on selected blocks; Open RFQs opens the created orders", async () => {
    onRpc("prod.planning.workbench", "replenish", ({ args }) => {
        calls.push(["replenish", args[0]]);
        return { purchase_order_ids: [91, 92], production_ids: [7], rows: [] };
    });
    mockService("action", {
        doAction(action) {
            if (action.res_model === "purchase.order") {
                calls.push(["doAction", action]);
                return Promise.resolve(true);
            }
            return super.doAction(...arguments);
        },
    });
    await openWorkbench();
    await contains('.o_pp_block[data-key="2_1"] .o_pp_block_select').click();
    await contains(".o_pp_replenish_selected").click();
    expect(calls.find((c) => c[0] === "replenish")[1]).toEqual([{ product_id: 2, warehouse_id: 1 }]);
    expect(".o_notification").toHaveText(/2 request\(s\) for quotation and 1 manufacturing order\(s\)/);
    await contains(".o_notification_buttons button:contains(Open RFQs)").click();
    const opened = calls.find((c) => c[0] === "doAction")[1];
    expect(opened.domain).toEqual([["id", "in", [91, 92]]]);
});

test("Firm on a block; the planned cell's magnifier opens its planned orders", async () => {
    onRpc("prod.planning.workbench", "firm", ({ args }) => {
        calls.push(["firm", args[0]]);
        return { count: 0, rows: [] };
    });
    onRpc("prod.planning.workbench", "cell_details", ({ args }) => {
        calls.push(["cell_details", args]);
        return false;
    });
    await openWorkbench();
    await contains('.o_pp_block[data-key="2_1"] .o_pp_firm').click();
    expect(calls.find((c) => c[0] === "firm")[1]).toEqual([{ product_id: 2, warehouse_id: 1 }]);
    // shown on hover or when the cell has the focus
    await contains(`${cell(2, "planned", 2)} .o_pp_cell_details`, { visible: false }).click();
    expect(calls.find((c) => c[0] === "cell_details")[1].slice(0, 4)).toEqual([2, 1, "planned", "2026-01-19"]);
});
