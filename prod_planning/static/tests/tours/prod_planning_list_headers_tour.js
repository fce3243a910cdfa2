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
 * The header labels of the lists on screen (``scope``: their container) that
 * are cut (scrollWidth above clientWidth), as "where: label (shown of needed px)".
 */
function cutHeaders(scope, where) {
    const spans = document.querySelectorAll(`${scope} .o_list_table thead th span.text-truncate`);
    return [...spans]
        .filter((span) => span.offsetParent && span.scrollWidth > span.clientWidth)
        .map((span) => `${where}: "${span.textContent.trim()}" (${span.clientWidth} of ${span.scrollWidth} px)`);
}

function settle() {
    // the column widths are set after the first render
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100)));
}

/**
 * The form on screen (in ``scope``: the action manager or a dialog) and each
 * page of its notebook: the cut headers into ``cut``.
 */
async function checkForm(path, cut, scope = ".o_action_manager") {
    await waitFor(() => document.querySelector(`${scope} .o_form_view .o_form_renderer`), `the form of ${path}`);
    await settle();
    cut.push(...cutHeaders(`${scope} .o_form_view`, `${path} (form)`));
    const tabs = document.querySelectorAll(`${scope} .o_form_view .o_notebook_headers .nav-link`);
    for (const tab of tabs) {
        tab.click();
        await settle();
        cut.push(...cutHeaders(`${scope} .o_form_view`, `${path} (form, ${tab.textContent.trim()})`));
    }
}

/**
 * Headers that fit: each list window action of the addon (in
 * window.prodPlanningListActions, {id: [menu path, id of a record or 0]}, set
 * by the test) opened in its list view at the browser's width, then the
 * record's form with each page of its notebook, then the forms the actions
 * of window.prodPlanningForms ([[name, action]]) open, a dialog's included
 * (a schedule preview, the release wizard); a header whose label is cut fails
 * the tour, all of them named at once at the end.
 */
registry.category("web_tour.tours").add("prod_planning_list_headers_tour", {
    steps: () => {
        const actions = Object.entries(window.prodPlanningListActions || {});
        const forms = window.prodPlanningForms || [];
        const cut = [];
        return [
            ...actions.map(([actionId, [path, resId]]) => ({
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
                    await settle();
                    cut.push(...cutHeaders(".o_action_manager .o_list_view", path));
                    if (!resId) {
                        return;
                    }
                    await actionService.doAction(Number(actionId), {
                        viewType: "form",
                        props: { resId },
                        clearBreadcrumbs: true,
                    });
                    await checkForm(path, cut);
                },
            })),
            ...forms.map(([name, action]) => ({
                content: `The headers of ${name}`,
                trigger: ".o_main_navbar",
                timeout: 60000,
                async run() {
                    const actionService = odoo.__WOWL_DEBUG__.root.env.services.action;
                    await actionService.doAction(action, { clearBreadcrumbs: action.target !== "new" });
                    await checkForm(name, cut, action.target === "new" ? ".o_dialog" : ".o_action_manager");
                },
            })),
            {
                content: "No header cut, no error dialog",
                trigger: "body:not(:has(.o_error_dialog)) .o_action_manager",
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
