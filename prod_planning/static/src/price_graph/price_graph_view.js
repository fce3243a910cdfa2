import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * Prices move by a few percent around a level far from zero: the y axis of
 * the price history fits the prices instead of starting at zero, as Odoo's
 * graph does, so that a rise from 4.00 to 4.20 shows.
 */
export class PriceGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        if (scales.y) {
            scales.y.beginAtZero = false;
            delete scales.y.suggestedMin;
            delete scales.y.suggestedMax;
        }
        return scales;
    }
}

export const priceGraphView = {
    ...graphView,
    Renderer: PriceGraphRenderer,
};

registry.category("views").add("prod_planning_price_graph", priceGraphView);
