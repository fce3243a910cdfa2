import { registry } from "@web/core/registry";

// The planner's workbench: find a product, type a forecast for next week, see
// the plan answer (planned supply, projected on hand), replenish the block and
// find the request for quotation it created.
const BLOCK = ".o_pp_block:has(.o_pp_product:contains(Tour Workbench Board))";
const NEXT_WEEK = "td:nth-child(4)"; // label, past due, this week, next week
let projectedBefore;

function cell(line) {
    const block = [...document.querySelectorAll(".o_pp_block")].find((el) =>
        el.querySelector(".o_pp_product").textContent.includes("Tour Workbench Board")
    );
    return block.querySelector(`.o_pp_line_${line} ${NEXT_WEEK}`);
}

function cellText(line) {
    return cell(line).textContent.trim();
}

registry.category("web_tour.tours").add("prod_planning_workbench_tour", {
    steps: () => [
        {
            content: "The workbench opens with its grid",
            trigger: ".o_prod_planning_workbench .o_pp_table",
        },
        {
            content: "Search the product",
            trigger: ".o_pp_filter_search",
            run: "edit Tour Workbench Board",
        },
        {
            trigger: ".o_pp_filter_search",
            run: "press Enter",
        },
        {
            content: "Its block is the only one",
            trigger: `.o_pp_table:not(:has(.o_pp_block ~ .o_pp_block)) ${BLOCK}`,
            run() {
                projectedBefore = cellText("projected");
                if (projectedBefore !== "10") {
                    throw new Error(`projected on hand next week: expected 10 before the edit, got ${projectedBefore}`);
                }
            },
        },
        {
            content: "Type a forecast for next week",
            trigger: `${BLOCK} .o_pp_line_forecast ${NEXT_WEEK} input`,
            run: "edit 25",
        },
        {
            trigger: `${BLOCK} .o_pp_line_forecast ${NEXT_WEEK} input`,
            run: "press Enter",
        },
        {
            content: "Enter moved to the planned supply below",
            trigger: `${BLOCK} .o_pp_line_planned ${NEXT_WEEK} input:focus`,
        },
        {
            content: "The plan answered: planned supply for next week, projected on hand changed",
            trigger: `.o_pp_workbench_grid[data-saves='1'] ${BLOCK} .o_pp_line_forecast ${NEXT_WEEK}:not(.o_pp_invalid) input:value(25)`,
            run() {
                const planned = cell("planned").querySelector("input").value;
                if (planned === "0") {
                    throw new Error("no planned supply next week after the forecast");
                }
                const projected = cellText("projected");
                if (projected === projectedBefore) {
                    throw new Error(`projected on hand did not change (${projected})`);
                }
            },
        },
        {
            content: "Replenish the block",
            trigger: `${BLOCK} .o_pp_replenish`,
            run: "click",
        },
        {
            content: "The notification offers the RFQ",
            trigger: ".o_notification:contains(1 request(s) for quotation) .o_notification_buttons button:contains(Open RFQs)",
            run: "click",
        },
        {
            content: "The RFQ of the vendor is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Workbench Vendor)",
        },
        {
            content: "No error dialog",
            trigger: "body:not(:has(.o_error_dialog)) .o_list_view",
        },
    ],
});
