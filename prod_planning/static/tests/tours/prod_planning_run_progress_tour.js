import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

async function callKw(model, method, args, kwargs = {}) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });
}

// A run planned in the background: the form follows it without a reload, then
// a run queued again is cancelled.
registry.category("web_tour.tours").add("prod_planning_run_progress_tour", {
    steps: () => [
        {
            content: "The run is queued: badge, progress bar and elapsed time",
            trigger: ".o_prod_planning_run_progress .o_prod_planning_run_state:contains(Queued)",
        },
        {
            content: "The elapsed time is shown",
            trigger: ".o_prod_planning_run_progress .o_prod_planning_run_elapsed:contains(elapsed)",
        },
        {
            content: "A cron worker plans the units (Run Manually on a worker cron)",
            trigger: "button[name='action_cancel']",
            run: async () => {
                const [cronId] = await callKw("ir.cron", "search", [[["code", "=", "model._cron_process_units()"]]], {
                    limit: 1,
                });
                await callKw("ir.cron", "method_direct_trigger", [[cronId]]);
            },
        },
        {
            content: "The form sees it done without a reload",
            trigger: ".o_prod_planning_run_progress .o_prod_planning_run_state:contains(Done)",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Run it again",
            trigger: "button[name='action_queue']:contains(Run Again)",
            run: "click",
        },
        {
            trigger: ".o_prod_planning_run_progress .o_prod_planning_run_state:contains(Queued)",
        },
        {
            content: "Cancel it",
            trigger: "button[name='action_cancel']",
            run: "click",
        },
        {
            content: "It is cancelled",
            trigger: ".o_prod_planning_run_progress .o_prod_planning_run_state:contains(Cancelled)",
        },
    ],
});
