"""Column headers that fit: every list of the addon labels its columns in a
few words (a short ``string=`` in the list when the field's label is long)."""

from lxml import etree

from odoo.tests import TransactionCase, tagged

MODULES = ("prod_planning", "prod_planning_timeline")
# A header of more than this many characters is cut at a normal width.
MAX_LABEL = 18
HIDDEN = ("1", "True", "true")


def list_model(env, node, model):
    """The model whose records the ``<list>`` ``node`` shows: the view's, or
    the comodel of the x2many field(s) it is embedded in."""
    for ancestor in reversed(list(node.iterancestors("field"))):
        field = env[model]._fields.get(ancestor.get("name"))
        if field is None or not field.relational:
            return None
        model = field.comodel_name
    return model


def column_labels(env, arch, model, names=None):
    """``[(list model, field name, label)]`` of the columns of every list of
    ``arch`` (only the fields in ``names`` when given)."""
    labels = []
    for list_node in arch.iter("list"):
        target = list_model(env, list_node, model)
        if target is None:
            continue
        fields = env[target].fields_get(attributes=["string"])
        for node in list_node.iterchildren("field"):
            name = node.get("name")
            if names is not None and name not in names:
                continue
            if node.get("column_invisible") in HIDDEN or node.get("nolabel") in HIDDEN:
                continue
            if node.get("widget") == "handle":
                continue
            labels.append((target, name, node.get("string") or fields.get(name, {}).get("string") or name))
    return labels


@tagged("post_install", "-at_install")
class TestListHeaders(TransactionCase):
    def _addon_views(self):
        data = self.env["ir.model.data"].search([("module", "in", MODULES), ("model", "=", "ir.ui.view")])
        return self.env["ir.ui.view"].browse(data.mapped("res_id")).exists()

    def test_column_labels_are_short(self):
        """Each column label of the addon's lists (its own list views, the lists
        in its forms and the columns it adds to other addons' lists) has at most
        MAX_LABEL characters."""
        too_long = []
        checked = 0
        for view in self._addon_views():
            if view.mode == "primary":
                arch = etree.fromstring(view.get_combined_arch())
                labels = column_labels(self.env, arch, view.model)
            else:
                # An extension: the columns it adds, in the combined view it extends.
                added = {
                    node.get("name")
                    for node in etree.fromstring(view.arch_db).iter("field")
                    if node.get("position") is None and node.getparent() is not None
                }
                root = view
                while root.mode != "primary" and root.inherit_id:
                    root = root.inherit_id
                if not added or root.mode != "primary":
                    continue
                labels = column_labels(self.env, etree.fromstring(root.get_combined_arch()), root.model, added)
            checked += len(labels)
            too_long += [
                f"{view.xml_id} ({model}.{name}): {label!r}" for model, name, label in labels if len(label) > MAX_LABEL
            ]
        self.assertGreater(checked, 100, "the lists of the addon were not found")
        if too_long:
            self.fail(
                f"column labels longer than {MAX_LABEL} characters (give the field a short string= in the list):\n"
                + "\n".join(sorted(set(too_long)))
            )
