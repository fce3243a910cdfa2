import { registry } from "@web/core/registry";

// Refresh on the three stored reports a planner refreshes by hand: each click
// must reload the list (a new view controller), never open an error dialog.
function refreshSteps(report) {
    return [
        {
            content: `${report}: the Refresh button of the list`,
            trigger: ".o_list_view.o_view_controller button[name='action_refresh']",
            async run(helpers) {
                // Mark the controller: the reload after a successful refresh replaces it.
                document
                    .querySelector(".o_action_manager .o_view_controller")
                    .classList.add("o_prod_planning_before_refresh");
                await helpers.click();
            },
        },
        {
            content: `${report}: reloaded after Refresh, no error dialog`,
            trigger:
                "body:not(:has(.o_error_dialog)) .o_list_view.o_view_controller:not(.o_prod_planning_before_refresh)",
        },
    ];
}

registry.category("web_tour.tours").add("prod_planning_report_refresh_tour", {
    steps: () => [
        {
            content: "Capacity Load: switch to the list",
            trigger: ".o_pivot_view .o_switch_view.o_list",
            run: "click",
        },
        ...refreshSteps("Capacity Load"),
        {
            content: "Open the Scheduling menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Scheduling)",
            run: "click",
        },
        {
            content: "Open Production Rates",
            trigger: ".o-dropdown-item:contains(Production Rates)",
            run: "click",
        },
        {
            content: "Production Rates: switch to the list",
            trigger: ".o_graph_view:has(.o_breadcrumb:contains(Production Rates)) .o_switch_view.o_list",
            run: "click",
        },
        ...refreshSteps("Production Rates"),
        {
            content: "Open the Prices menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Prices)",
            run: "click",
        },
        {
            content: "Open Cost Impact",
            trigger: ".o-dropdown-item:contains(Cost Impact):not(:contains(Component))",
            run: "click",
        },
        {
            content: "Cost Impact: the list",
            trigger: ".o_list_view:has(.o_breadcrumb:contains(Cost Impact))",
        },
        ...refreshSteps("Cost Impact"),
    ],
});
