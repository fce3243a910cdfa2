import { reactive, useComponent, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { formatFloat } from "@web/core/utils/numbers";
import { parseFloat } from "@web/views/fields/parsers";

export const MODEL = "prod.planning.workbench";
export const LINES = ["demand", "indirect", "forecast", "confirmed", "planned", "projected", "safety"];
export const EDITABLE_LINES = ["forecast", "planned"];
export const DETAIL_LINES = ["demand", "indirect", "confirmed", "planned"];
export const PAGE_SIZE = 50;
const USER_ERRORS = ["UserError", "ValidationError", "AccessError", "RedirectWarning"];

/** "product_warehouse" of a grid row or a key {product_id, warehouse_id}. */
export function rowKey(row) {
    return `${row.product_id}_${row.warehouse_id}`;
}

/** "row:line:index" of a cell. */
export function cellKey(key, line, index) {
    return `${key}:${line}:${index}`;
}

/** The message of a refused call (a UserError or ValidationError), or null. */
export function userErrorMessage(error) {
    if (error instanceof RPCError && error.data) {
        const name = error.exceptionName || error.data.name || "";
        if (USER_ERRORS.some((kind) => name.endsWith(kind))) {
            return error.data.message || error.message;
        }
    }
    return null;
}

/**
 * The workbench model as seen by the calling component: its reads of the
 * state subscribe the component (re-rendered when what it read changes).
 */
export function useWorkbench() {
    const model = useComponent().env.workbench;
    const view = Object.create(model);
    view.state = useState(model.state);
    return view;
}

/**
 * The workbench's state and its server calls, shared by its components: the
 * options of get_grid, the page it returned, the active cell, the selected
 * cells and blocks, and the values refused by the server (kept as typed).
 */
export class WorkbenchModel {
    constructor({ orm, action, notification }) {
        this.orm = orm;
        this.action = action;
        this.notification = notification;
        this.state = reactive({
            options: {
                warehouse_id: false,
                period: "week",
                periods: 13,
                categ_id: false,
                supply_type: false,
                responsible_id: false,
                exceptions_only: false,
                shortage_only: false,
                search: "",
                offset: 0,
                limit: PAGE_SIZE,
            },
            periods: [],
            rows: [],
            total: 0,
            run: { id: false, state: false, date: false },
            running: false,
            loading: false,
            // editing
            anchor: null, // {key, line, index}: where a selection starts
            focus: null, // {key, line, index}: the active cell
            invalid: {}, // cellKey -> {value, message}
            saving: false,
            saves: 0, // set_cells answers received (the tour waits on it)
            selectedBlocks: new Set(),
            choices: { warehouses: [], categories: [], responsibles: [] },
        });
    }

    // ------------------------------------------------------------- reading

    /** The options sent to the server: only those that are set. */
    get serverOptions() {
        const options = {};
        for (const [name, value] of Object.entries(this.state.options)) {
            if (value || (name === "offset" && value === 0)) {
                options[name] = value;
            }
        }
        return options;
    }

    async loadChoices() {
        const [warehouses, categories, responsibles] = await Promise.all([
            this.orm.searchRead("stock.warehouse", [], ["name"], { order: "sequence, id" }),
            this.orm.searchRead("product.category", [], ["complete_name"], {
                order: "complete_name",
                limit: 500,
            }),
            this.orm.searchRead("res.users", [["share", "=", false]], ["name"], {
                order: "name",
                limit: 500,
            }),
        ]);
        this.state.choices = {
            warehouses,
            categories: categories.map((c) => ({ id: c.id, name: c.complete_name })),
            responsibles,
        };
        if (!this.state.options.warehouse_id && warehouses.length) {
            this.state.options.warehouse_id = warehouses[0].id;
        }
    }

    async load() {
        this.state.loading = true;
        try {
            const grid = await this.orm.call(MODEL, "get_grid", [this.serverOptions]);
            this.state.periods = grid.periods;
            this.state.rows = grid.rows;
            this.state.total = grid.total;
            if (grid.run) {
                const error = grid.run.id === this.state.run.id ? this.state.run.error : false;
                this.state.run = { ...grid.run, error };
            }
            this.state.invalid = {};
            const keys = new Set(grid.rows.map(rowKey));
            for (const key of [...this.state.selectedBlocks]) {
                if (!keys.has(key)) {
                    this.state.selectedBlocks.delete(key);
                }
            }
        } finally {
            this.state.loading = false;
        }
    }

    async setOptions(values) {
        Object.assign(this.state.options, values);
        if (!("offset" in values)) {
            this.state.options.offset = 0;
        }
        this.state.anchor = this.state.focus = null;
        await this.load();
    }

    /** Replace the rows the server sent back (same product and warehouse). */
    replaceRows(rows) {
        const byKey = new Map((rows || []).map((row) => [rowKey(row), row]));
        this.state.rows = this.state.rows.map((row) => byKey.get(rowKey(row)) || row);
    }

    rowByKey(key) {
        return this.state.rows.find((row) => rowKey(row) === key);
    }

    value(key, line, index) {
        const row = this.rowByKey(key);
        return row ? row.cells[line][index] : 0;
    }

    /** A quantity as shown in a cell: grouped, up to 2 decimals, no trailing zeros. */
    format(value) {
        return formatFloat(value || 0, { digits: [16, 2], trailingZeros: false });
    }

    // ---------------------------------------------------- editable cells

    /** [{key, line}] of the editable lines, top to bottom. */
    get editableLines() {
        const lines = [];
        for (const row of this.state.rows) {
            for (const line of EDITABLE_LINES) {
                lines.push({ key: rowKey(row), line });
            }
        }
        return lines;
    }

    /** The cell ``dRow`` editable lines down and ``dCol`` periods right of ``cell``. */
    move(cell, dRow, dCol) {
        const lines = this.editableLines;
        let r = lines.findIndex((l) => l.key === cell.key && l.line === cell.line);
        let c = cell.index + dCol;
        const count = this.state.periods.length;
        if (c >= count && dRow === 0) {
            c = 0;
            r += 1;
        } else if (c < 0 && dRow === 0) {
            c = count - 1;
            r -= 1;
        }
        r = Math.min(Math.max(r + dRow, 0), lines.length - 1);
        c = Math.min(Math.max(c, 0), count - 1);
        return { ...lines[r], index: c };
    }

    /** The cells between the anchor and the focus (a rectangle), as [{key, line, index}]. */
    get selectedCells() {
        const { anchor, focus } = this.state;
        if (!focus) {
            return [];
        }
        const start = anchor || focus;
        const lines = this.editableLines;
        const r0 = lines.findIndex((l) => l.key === start.key && l.line === start.line);
        const r1 = lines.findIndex((l) => l.key === focus.key && l.line === focus.line);
        if (r0 < 0 || r1 < 0) {
            return [];
        }
        const cells = [];
        for (let r = Math.min(r0, r1); r <= Math.max(r0, r1); r++) {
            for (let c = Math.min(start.index, focus.index); c <= Math.max(start.index, focus.index); c++) {
                cells.push({ ...lines[r], index: c });
            }
        }
        return cells;
    }

    isSelected(key, line, index) {
        if (!this.state.anchor) {
            return false;
        }
        return this.selectedCells.some((c) => c.key === key && c.line === line && c.index === index);
    }

    /** Make ``cell`` the active one; ``extend``: keep the anchor (shift). */
    activate(cell, extend = false) {
        if (extend) {
            this.state.anchor = this.state.anchor || this.state.focus || cell;
        } else {
            this.state.anchor = null;
        }
        this.state.focus = cell;
    }

    /** Parse what the user typed; throws a message for a non-number. */
    parse(text) {
        const trimmed = String(text).trim();
        if (trimmed === "") {
            return 0;
        }
        let value;
        try {
            value = parseFloat(trimmed);
        } catch {
            value = NaN;
        }
        if (!Number.isFinite(value)) {
            throw new Error(_t("“%s” is not a number: type a quantity such as 120.", trimmed));
        }
        return value;
    }

    /**
     * Save ``edits`` ([{key, line, index, text|value}]) in one set_cells batch;
     * the rows sent back replace those on screen. A refusal marks the cells
     * invalid (the typed values stay) and is shown; returns whether it saved.
     */
    async save(edits) {
        const cells = [];
        const invalid = {};
        for (const edit of edits) {
            const ck = cellKey(edit.key, edit.line, edit.index);
            const row = this.rowByKey(edit.key);
            if (!row || !EDITABLE_LINES.includes(edit.line) || !this.state.periods[edit.index]) {
                continue;
            }
            let quantity = edit.value;
            if (quantity === undefined) {
                try {
                    quantity = this.parse(edit.text);
                } catch (error) {
                    invalid[ck] = { value: edit.text, message: error.message };
                    continue;
                }
            }
            const expected = row.cells[edit.line][edit.index];
            if (quantity === expected && !this.state.invalid[ck]) {
                continue;
            }
            cells.push({
                product_id: row.product_id,
                warehouse_id: row.warehouse_id,
                date: this.state.periods[edit.index].date_start,
                kind: edit.line,
                quantity,
                expected,
                _ck: ck,
                _text: edit.text ?? String(quantity),
            });
        }
        if (Object.keys(invalid).length) {
            Object.assign(this.state.invalid, invalid);
            this.notification.add(Object.values(invalid)[0].message, { type: "danger" });
            return false;
        }
        if (!cells.length) {
            return true;
        }
        this.state.saving = true;
        try {
            const result = await this.orm.call(MODEL, "set_cells", [
                cells.map(({ _ck, _text, ...cell }) => cell),
                this.serverOptions,
            ]);
            for (const cell of cells) {
                delete this.state.invalid[cell._ck];
            }
            this.replaceRows(result.rows);
            return true;
        } catch (error) {
            const message = userErrorMessage(error);
            if (message === null) {
                throw error;
            }
            for (const cell of cells) {
                this.state.invalid[cell._ck] = { value: cell._text, message };
            }
            this.notification.add(message, { type: "danger", title: _t("Not saved") });
            return false;
        } finally {
            this.state.saving = false;
            this.state.saves++;
        }
    }

    /** Forget a refused value (Escape). */
    discard(key, line, index) {
        delete this.state.invalid[cellKey(key, line, index)];
    }

    /** Set the selected cells to ``value``. */
    setSelection(value) {
        return this.save(this.selectedCells.map((cell) => ({ ...cell, value })));
    }

    /** Add ``percent`` % to the selected cells. */
    addPercent(percent) {
        return this.save(
            this.selectedCells.map((cell) => {
                const current = this.value(cell.key, cell.line, cell.index);
                const value = Math.round(current * (1 + percent / 100) * 1000) / 1000;
                return { ...cell, value };
            })
        );
    }

    /**
     * Paste a tab-separated block (a spreadsheet's copy) from ``cell``: its
     * rows go to the editable lines below, its columns to the periods right.
     */
    paste(cell, text) {
        const lines = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
        const editable = this.editableLines;
        const r0 = editable.findIndex((l) => l.key === cell.key && l.line === cell.line);
        const edits = [];
        lines.forEach((line, dr) => {
            const target = editable[r0 + dr];
            if (!target) {
                return;
            }
            line.split("\t").forEach((text, dc) => {
                const index = cell.index + dc;
                if (index < this.state.periods.length) {
                    edits.push({ ...target, index, text });
                }
            });
        });
        return this.save(edits);
    }

    // ------------------------------------------------------------ actions

    blockKeys(keys) {
        return keys.map((key) => {
            const row = this.rowByKey(key);
            return { product_id: row.product_id, warehouse_id: row.warehouse_id };
        });
    }

    async call(method, args) {
        try {
            return await this.orm.call(MODEL, method, args);
        } catch (error) {
            const message = userErrorMessage(error);
            if (message === null) {
                throw error;
            }
            this.notification.add(message, { type: "danger" });
            return null;
        }
    }

    async replenish(keys) {
        const result = await this.call("replenish", [this.blockKeys(keys), this.serverOptions]);
        if (!result) {
            return null;
        }
        this.replaceRows(result.rows);
        const pos = result.purchase_order_ids || [];
        const mos = result.production_ids || [];
        const buttons = [];
        if (pos.length) {
            buttons.push({
                name: _t("Open RFQs"),
                onClick: () => this.openRecords("purchase.order", pos, _t("Requests for Quotation")),
            });
        }
        if (mos.length) {
            buttons.push({
                name: _t("Open manufacturing orders"),
                onClick: () => this.openRecords("mrp.production", mos, _t("Manufacturing Orders")),
            });
        }
        const message =
            pos.length || mos.length
                ? _t("%(pos)s request(s) for quotation and %(mos)s manufacturing order(s) created.", {
                      pos: pos.length,
                      mos: mos.length,
                  })
                : _t("Nothing to release: no planned order is due within the release time fence.");
        this.notification.add(message, {
            type: pos.length || mos.length ? "success" : "info",
            title: _t("Replenish"),
            buttons,
        });
        return result;
    }

    async firm(keys) {
        const result = await this.call("firm", [this.blockKeys(keys), this.serverOptions]);
        if (!result) {
            return null;
        }
        this.replaceRows(result.rows);
        this.notification.add(_t("%s planned order(s) firmed.", result.count), {
            type: "success",
            title: _t("Firm"),
        });
        return result;
    }

    openRecords(model, ids, name) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: model,
            domain: [["id", "in", ids]],
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    async cellDetails(key, line, index) {
        const row = this.rowByKey(key);
        const period = this.state.periods[index];
        const date = index < 0 ? false : period.date_start;
        const action = await this.call("cell_details", [
            row.product_id,
            row.warehouse_id,
            line,
            date,
            this.serverOptions,
        ]);
        if (action) {
            await this.action.doAction(action);
        }
    }

    async runPlan() {
        this.state.running = true;
        try {
            const run = await this.call("run_plan", [this.serverOptions]);
            if (run) {
                this.state.run = { id: run.run_id, state: run.state, date: run.date, error: run.error };
                await this.load();
            }
            return run;
        } finally {
            this.state.running = false;
        }
    }

    async lastRun() {
        const run = await this.call("last_run", [this.serverOptions]);
        if (run) {
            this.state.run = { id: run.run_id, state: run.state, date: run.date, error: run.error };
        }
        return run;
    }

    async exceptionAction(exceptionId, method) {
        let result;
        try {
            result = await this.orm.call("prod.planning.exception", method, [[exceptionId]]);
        } catch (error) {
            const message = userErrorMessage(error);
            if (message === null) {
                throw error;
            }
            this.notification.add(message, { type: "danger" });
            return;
        }
        if (result && typeof result === "object" && result.type) {
            await this.action.doAction(result);
        }
        await this.load();
    }
}
