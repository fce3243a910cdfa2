import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphModel, SEP } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

// The measure drawn as dashed lines, and the measures in hours it is drawn
// against (a load in % or a count has another unit: no line then).
export const AVAILABLE_MEASURE = "available_hours";
export const HOUR_MEASURES = ["load_hours", "workorder_hours", "planned_hours"];

/**
 * Capacity load: the load bars of each work center with, beside them, the
 * available hours of the same work center as a dashed line of its colour.
 * The available hours are read with the same grouping as the bars (one more
 * read_group of the available hours) and kept apart from the model's
 * datasets, so the bars, their totals and their clicks stay Odoo's.
 */
export class CapacityGraphModel extends GraphModel {
    setup() {
        super.setup(...arguments);
        this.availableDataPoints = [];
        this.availableDatasets = [];
    }

    /** Whether the current measure is drawn against the available hours. */
    showsAvailable(metaData = this.metaData) {
        return (
            metaData.mode !== "pie" &&
            HOUR_MEASURES.includes(metaData.measure) &&
            AVAILABLE_MEASURE in metaData.fields
        );
    }

    async _fetchDataPoints(metaData, forceUseAllDataPoints = false) {
        const available = this.showsAvailable(metaData)
            ? this._loadDataPoints({ ...metaData, measure: AVAILABLE_MEASURE, cumulatedStart: false })
            : Promise.resolve([[]]);
        const [[dataPoints], [availableDataPoints]] = await this.keepLast.add(
            Promise.all([this._loadDataPoints(metaData), available])
        );
        this.dataPoints = dataPoints;
        this.availableDataPoints = availableDataPoints;
        this.metaData = metaData;
        this._prepareData(forceUseAllDataPoints);
    }

    _prepareData(forceUseAllDataPoints = false) {
        super._prepareData(forceUseAllDataPoints);
        this.availableDatasets = this.showsAvailable() ? this._getAvailableDatasets() : [];
    }

    /**
     * One dataset of available hours per dataset of bars (per work center
     * when grouped by date and work center), on the bars' x labels.
     */
    _getAvailableDatasets() {
        const { labels, datasets } = this.data;
        const labelIndex = Object.fromEntries(labels.map((label, index) => [label, index]));
        const byLabel = {};
        for (const dataPt of this.availableDataPoints) {
            const x = dataPt.labels.slice(0, 1);
            const index = labelIndex[x.length ? x.join(SEP) : _t("Total")];
            const barsLabel = dataPt.labels.slice(1).join(SEP) || this.metaData.measures[this.metaData.measure].string;
            if (index === undefined || !datasets.some((dataset) => dataset.label === barsLabel)) {
                continue;
            }
            if (!byLabel[barsLabel]) {
                byLabel[barsLabel] = {
                    label: dataPt.labels.length > 1 ? _t("%s (available)", barsLabel) : _t("Available"),
                    barsLabel,
                    isAvailable: true,
                    data: new Array(labels.length).fill(0),
                    trueLabels: [...labels],
                    domains: new Array(labels.length).fill([]),
                    currencyIds: new Array(labels.length).fill(),
                };
            }
            byLabel[barsLabel].data[index] = dataPt.value;
            byLabel[barsLabel].domains[index] = dataPt.domain;
        }
        return Object.values(byLabel);
    }
}

export class CapacityGraphRenderer extends GraphRenderer {
    getBarChartData() {
        return this._withAvailable(super.getBarChartData(), "backgroundColor");
    }

    getLineChartData() {
        if (this.model.metaData.cumulated) {
            return super.getLineChartData();
        }
        return this._withAvailable(super.getLineChartData(), "borderColor");
    }

    /** The chart's data with the available hours as dashed lines. */
    _withAvailable(data, colorKey) {
        const available = this.model.availableDatasets;
        if (!available.length) {
            return data;
        }
        const shift = data.labels.length - this.model.data.labels.length; // line charts pad one point
        const lines = available.map((dataset) => {
            const bars = data.datasets.find((bar) => bar.label === dataset.barsLabel);
            const color = (bars && bars[colorKey]) || "#495057";
            const pad = (values) => [...new Array(shift > 0 ? shift / 2 : 0).fill(undefined), ...values];
            return {
                ...dataset,
                data: pad(dataset.data),
                trueLabels: pad(dataset.trueLabels),
                domains: pad(dataset.domains),
                type: "line",
                order: -1,
                fill: false,
                tension: 0,
                borderColor: color,
                backgroundColor: color,
                pointBackgroundColor: color,
                borderDash: [6, 4],
                borderWidth: 2,
                pointStyle: "line",
                pointRadius: 8,
                pointHoverRadius: 10,
                pointHitRadius: 12,
            };
        });
        return { ...data, datasets: [...data.datasets, ...lines] };
    }

    getTooltipItems(data, metaData, tooltipModel) {
        // Odoo's tooltip reads the model's datasets: give it the chart's,
        // which hold the available hours too.
        return super.getTooltipItems({ ...data, datasets: this.chart.data.datasets }, metaData, tooltipModel);
    }
}

export const capacityGraphView = {
    ...graphView,
    Model: CapacityGraphModel,
    Renderer: CapacityGraphRenderer,
};

registry.category("views").add("prod_planning_capacity_graph", capacityGraphView);
