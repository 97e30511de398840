# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hotline_ivr_prompt import IVR_LANGUAGES

NODE_TYPES = [
    ("play", "Play prompt"),
    ("menu", "Menu (DTMF keys)"),
    ("collect", "Collect digits"),
    ("language", "Switch language"),
    ("condition", "Condition"),
    ("lookup", "Customer lookup"),
    ("subflow", "Sub-flow"),
    ("return", "Return from sub-flow"),
    ("transfer", "Transfer"),
    ("voicemail", "Voicemail"),
    ("survey", "Satisfaction rating"),
    ("service", "Business query"),
    ("notices", "Notices"),
    ("fax_on_demand", "Fax on demand"),
    ("hangup", "Hang up"),
]
CONDITION_TYPES = [
    ("business_hours", "Business hours"),
    ("vip", "Caller is VIP"),
    ("category", "Caller category"),
    ("known_caller", "Caller is a known customer"),
    ("blacklist", "Blacklisted number"),
    ("did", "Number dialled (DID)"),
    ("language", "Caller's language"),
    ("first_contact", "Called within N days (first contact)"),
]
# outcome of each condition/lookup mapped to the node's branch field
BRANCH_OUTCOMES = {
    "business_hours": {"open": "then_node_id", "closed": "else_node_id"},
    "blacklist": {
        "warn": "then_node_id",
        "none": "else_node_id",
        "refuse": "refuse_node_id",
    },
    "lookup": {"found": "then_node_id", "not_found": "else_node_id"},
}
DEFAULT_OUTCOMES = {"true": "then_node_id", "false": "else_node_id"}


