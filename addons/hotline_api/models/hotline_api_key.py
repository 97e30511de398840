# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

# "hlk_" + 8 characters looked up by index + the secret
KEY_PREFIX = "hlk_"
INDEX_LENGTH = 8
API_GROUPS = (
    "hotline_api.group_api_read",
    "hotline_api.group_api_business",
    "hotline_api.group_api_cases",
)


def _digest(key):
    # the keys are 256-bit random strings: a plain SHA-256 is enough (no
    # dictionary to slow down), and costs nothing per request
    return hashlib.sha256(key.encode()).hexdigest()


class HotlineApiKey(models.Model):
    """A key of the REST API for one integration user.

    The user's API groups (business system, read-only, cases) decide what the
    key may do; the key reaches the REST API only, unlike an Odoo API key of the
    user (XML-RPC with all their rights). Only a hash is stored: the key is shown
    once, when generated."""

    _name = "hotline.api.key"
    _description = "Hotline API key"
    _order = "name, id"

    name = fields.Char(required=True, help="Which system uses the key.")
    user_id = fields.Many2one(
        "res.users",
        string="Integration user",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("share", "=", False)],
        help="The API runs as this user (its company; chatter messages and "
        "created records name it); its API groups give the key its role.",
    )
    company_id = fields.Many2one(related="user_id.company_id")
    active = fields.Boolean(default=True)
    key_index = fields.Char(readonly=True, index=True, copy=False)
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    rate_limit = fields.Integer(
        string="Requests per minute",
        default=120,
        required=True,
        help="Requests the key may send per minute (bursts up to this number); "
        "more are answered 429 with Retry-After. Counted per Odoo worker.",
    )
    role_names = fields.Char(compute="_compute_role_names", string="API roles")

    _sql_constraints = [
        (
            "rate_limit_positive",
            "CHECK(rate_limit > 0)",
            "The rate limit must be positive.",
        )
    ]

    @api.depends("user_id.groups_id")
    def _compute_role_names(self):
        groups = self.env["res.groups"]
        for xmlid in API_GROUPS:
            groups |= self.env.ref(xmlid)
        for key in self:
            key.role_names = ", ".join((key.user_id.groups_id & groups).mapped("name"))

    def _hotline_generate(self):
        """A new secret for this key (the old one stops working): the plain key,
        to be shown once."""
        self.ensure_one()
        index = secrets.token_hex(INDEX_LENGTH // 2)
        key = f"{KEY_PREFIX}{index}{secrets.token_urlsafe(32)}"
        self.sudo().write({"key_index": index, "key_hash": _digest(key)})
        return key

    def action_generate_key(self):
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_admin"):
            raise UserError(self.env._("Only Hotline admins generate API keys."))
        key = self._hotline_generate()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("API key for %s", self.name),
                "message": self.env._(
                    "Copy the key now, it is not shown again: %s", key
                ),
                "sticky": True,
                "type": "warning",
            },
        }

    @api.model
    def _hotline_authenticate(self, key):
        """The active key record of the plain ``key``, or an empty recordset."""
        Key = self.sudo()
        if not key or not key.startswith(KEY_PREFIX):
            return Key.browse()
        index = key[len(KEY_PREFIX) : len(KEY_PREFIX) + INDEX_LENGTH]
        digest = _digest(key)
        for candidate in Key.search([("key_index", "=", index)]):
            if (
                candidate.key_hash
                and hmac.compare_digest(candidate.key_hash, digest)
                and candidate.user_id.active
            ):
                return candidate
        return Key.browse()
