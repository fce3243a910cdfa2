import { registry } from "@web/core/registry";

function getChart() {
    const canvas = document.querySelector(".o_graph_view .o_graph_canvas_container canvas");
    return canvas && window.Chart.getChart(canvas);
}

// Capacity load in hours against available hours: beside the load bars of the
// work center "Tour Press" (22 h in the week), its available hours (16 h) are
// drawn as a dashed line of their own, named in the legend, and nothing is
// stacked.
registry.category("web_tour.tours").add("prod_planning_capacity_graph_tour", {
    steps: () => [
        {
            content: "The capacity load is a bar graph with the available hours beside the load",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run() {
                const chart = getChart();
                if (!chart || chart.config.type !== "bar") {
                    throw new Error(`expected a bar chart, got ${chart && chart.config.type}`);
                }
                const datasets = chart.data.datasets;
                const bars = datasets.find((dataset) => dataset.label === "Tour Press");
                const line = datasets.find((dataset) => dataset.label === "Tour Press (available)");
                if (!bars || !line) {
                    throw new Error(`load or available hours missing: ${datasets.map((d) => d.label)}`);
                }
                if (JSON.stringify(bars.data) !== "[22]" || JSON.stringify(line.data) !== "[16]") {
                    throw new Error(`load ${bars.data}, available ${line.data}: expected 22 and 16`);
                }
                if (line.type !== "line" || !(line.borderDash && line.borderDash.length)) {
                    throw new Error("the available hours are not a dashed line");
                }
                const legend = chart.legend.legendItems.map((item) => item.text);
                if (!legend.includes("Tour Press (available)")) {
                    throw new Error(`the legend does not name the available hours: ${legend}`);
                }
                if (chart.options.scales.x.stacked || chart.options.scales.y.stacked || "stack" in bars) {
                    throw new Error("the load bars are stacked");
                }
                // Hover the available hours: the tooltip names them.
                const index = datasets.indexOf(line);
                const point = chart.getDatasetMeta(index).data[0];
                chart.tooltip.setActiveElements([{ datasetIndex: index, index: 0 }], {
                    x: point.x,
                    y: point.y,
                });
                chart.update();
            },
        },
        {
            content: "The tooltip of the available hours",
            trigger: ".o_graph_custom_tooltip:contains(Tour Press (available))",
        },
        {
            content: "No error dialog",
            trigger: "body:not(:has(.o_error_dialog)) .o_graph_view",
        },
    ],
});
