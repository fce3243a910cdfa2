import { registry } from "@web/core/registry";

function waitFor(predicate, what, timeout = 20000) {
    return new Promise((resolve, reject) => {
        const start = Date.now();
        const check = () => {
            const found = predicate();
            if (found) {
                resolve(found);
            } else if (Date.now() - start > timeout) {
                reject(new Error(`timeout waiting for ${what}`));
            } else {
                setTimeout(check, 50);
            }
        };
        check();
    });
}

/**
 * The header labels of the list on screen that are cut (scrollWidth above
 * clientWidth), as "path: label (shown of needed px)".
 */
function cutHeaders(path) {
    const spans = document.querySelectorAll(
        ".o_action_manager .o_list_view .o_list_table thead th span.text-truncate"
    );
    return [...spans]
        .filter((span) => span.scrollWidth > span.clientWidth)
        .map((span) => `${path}: "${span.textContent.trim()}" (${span.clientWidth} of ${span.scrollWidth} px)`);
}

/**
 * Headers that fit: each list window action of the addon (their ids in
 * window.prodPlanningListActions, {id: menu path}, set by the test) opened in
 * its list view at the browser's width; a header whose label is cut fails
 * the tour, all of them named at once at the end.
 */
registry.category("web_tour.tours").add("prod_planning_list_headers_tour", {
    steps: () => {
        const actions = Object.entries(window.prodPlanningListActions || {});
        const cut = [];
        return [
            ...actions.map(([actionId, path]) => ({
                content: `The headers of ${path}`,
                trigger: ".o_main_navbar",
                timeout: 60000,
                async run() {
                    const actionService = odoo.__WOWL_DEBUG__.root.env.services.action;
                    await actionService.doAction(Number(actionId), { viewType: "list", clearBreadcrumbs: true });
                    await waitFor(
                        () => document.querySelector(".o_action_manager .o_list_view .o_list_table thead th"),
                        `the list of ${path}`
                    );
                    // the column widths are set after the first render
                    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100)));
                    cut.push(...cutHeaders(path));
                },
            })),
            {
                content: "No header cut, no error dialog",
                trigger: "body:not(:has(.o_error_dialog)) .o_list_view",
                run() {
                    if (!actions.length) {
                        throw new Error("no list action given to the tour");
                    }
                    if (cut.length) {
                        throw new Error(`truncated column headers:\n${cut.join("\n")}`);
                    }
                },
            },
        ];
    },
});
