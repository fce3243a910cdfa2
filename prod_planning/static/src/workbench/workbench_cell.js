import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { DETAIL_LINES, EDITABLE_LINES, cellKey, rowKey, useWorkbench } from "./workbench_model";

/**
 * One quantity of a block: an input on the editable lines (forecast, planned
 * supply), a link to what lies behind it on the demand and supply lines, the
 * colour of the projected stock (shortage, below safety stock, excess) and
 * the markers of the exception messages of its period.
 */
export class WorkbenchCell extends Component {
    static template = "prod_planning.WorkbenchCell";
    static props = { row: Object, line: String, index: Number };

    setup() {
        // Only editable cells follow the shared state (typed values refused,
        // selection); the others read their row, a reactive prop.
        this.editable = this.props.index >= 0 && EDITABLE_LINES.includes(this.props.line);
        this.model = this.editable ? useWorkbench() : this.env.workbench;
        this.state = this.model.state;
    }

    get key() {
        return rowKey(this.props.row);
    }

    get value() {
        const { row, line, index } = this.props;
        return index < 0 ? row.past_due[line] || 0 : row.cells[line][index];
    }

    get clickable() {
        return this.props.index >= 0 && DETAIL_LINES.includes(this.props.line) && this.value;
    }

    get invalid() {
        if (!this.editable) {
            return undefined;
        }
        return this.state.invalid[cellKey(this.key, this.props.line, this.props.index)];
    }

    get text() {
        return this.invalid ? this.invalid.value : this.model.format(this.value);
    }

    /** shortage / below_safety / excess of a projected cell, or "". */
    get status() {
        const { row, line, index } = this.props;
        if (line !== "projected") {
            return "";
        }
        const projected = this.value;
        const safety = index < 0 ? row.past_due.safety || 0 : row.cells.safety[index];
        if (projected < 0) {
            return "shortage";
        }
        if (projected < safety) {
            return "below_safety";
        }
        // Excess: more than the safety stock plus all that the rest of the
        // horizon will take out.
        let later = 0;
        for (let i = index + 1; i < row.cells.projected.length; i++) {
            later += row.cells.demand[i] + row.cells.indirect[i] + row.cells.forecast[i];
        }
        if (projected > 0 && projected > safety + later) {
            return "excess";
        }
        return "";
    }

    get exceptions() {
        if (this.props.line !== "projected") {
            return [];
        }
        return (this.props.row.exceptions || []).filter((e) => e.period === this.props.index);
    }

    get classes() {
        const { line, index } = this.props;
        return {
            o_pp_cell: true,
            "text-end": true,
            o_pp_past_due: index < 0,
            o_pp_editable: this.editable,
            o_pp_invalid: Boolean(this.invalid),
            o_pp_selected: this.editable && this.model.isSelected(this.key, line, index),
            [`o_pp_${this.status}`]: Boolean(this.status),
            o_pp_has_exception: this.exceptions.length > 0,
            o_pp_zero: !this.value && !this.invalid,
        };
    }

    get title() {
        if (this.invalid) {
            return this.invalid.message;
        }
        return {
            shortage: _t("Shortage: projected stock below zero"),
            below_safety: _t("Below safety stock"),
            excess: _t("Excess: more than the rest of the horizon needs"),
        }[this.status] || "";
    }

    onDetails(ev) {
        ev.preventDefault();
        ev.stopPropagation();
        return this.model.cellDetails(this.key, this.props.line, this.props.index);
    }

    onException(ev, exception) {
        ev.preventDefault();
        ev.stopPropagation();
        this.env.openException(ev.currentTarget, exception);
    }
}

/** The message of an exception, with its actions. */
export class WorkbenchExceptionPopover extends Component {
    static template = "prod_planning.WorkbenchExceptionPopover";
    static props = { exception: Object, onAction: Function, close: Function };

    async onAction(method) {
        this.props.close();
        await this.props.onAction(this.props.exception, method);
    }
}
