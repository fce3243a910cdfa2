import { registry } from "@web/core/registry";

// The planner's main flow: run the plan, look at the grid, firm and release a
// planned order.
registry.category("web_tour.tours").add("prod_planning_tour", {
    steps: () => [
        {
            content: "Create a planning run",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Run the plan",
            trigger: "button[name='action_queue']:contains(Run Plan)",
            run: "click",
        },
        {
            content: "The run is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Open the Plan menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Plan)",
            run: "click",
        },
        {
            content: "Open the planning grid",
            trigger: ".o-dropdown-item:contains(Planning Grid)",
            run: "click",
        },
        {
            content: "The grid shows products by week",
            trigger: ".o_pivot .o_pivot_header_cell_closed, .o_pivot th.o_pivot_header_cell_opened",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains(Plan)",
            run: "click",
        },
        {
            content: "Open the planned orders",
            trigger: ".o-dropdown-item:contains(Planned Orders)",
            run: "click",
        },
        {
            content: "Open the first planned order",
            trigger: ".o_list_renderer .o_data_row:first td.o_data_cell:first",
            run: "click",
        },
        {
            content: "Firm it",
            trigger: ".o_form_view button[name='action_firm']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Firm)",
        },
        {
            content: "Release it",
            trigger: ".o_form_view button[name='action_release']",
            run: "click",
        },
        {
            content: "It is released",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Released)",
        },
    ],
});
