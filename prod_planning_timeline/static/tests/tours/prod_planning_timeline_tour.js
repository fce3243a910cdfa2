import { registry } from "@web/core/registry";

// From a computed schedule preview, open its timeline: one row per work
// center, one bar per work order.
registry.category("web_tour.tours").add("prod_planning_timeline_tour", {
    steps: () => [
        {
            content: "The preview is computed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Preview)",
        },
        {
            content: "Open the timeline",
            trigger: "button[name='action_open_timeline']",
            run: "click",
        },
        {
            content: "A row per work center",
            trigger: ".oe_timeline_view .vis-label:contains(Tour Saw)",
        },
        {
            content: "A bar per work order",
            trigger: ".oe_timeline_view .vis-item:contains(Tour Cut)",
        },
        {
            content: "The second work center's bar",
            trigger: ".oe_timeline_view .vis-item:contains(Tour Weld)",
        },
    ],
});