class HotlineIvrNode(models.Model):
    """One step of an IVR flow."""

    _name = "hotline.ivr.node"
    _description = "IVR Node"
    _inherit = ["hotline.company.guard"]
    _order = "flow_id, sequence, id"

    flow_id = fields.Many2one(
        "hotline.ivr.flow", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="flow_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    node_type = fields.Selection(
        NODE_TYPES, string="Node type", required=True, default="play"
    )
    prompt_id = fields.Many2one("hotline.ivr.prompt", check_company=True)
    next_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="Then go to",
        domain="[('flow_id', '=', flow_id), ('id', '!=', id)]",
        ondelete="set null",
        check_company=True,
    )
    on_fail_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="After the last retry / overflow",
        domain="[('flow_id', '=', flow_id), ('id', '!=', id)]",
        ondelete="set null",
        help="Menus and digits: where the caller goes after the last retry (the "
        "flow's fallback when empty). Transfers: the overflow when nobody answers "
        "within the maximum wait.",
        check_company=True,
    )
    # menu / collect / survey
    option_ids = fields.One2many("hotline.ivr.node.option", "node_id", string="Keys")
    timeout = fields.Integer(
        string="Timeout (s)", default=5, help="Seconds to wait for the caller's keys."
    )
    retries_no_input = fields.Integer(string="Retries on no input", default=2)
    retries_invalid = fields.Integer(string="Retries on invalid input", default=2)
    no_input_prompt_id = fields.Many2one(
        "hotline.ivr.prompt", string="No input prompt", check_company=True
    )
    invalid_prompt_id = fields.Many2one(
        "hotline.ivr.prompt", string="Invalid key prompt", check_company=True
    )
    min_digits = fields.Integer(default=1)
    max_digits = fields.Integer(default=11)
    terminator = fields.Selection([("#", "#"), ("*", "*")], default="#")
    decimal_star = fields.Boolean(
        string="* is a decimal point",
        help="Digits: the caller may type * as a decimal point (a meter reading "
        "1234*5 is 1234.5); the business query reading the digits checks them. "
        "The digits then end with #.",
    )
    variable_name = fields.Char(default="digits")
    thanks_prompt_id = fields.Many2one(
        "hotline.ivr.prompt", string="Thank-you prompt", check_company=True
    )
    # language
    language = fields.Selection(IVR_LANGUAGES)
    # condition / lookup
    condition_type = fields.Selection(CONDITION_TYPES)
    condition_value = fields.Char(
        help="DID numbers (comma separated), language code, customer category "
        "or number of days, depending on the condition."
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business hours",
        help="Working times, public holidays and days off; empty: the flow's calendar.",
        check_company=True,
    )
    lookup_source = fields.Selection(
        [("caller", "Caller's number"), ("variable", "Digits the caller typed")],
        default="caller",
    )
    then_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="If true / open / found / warn",
        domain="[('flow_id', '=', flow_id), ('id', '!=', id)]",
        ondelete="set null",
        check_company=True,
    )
    else_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="If false / closed / not found / not listed",
        domain="[('flow_id', '=', flow_id), ('id', '!=', id)]",
        ondelete="set null",
        check_company=True,
    )
    refuse_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="If refused (blacklist)",
        domain="[('flow_id', '=', flow_id), ('id', '!=', id)]",
        ondelete="set null",
        check_company=True,
    )
    # sub-flow
    subflow_id = fields.Many2one(
        "hotline.ivr.flow", string="Sub-flow", ondelete="restrict", check_company=True
    )
    # transfer
    target_type = fields.Selection(
        [
            ("queue", "Queue"),
            ("agent", "Agent"),
            ("external", "External number"),
            ("mobile", "Mobile phone"),
        ],
        default="queue",
    )
    queue_id = fields.Many2one("hotline.queue", ondelete="restrict", check_company=True)
    vip_queue_id = fields.Many2one(
        "hotline.queue", string="VIP queue", ondelete="restrict", check_company=True
    )
    agent_id = fields.Many2one("res.users", string="Agent (duty agent)")
    external_number = fields.Char()
    max_wait = fields.Integer(
        string="Maximum wait (s)",
        help="Seconds in the queue before the overflow; 0: wait until answered.",
    )
    priority = fields.Integer(help="Queue priority of callers coming this way.")
    first_contact_days = fields.Integer(
        string="First contact (days)",
        help="Callers who called within this many days go first to the agent who "
        "served them when that agent is free (首问负责制). 0: off.",
    )
    check_blacklist = fields.Boolean(
        help="Play the blacklist warning, or refuse, before queueing."
    )
    # blacklist (transfer with check, or blacklist condition): never silent
    warn_prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Blacklist warning prompt",
        default=lambda self: self._default_blacklist_prompt("warning"),
        help="Played to a caller whose number is listed with a warning, before "
        "the call goes on.",
        check_company=True,
    )
    refuse_prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Refusal prompt",
        default=lambda self: self._default_blacklist_prompt("refused"),
        help="Played to a caller whose number is refused, before the hang-up "
        "(or the refusal branch).",
        check_company=True,
    )
    # voicemail
    mailbox = fields.Char(help="Asterisk mailbox, e.g. 100@default.")
    # fax on demand: the document faxed to the number typed in a collect node
    # (variable_name)
    fax_document_id = fields.Many2one(
        "ir.attachment",
        string="Fax document",
        domain=[("mimetype", "=", "application/pdf")],
        help="The PDF faxed to the number the caller typed.",
    )
    fax_box_id = fields.Many2one(
        "hotline.fax.box",
        string="Fax from box",
        check_company=True,
        help="The fax box the document is sent from (station ID, retries).",
    )
    # business query (service)
    service_code = fields.Selection(
        selection="_selection_service_code",
        string="Service",
        help="Business query run with the digits collected earlier in the call "
        "(e.g. a case number and its query code); its outcome picks the branch, "
        "'Then go to' for any other outcome.",
    )
    service_outcomes = fields.Char(
        compute="_compute_service_outcomes",
        string="Outcomes",
        help="Outcomes the service may answer, one branch each.",
    )

    @api.constrains(
        "node_type",
        "prompt_id",
        "next_node_id",
        "on_fail_node_id",
        "then_node_id",
        "else_node_id",
        "refuse_node_id",
        "condition_type",
        "queue_id",
        "agent_id",
        "external_number",
        "subflow_id",
        "service_code",
        "check_blacklist",
        "warn_prompt_id",
        "refuse_prompt_id",
    )
    def _check_flow_graph(self):
        if not self.env.context.get("hotline_flow_write"):
            self.flow_id.filtered(
                lambda f: f.state == "published"
            )._hotline_check_graph()

    @api.constrains("node_type", "fax_document_id", "fax_box_id")
    def _check_fax_on_demand(self):
        for node in self.filtered(lambda n: n.node_type == "fax_on_demand"):
            if not node.fax_document_id or not node.fax_box_id:
                raise ValidationError(
                    self.env._(
                        "Fax on demand node %s needs the document and the fax box.",
                        node.name,
                    )
                )
            if node.fax_document_id.mimetype != "application/pdf":
                raise ValidationError(
                    self.env._(
                        "Fax on demand node %s: the document must be a PDF.", node.name
                    )
                )

    @api.constrains("node_type", "decimal_star", "terminator")
    def _check_decimal_star(self):
        for node in self:
            if (
                node.node_type == "collect"
                and node.decimal_star
                and node.terminator != "#"
            ):
                raise ValidationError(
                    self.env._(
                        "Node %s: with * as a decimal point the digits end with #.",
                        node.name,
                    )
                )

    @api.model
    def _default_blacklist_prompt(self, kind):
        """The shipped blacklist prompt (data/hotline_ivr_prompt_data.xml),
        when it is the current company's (another company records its own)."""
        prompt = self.env.ref(
            f"hotline_callcenter.hotline_ivr_prompt_blacklist_{kind}",
            raise_if_not_found=False,
        )
        if prompt and prompt.sudo().company_id not in (
            self.env["res.company"],
            self.env.company,
        ):
            return prompt.browse()
        return prompt

    def _hotline_uses_blacklist(self):
        """A warned or refused caller hears this node's blacklist prompts."""
        self.ensure_one()
        return (self.node_type == "transfer" and self.check_blacklist) or (
            self.node_type == "condition" and self.condition_type == "blacklist"
        )

    @api.model
    def _selection_service_code(self):
        services = self.env["hotline.ivr.flow"]._hotline_ivr_services()
        return [(code, str(label)) for code, (label, _method) in services.items()]

    @api.depends("service_code")
    def _compute_service_outcomes(self):
        outcomes = self.env["hotline.ivr.flow"]._hotline_ivr_service_outcomes()
        for node in self:
            node.service_outcomes = ", ".join(
                f"{code} ({label})"
                for code, label in outcomes.get(node.service_code) or []
            )

    def unlink(self):
        flows = self.flow_id
        res = super().unlink()
        flows.exists().filtered(lambda f: f.state == "published")._hotline_check_graph()
        return res

    @api.depends("name", "node_type")
    def _compute_display_name(self):
        labels = dict(self._fields["node_type"]._description_selection(self.env))
        for node in self:
            node.display_name = f"{node.name} [{labels.get(node.node_type, '')}]"

    def _hotline_key(self):
        return f"n{self.id}"

    def _hotline_prompt(self, prompt):
        return prompt._hotline_sounds() if prompt else None

    def _hotline_option_targets(self, key_field):
        """``{key: node key}`` of the options: menu keys or service outcomes."""
        return {
            opt[key_field]: opt.target_node_id._hotline_key()
            if opt.target_node_id
            else None
            for opt in self.option_ids
            if opt[key_field]
        }

    def _hotline_transfer_snapshot(self):
        data = {
            "target_type": self.target_type,
            "timeout": self.max_wait,
            "priority": self.priority,
            "first_contact_days": self.first_contact_days,
            "check_blacklist": self.check_blacklist,
            "vip_queue": self.vip_queue_id.code or None,
        }
        if self.target_type == "queue":
            data["target"] = self.queue_id.code
        elif self.target_type == "agent":
            data["target"] = self.agent_id.hotline_extension
        else:
            data["target"] = self.external_number
        return data

    def _hotline_prompts_snapshot(self):
        """``{key: {language: sound}}`` of the node's prompts."""
        fields_ = [
            ("prompt_id", "prompt"),
            ("no_input_prompt_id", "no_input_prompt"),
            ("invalid_prompt_id", "invalid_prompt"),
            ("thanks_prompt_id", "thanks_prompt"),
        ]
        if self._hotline_uses_blacklist():
            fields_ += [
                ("warn_prompt_id", "warn_prompt"),
                ("refuse_prompt_id", "refuse_prompt"),
            ]
        return {
            key: self._hotline_prompt(self[field])
            for field, key in fields_
            if self[field]
        }

    def _hotline_snapshot(self):
        """The node as the engine reads it (see ``pbx/ivr_engine.py``)."""
        self.ensure_one()
        data = {
            "type": self.node_type,
            "name": self.name,
            "next": self.next_node_id and self.next_node_id._hotline_key(),
            "on_fail": self.on_fail_node_id and self.on_fail_node_id._hotline_key(),
        }
        data.update(self._hotline_prompts_snapshot())
        kind = self.node_type
        if kind in ("menu", "collect", "survey"):
            data.update(
                timeout_ms=max(self.timeout, 1) * 1000,
                retries_no_input=self.retries_no_input,
                retries_invalid=self.retries_invalid,
            )
        if kind == "menu":
            data["options"] = self._hotline_option_targets("digit")
        elif kind == "service":
            data["service"] = self.service_code or None
            data["branches"] = self._hotline_option_targets("outcome")
        elif kind == "collect":
            data.update(
                min_digits=self.min_digits,
                max_digits=self.max_digits,
                terminator=self.terminator or "",
                variable=self.variable_name or "digits",
                decimal_star=self.decimal_star,
            )
        elif kind == "language":
            data["language"] = self.language
        elif kind in ("condition", "lookup"):
            value = self.condition_value
            if self.condition_type == "business_hours":
                calendar = self.calendar_id or self.flow_id.calendar_id
                value = calendar.id or None
            data.update(condition=self.condition_type, value=value)
            if kind == "lookup":
                data.update(source=self.lookup_source, variable=self.variable_name)
            outcomes = BRANCH_OUTCOMES.get(
                "lookup" if kind == "lookup" else self.condition_type, DEFAULT_OUTCOMES
            )
            data["branches"] = {
                outcome: self[field]._hotline_key()
                for outcome, field in outcomes.items()
                if self[field]
            }
        elif kind == "subflow":
            data["flow_id"] = self.subflow_id.id
        elif kind == "transfer":
            data.update(self._hotline_transfer_snapshot())
        elif kind == "voicemail":
            data["mailbox"] = self.mailbox or self.flow_id.fallback_mailbox
        elif kind == "fax_on_demand":
            data.update(
                document=self.fax_document_id.id or None,
                box=self.fax_box_id.id or None,
                variable=self.variable_name or "digits",
            )
        return data
