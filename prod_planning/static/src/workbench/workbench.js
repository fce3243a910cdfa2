import { Component, onWillStart, onWillUnmount, useState, useSubEnv } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";
import { Pager } from "@web/core/pager/pager";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { WorkbenchControlPanel } from "./workbench_control_panel";
import { WorkbenchGrid } from "./workbench_grid";
import { WorkbenchModel } from "./workbench_model";

const RUN_POLL_MS = 3000;

/**
 * The planner's workbench: the master production schedule of a warehouse,
 * one block per product, editable forecast and planned-supply lines. One
 * server call (get_grid) per refresh; edits are set_cells batches whose
 * answer redraws the rows they touched.
 */
export class ProdPlanningWorkbench extends Component {
    static template = "prod_planning.Workbench";
    static components = { Layout, Pager, WorkbenchControlPanel, WorkbenchGrid };
    static props = { ...standardActionServiceProps };

    setup() {
        this.model = new WorkbenchModel({
            orm: useService("orm"),
            action: useService("action"),
            notification: useService("notification"),
        });
        useSubEnv({ workbench: this.model });
        this.state = useState(this.model.state);
        const context = this.props.action?.context || {};
        if (context.warehouse_id) {
            this.state.options.warehouse_id = context.warehouse_id;
        }
        onWillStart(async () => {
            await this.model.loadChoices();
            await this.model.load();
            this.pollWhileRunning();
        });
        onWillUnmount(() => clearTimeout(this.pollTimer));
    }

    get runLabel() {
        const run = this.state.run;
        if (this.state.running || run.state === "draft") {
            return _t("Planning run in progress…");
        }
        if (!run.id) {
            return _t("No planning run yet");
        }
        const states = { done: _t("Done"), failed: _t("Failed") };
        const date = run.date ? formatDateTime(deserializeDateTime(run.date)) : "";
        return _t("Last run: %(state)s %(date)s", { state: states[run.state] || run.state, date });
    }

    get pagerProps() {
        return {
            offset: this.state.options.offset,
            limit: this.state.options.limit,
            total: this.state.total,
            onUpdate: ({ offset, limit }) => this.model.setOptions({ offset, limit }),
        };
    }

    /** While a planning run started elsewhere is in progress, look again. */
    pollWhileRunning() {
        clearTimeout(this.pollTimer);
        if (this.state.run.state === "draft" && this.state.run.id) {
            this.pollTimer = setTimeout(async () => {
                const run = await this.model.lastRun();
                if (run && run.state !== "draft") {
                    await this.model.load();
                } else {
                    this.pollWhileRunning();
                }
            }, RUN_POLL_MS);
        }
    }

    async onRunPlan() {
        await this.model.runPlan();
        this.pollWhileRunning();
    }
}

registry.category("actions").add("prod_planning_workbench", ProdPlanningWorkbench);
