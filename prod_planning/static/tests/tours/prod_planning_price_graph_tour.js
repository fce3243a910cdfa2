import { registry } from "@web/core/registry";

// The price history graph fits its y axis to the prices: with prices from
// 4.00 to 5.00 the axis must not start at zero (Odoo's graphs do).
registry.category("web_tour.tours").add("prod_planning_price_graph_tour", {
    steps: () => [
        {
            content: "The price history is a line graph",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run() {
                const canvas = document.querySelector(".o_graph_view .o_graph_canvas_container canvas");
                const chart = window.Chart.getChart(canvas);
                if (!chart || chart.config.type !== "line") {
                    throw new Error(`expected a line chart, got ${chart && chart.config.type}`);
                }
                const y = chart.scales.y;
                if (!(y.min > 0)) {
                    throw new Error(`the y axis starts at ${y.min}, not above zero`);
                }
                if (y.options.stacked) {
                    throw new Error("the price lines are stacked");
                }
            },
        },
        {
            content: "No error dialog",
            trigger: "body:not(:has(.o_error_dialog)) .o_graph_view",
        },
    ],
});
