import { Component, onMounted, onWillUnmount, onWillUpdateProps, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const ACTIVE_STATES = ["queued", "running"];
const POLL_DELAY = 2000;

/**
 * State badge, progress bar and elapsed time of a background planning run
 * (or, with options="{'kind': 'job'}", of a background job), polled every
 * 2 s while queued or running; the form is reloaded when the work ends.
 */
export class RunProgressField extends Component {
    static template = "prod_planning.RunProgressField";
    static props = { ...standardFieldProps, kind: { type: String, optional: true } };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ status: this.props.record.data[this.props.name] || false });
        this.timer = null;
        onMounted(() => this.schedule());
        onWillUpdateProps((nextProps) => {
            this.state.status = nextProps.record.data[nextProps.name] || false;
            this.schedule();
        });
        onWillUnmount(() => clearTimeout(this.timer));
    }

    get active() {
        return ACTIVE_STATES.includes(this.state.status && this.state.status.state);
    }

    get visible() {
        return Boolean(this.state.status && this.state.status.state && this.state.status.state !== "draft");
    }

    get stateLabel() {
        const labels = {
            queued: _t("Queued"),
            running: _t("Running"),
            done: _t("Done"),
            failed: _t("Failed"),
            cancelled: _t("Cancelled"),
        };
        return labels[this.state.status.state] || this.state.status.state;
    }

    get badgeClass() {
        const classes = { queued: "info", running: "primary", done: "success", failed: "danger" };
        return classes[this.state.status.state] || "secondary";
    }

    get progress() {
        return Math.round(this.state.status.progress || 0);
    }

    get unitsText() {
        const status = this.state.status;
        if (!status.units_total) {
            return "";
        }
        return _t("%(done)s / %(total)s units", { done: status.units_done, total: status.units_total });
    }

    get elapsedText() {
        const seconds = Math.round(this.state.status.elapsed || 0);
        const minutes = Math.floor(seconds / 60);
        const rest = String(seconds % 60).padStart(2, "0");
        return _t("%(minutes)s:%(seconds)s elapsed", { minutes, seconds: rest });
    }

    schedule() {
        clearTimeout(this.timer);
        if (this.active) {
            this.timer = setTimeout(() => this.poll(), POLL_DELAY);
        }
    }

    async poll() {
        const [model, method] =
            this.props.kind === "job"
                ? ["prod.planning.job", "get_job_status"]
                : ["prod.planning.run", "get_run_status"];
        const status = await this.orm.call(model, method, [this.state.status.id]);
        this.state.status = status;
        if (ACTIVE_STATES.includes(status.state)) {
            this.schedule();
        } else {
            await this.props.record.load();
        }
    }
}

export const runProgressField = {
    component: RunProgressField,
    supportedTypes: ["json"],
    extractProps: ({ options }) => ({ kind: options.kind || "run" }),
};

registry.category("fields").add("prod_planning_run_progress", runProgressField);
