import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { parseFloat } from "@web/views/fields/parsers";
import { useWorkbench } from "./workbench_model";

/**
 * The workbench's filters (warehouse, category, supply type, responsible,
 * exceptions only, shortage only, product search), the period switch, and
 * the tools for a selection: set a value or add a percentage to the selected
 * cells, replenish or firm the selected blocks.
 */
export class WorkbenchControlPanel extends Component {
    static template = "prod_planning.WorkbenchControlPanel";
    static props = {};

    setup() {
        this.model = useWorkbench();
        this.state = this.model.state;
        this.local = useState({ search: this.state.options.search, value: "", percent: "" });
        this.periodChoices = [
            ["day", _t("Day")],
            ["week", _t("Week")],
            ["month", _t("Month")],
        ];
        this.supplyTypes = [
            ["buy", _t("Buy")],
            ["make", _t("Make")],
            ["kit", _t("Kit")],
        ];
    }

    get selectionCount() {
        return this.state.anchor ? this.model.selectedCells.length : 0;
    }

    onSelect(name, ev) {
        const raw = ev.target.value;
        const value = name === "supply_type" ? raw || false : parseInt(raw) || false;
        this.model.setOptions({ [name]: value });
    }

    onToggle(name, ev) {
        this.model.setOptions({ [name]: ev.target.checked });
    }

    onPeriod(period) {
        const periods = { day: 28, week: 13, month: 12 }[period];
        this.model.setOptions({ period, periods });
    }

    onSearch(ev) {
        if (ev.type === "change" || ev.key === "Enter") {
            this.model.setOptions({ search: this.local.search.trim() });
        }
    }

    number(text) {
        try {
            const value = parseFloat(String(text).trim());
            return Number.isFinite(value) ? value : null;
        } catch {
            return null;
        }
    }

    async onSetValue() {
        const value = this.number(this.local.value);
        if (value === null) {
            this.model.notification.add(_t("Type the quantity to set, such as 100."), { type: "danger" });
            return;
        }
        await this.model.setSelection(value);
    }

    async onAddPercent() {
        const percent = this.number(this.local.percent);
        if (percent === null) {
            this.model.notification.add(_t("Type the percentage to add, such as 10 or -5."), {
                type: "danger",
            });
            return;
        }
        await this.model.addPercent(percent);
    }

    onReplenishSelected() {
        return this.model.replenish([...this.state.selectedBlocks]);
    }

    onFirmSelected() {
        return this.model.firm([...this.state.selectedBlocks]);
    }
}
