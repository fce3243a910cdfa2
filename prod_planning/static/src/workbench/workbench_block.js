import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { WorkbenchCell } from "./workbench_cell";
import { LINES, rowKey, useWorkbench } from "./workbench_model";

/**
 * One product in one warehouse: a header (on hand, supply type, vendor or
 * BoM, lead time, the block's actions) and a line per quantity, a cell per
 * period.
 */
export class WorkbenchBlock extends Component {
    static template = "prod_planning.WorkbenchBlock";
    static components = { WorkbenchCell };
    static props = { row: Object };

    setup() {
        this.model = useWorkbench();
        this.state = this.model.state;
        this.lines = LINES;
        this.labels = {
            demand: _t("Demand"),
            indirect: _t("Indirect demand"),
            forecast: _t("Forecast"),
            confirmed: _t("Confirmed supply"),
            planned: _t("Planned supply"),
            projected: _t("Projected on hand"),
            safety: _t("Safety stock"),
        };
        this.supplyLabels = { buy: _t("Buy"), make: _t("Make"), kit: _t("Kit"), none: _t("None") };
    }

    get key() {
        return rowKey(this.props.row);
    }

    get header() {
        return this.props.row.header || {};
    }

    get selected() {
        return this.state.selectedBlocks.has(this.key);
    }

    get hasShortage() {
        const row = this.props.row;
        return row.past_due.projected < 0 || row.cells.projected.some((value) => value < 0);
    }

    onToggleSelect(ev) {
        if (ev.target.checked) {
            this.state.selectedBlocks.add(this.key);
        } else {
            this.state.selectedBlocks.delete(this.key);
        }
    }

    onReplenish() {
        return this.model.replenish([this.key]);
    }

    onFirm() {
        return this.model.firm([this.key]);
    }
}
