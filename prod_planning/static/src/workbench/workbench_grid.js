import { Component, toRaw, useRef, useSubEnv } from "@odoo/owl";
import { usePopover } from "@web/core/popover/popover_hook";
import { WorkbenchBlock } from "./workbench_block";
import { WorkbenchExceptionPopover } from "./workbench_cell";
import { cellKey, rowKey, useWorkbench } from "./workbench_model";

const LABEL_REM = 18;
const PERIOD_REM = 6;
const MOVES = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
};

/**
 * The grid: the periods' header (sticky) and a block per product and
 * warehouse. It drives the keyboard (Enter, Tab and arrows move between the
 * editable cells and save what was typed, Shift extends the selection,
 * Escape cancels) and pastes a tab-separated block from a spreadsheet.
 */
export class WorkbenchGrid extends Component {
    static template = "prod_planning.WorkbenchGrid";
    static components = { WorkbenchBlock };
    static props = {};

    setup() {
        this.model = useWorkbench();
        this.state = this.model.state;
        this.root = useRef("root");
        this.saving = new Set();
        this.extendNext = false;
        this.rowKey = rowKey;
        this.exceptionPopover = usePopover(WorkbenchExceptionPopover, { position: "bottom" });
        useSubEnv({
            openException: (target, exception) =>
                this.exceptionPopover.open(target, {
                    exception,
                    onAction: (exc, method) => this.model.exceptionAction(exc.id, method),
                }),
        });
    }

    /**
     * The rows as plain objects: rows are replaced, never changed in place,
     * so blocks and cells need no reactive proxy of them (4,900 cells a page).
     */
    get rows() {
        return toRaw(this.state.rows);
    }

    /** Width of the table (fixed layout: columns of the header's widths). */
    get tableStyle() {
        return `width: ${LABEL_REM + (this.state.periods.length + 1) * PERIOD_REM}rem`;
    }

    /** The cell an editable input stands for, or null. */
    cellOf(el) {
        if (!el || !el.dataset || el.dataset.line === undefined || !el.classList.contains("o_pp_input")) {
            return null;
        }
        return { key: el.dataset.key, line: el.dataset.line, index: parseInt(el.dataset.index) };
    }

    inputOf(cell) {
        return this.root.el?.querySelector(
            `input.o_pp_input[data-key="${cell.key}"][data-line="${cell.line}"][data-index="${cell.index}"]`
        );
    }

    focusCell(cell, extend = false) {
        this.model.activate(cell, extend);
        const input = this.inputOf(cell);
        if (input) {
            this.programmatic = true;
            input.focus();
            input.select();
            this.programmatic = false;
        }
    }

    /** The text the input shows when nothing was typed. */
    shownText(cell) {
        const invalid = this.state.invalid[cellKey(cell.key, cell.line, cell.index)];
        if (invalid) {
            return invalid.value;
        }
        return this.model.format(this.model.value(cell.key, cell.line, cell.index));
    }

    /** Save what was typed in ``input``, if anything. */
    commit(input) {
        const cell = this.cellOf(input);
        if (!cell) {
            return;
        }
        const text = input.value;
        const ck = cellKey(cell.key, cell.line, cell.index);
        if (text === this.shownText(cell) || this.saving.has(ck)) {
            return;
        }
        this.saving.add(ck);
        return this.model.save([{ ...cell, text }]).finally(() => this.saving.delete(ck));
    }

    onPointerDown(ev) {
        this.extendNext = ev.shiftKey;
    }

    onFocusIn(ev) {
        const cell = this.cellOf(ev.target);
        if (!cell || this.programmatic) {
            return;
        }
        this.model.activate(cell, this.extendNext);
        this.extendNext = false;
        ev.target.select();
    }

    onChange(ev) {
        this.commit(ev.target);
    }

    onKeyDown(ev) {
        const input = ev.target;
        const cell = this.cellOf(input);
        if (!cell) {
            return;
        }
        let move = null;
        if (ev.key === "Escape") {
            this.model.discard(cell.key, cell.line, cell.index);
            input.value = this.model.format(this.model.value(cell.key, cell.line, cell.index));
            input.select();
            this.model.activate(cell);
            ev.preventDefault();
            ev.stopPropagation();
            return;
        } else if (ev.key === "Enter") {
            move = ev.shiftKey ? [-1, 0] : [1, 0];
        } else if (ev.key === "Tab") {
            move = ev.shiftKey ? [0, -1] : [0, 1];
        } else if (ev.key in MOVES) {
            const atStart = input.selectionStart === 0;
            const atEnd = input.selectionEnd === input.value.length;
            if (ev.key === "ArrowLeft" && !atStart && !ev.shiftKey) {
                return;
            }
            if (ev.key === "ArrowRight" && !atEnd && !ev.shiftKey) {
                return;
            }
            move = MOVES[ev.key];
            if (ev.shiftKey) {
                ev.preventDefault();
                const base = this.state.focus || cell;
                this.focusCell(this.model.move(base, ...move), true);
                return;
            }
        } else {
            return;
        }
        ev.preventDefault();
        this.commit(input);
        this.focusCell(this.model.move(cell, ...move));
    }

    onPaste(ev) {
        const cell = this.cellOf(ev.target);
        const text = ev.clipboardData?.getData("text/plain") || "";
        if (!cell || !/[\t\n]/.test(text.replace(/[\r\n]+$/, ""))) {
            return; // a single value: pasted into the input as usual
        }
        ev.preventDefault();
        this.model.paste(cell, text);
    }
}
