"""Split a company's warehouses into independent planning units.

Two warehouses that supply each other (a resupply route, an inter-warehouse
transfer rule) must be planned together: the demand of one is the supply of
the other. Warehouses without such a link are independent and can be planned
by separate workers at the same time. Plain data in, plain data out.
"""


def split_units(warehouse_ids, links=()):
    """Group ``warehouse_ids`` into units connected by ``links``.

    ``links`` are ``(warehouse id, warehouse id)`` pairs (either direction);
    pairs naming a warehouse outside ``warehouse_ids`` are ignored. Returns a
    list of sorted lists of ids, ordered by their smallest id, so that the
    split of the same warehouses is always the same.
    """
    parent = {wh_id: wh_id for wh_id in warehouse_ids}

    def find(wh_id):
        root = wh_id
        while parent[root] != root:
            root = parent[root]
        while parent[wh_id] != root:  # path compression
            parent[wh_id], wh_id = root, parent[wh_id]
        return root

    for first, second in links:
        if first not in parent or second not in parent:
            continue
        root_first, root_second = find(first), find(second)
        if root_first != root_second:
            parent[max(root_first, root_second)] = min(root_first, root_second)
    units = {}
    for wh_id in parent:
        units.setdefault(find(wh_id), []).append(wh_id)
    return sorted((sorted(unit) for unit in units.values()), key=lambda unit: unit[0])
