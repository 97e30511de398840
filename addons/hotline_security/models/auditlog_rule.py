# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models, tools

HIDDEN = "(hidden)"
# res.users' check boxes and selections of groups write groups_id
GROUP_KEYS = re.compile(r"^(in_group_\d+|sel_groups_[\d_]+)$")


def _written_fields(records, vals):
    names = set(vals)
    if records._name == "res.users" and any(GROUP_KEYS.match(k) for k in names):
        names.add("groups_id")
    return names


class AuditlogRule(models.Model):
    _inherit = "auditlog.rule"

    hotline_field_ids = fields.Many2many(
        "ir.model.fields",
        "hotline_security_auditlog_rule_field_rel",
        "rule_id",
        "field_id",
        string="Only these fields",
        domain="[('model_id', '=', model_id)]",
        help="Log only changes of these fields (empty: every field).",
    )
    hotline_masked_field_ids = fields.Many2many(
        "ir.model.fields",
        "hotline_security_auditlog_rule_masked_rel",
        "rule_id",
        "field_id",
        string="Log without the value",
        domain="[('model_id', '=', model_id)]",
        help="A change of these fields is logged, their values never (PINs, secrets).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()  # _hotline_rule_fields
        return rules

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def write(self, vals):
        # the fields a rule watches are read when its model's write is patched
        # (_make_write): patch it again
        repatch = "hotline_field_ids" in vals
        subscribed = self.filtered(lambda rule: rule.state == "subscribed")
        if repatch:
            subscribed._revert_methods()
        result = super().write(vals)
        if {"hotline_field_ids", "hotline_masked_field_ids", "model_id"} & set(vals):
            self.env.registry.clear_cache()  # _hotline_rule_fields
        if repatch:
            subscribed._register_hook()
        return result

    def _make_write(self):
        """A write that touches none of the rule's fields goes straight to the
        model: auditlog would read every stored field before and after it (the
        connector writes the agent's state on res.users at every ring)."""
        logged = super()._make_write()
        only = frozenset(self.hotline_field_ids.mapped("name"))
        if not only:
            return logged

        def write_hotline(records, vals, **kwargs):
            logged.origin = write_hotline.origin
            if only.isdisjoint(_written_fields(records, vals)):
                return write_hotline.origin(records, vals, **kwargs)
            return logged(records, vals, **kwargs)

        return write_hotline

    def get_auditlog_fields(self, model):
        names = super().get_auditlog_fields(model)
        model_id = self.pool._auditlog_model_cache.get(model._name)
        only = self._hotline_rule_fields(model_id)[0] if model_id else set()
        return [name for name in names if name in only] if only else names

    @tools.ormcache("model_id")
    def _hotline_rule_fields(self, model_id):
        """The rule's logged and masked field names, read once per model (they
        are asked for every line of every log)."""
        rule = self.sudo().search([("model_id", "=", model_id)], limit=1)
        return (
            frozenset(rule.hotline_field_ids.mapped("name")),
            frozenset(rule.hotline_masked_field_ids.mapped("name")),
        )

    def _hotline_keep(self, log_vals, fields_list):
        only, _masked = self._hotline_rule_fields(log_vals["model_id"])
        return [name for name in fields_list if not only or name in only]

    def _hotline_mask(self, log_vals, field, vals):
        _only, masked = self._hotline_rule_fields(log_vals["model_id"])
        if field["name"] in masked:
            for key in ("old_value", "new_value", "old_value_text", "new_value_text"):
                vals[key] = HIDDEN if vals.get(key) else False
        return vals

    def _create_log_line_on_write(
        self, log_vals, fields_list, old_values, new_values, fields_to_exclude
    ):
        return super()._create_log_line_on_write(
            log_vals,
            self._hotline_keep(log_vals, fields_list),
            old_values,
            new_values,
            fields_to_exclude,
        )

    def _create_log_line_on_create(
        self, log_vals, fields_list, new_values, fields_to_exclude
    ):
        return super()._create_log_line_on_create(
            log_vals,
            self._hotline_keep(log_vals, fields_list),
            new_values,
            fields_to_exclude,
        )

    def _prepare_log_line_vals_on_write(self, log_vals, field, old_values, new_values):
        vals = super()._prepare_log_line_vals_on_write(
            log_vals, field, old_values, new_values
        )
        return self._hotline_mask(log_vals, field, vals)

    def _prepare_log_line_vals_on_create(self, log_vals, field, new_values):
        vals = super()._prepare_log_line_vals_on_create(log_vals, field, new_values)
        return self._hotline_mask(log_vals, field, vals)

    def _prepare_log_line_vals_on_read(self, log_vals, field, read_values):
        vals = super()._prepare_log_line_vals_on_read(log_vals, field, read_values)
        return self._hotline_mask(log_vals, field, vals)
