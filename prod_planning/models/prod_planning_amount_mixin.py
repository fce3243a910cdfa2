from odoo import api, models

from ..tools import rpc_arguments


class ProdPlanningAmountMixin(models.AbstractModel):
    """Refuses infinity, NaN and amounts beyond ±1e12 in the fields named by
    ``_amount_fields``, on create and write, before Odoo's rounding fails on
    them (see ``rpc_arguments.check_amount_vals``)."""

    _name = "prod.planning.amount.mixin"
    _description = "Bounded Amounts"
    _amount_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        rpc_arguments.check_amount_vals(self.env, self, vals_list, self._amount_fields)
        return super().create(vals_list)

    def write(self, vals):
        rpc_arguments.check_amount_vals(self.env, self, [vals], self._amount_fields)
        return super().write(vals)
