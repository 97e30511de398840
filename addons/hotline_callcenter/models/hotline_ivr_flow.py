# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..pbx.ivr_engine import validate_snapshot
from .hotline_ivr_prompt import IVR_LANGUAGES

# latest change of the flow, its nodes, their keys, any prompt; and the node count
VERSION_COLUMNS = """
    GREATEST(
        f.write_date,
        (SELECT max(write_date) FROM hotline_ivr_node WHERE flow_id = f.id),
        (SELECT max(write_date) FROM hotline_ivr_node_option WHERE flow_id = f.id),
        (SELECT max(write_date) FROM hotline_ivr_prompt)
    ),
    (SELECT count(*) FROM hotline_ivr_node WHERE flow_id = f.id)
"""
VERSION_SQL = f"""
    SELECT {VERSION_COLUMNS}
      FROM hotline_ivr_flow f
     WHERE f.id = %(flow_id)s
"""
# the flow of a dialled number and its version: one query at the start of a call
FLOW_OF_NUMBER_SQL = f"""
    SELECT d.flow_id, {VERSION_COLUMNS}
      FROM hotline_did d
      JOIN hotline_ivr_flow f ON f.id = d.flow_id
     WHERE d.number = %(number)s AND d.active
  ORDER BY d.id
     LIMIT 1
"""


class HotlineIvrFlow(models.Model):
    """An IVR flow (自动语音导航): nodes run by the connector for each call."""

    _name = "hotline.ivr.flow"
    _description = "IVR Flow"
    _inherit = ["hotline.company.guard"]
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        required=True,
        default="draft",
        copy=False,
        help="Draft flows can be built step by step; publishing checks the whole "
        "graph, and a published flow is checked again on every save.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    description = fields.Text(translate=True)
    is_subflow = fields.Boolean(
        string="Sub-flow", help="Run from other flows' sub-flow nodes (self-service)."
    )
    node_ids = fields.One2many("hotline.ivr.node", "flow_id", string="Nodes", copy=True)
    start_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="Start node",
        domain="[('flow_id', '=', id)]",
        help="First node of the call; empty: the first node of the list.",
        check_company=True,
    )
    did_ids = fields.One2many("hotline.did", "flow_id", string="Numbers")
    lang_zh_cn = fields.Boolean(string="Chinese", default=True)
    lang_en_us = fields.Boolean(string="English")
    default_language = fields.Selection(IVR_LANGUAGES, required=True, default="zh_CN")
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business hours",
        help="Working times and public holidays (leaves) used by business-hours "
        "conditions that name no calendar.",
        check_company=True,
    )
    fallback_type = fields.Selection(
        [("queue", "Queue"), ("voicemail", "Voicemail")],
        required=True,
        default="queue",
        help="Where a call goes when the flow fails (error, broken configuration) "
        "or a menu runs out of retries with nowhere to go: the caller is never "
        "dropped.",
    )
    fallback_queue_id = fields.Many2one(
        "hotline.queue", string="Fallback queue", check_company=True
    )
    fallback_mailbox = fields.Char(help="Asterisk mailbox, e.g. 100@default.")

    @api.constrains("fallback_type", "fallback_queue_id", "fallback_mailbox")
    def _check_fallback(self):
        for flow in self:
            if flow.fallback_type == "queue" and not flow.fallback_queue_id:
                raise ValidationError(
                    self.env._("Flow %s needs a fallback queue.", flow.name)
                )
            if flow.fallback_type == "voicemail" and not flow.fallback_mailbox:
                raise ValidationError(
                    self.env._("Flow %s needs a fallback mailbox.", flow.name)
                )

    @api.constrains("lang_zh_cn", "lang_en_us", "default_language")
    def _check_languages(self):
        for flow in self:
            if flow.default_language not in flow._hotline_languages():
                raise ValidationError(
                    self.env._(
                        "Flow %s: the default language must be one of its languages.",
                        flow.name,
                    )
                )

    def _hotline_languages(self):
        self.ensure_one()
        langs = []
        if self.lang_zh_cn:
            langs.append("zh_CN")
        if self.lang_en_us:
            langs.append("en_US")
        return langs

    def _hotline_start(self):
        self.ensure_one()
        # the cache keeps new nodes in creation order: sort as the list shows them
        return (
            self.start_node_id or self.node_ids.sorted(lambda n: (n.sequence, n.id))[:1]
        )

    def _hotline_snapshot(self):
        """The flow as a plain dict for ``pbx.ivr_engine`` (no ORM inside)."""
        self.ensure_one()
        start = self._hotline_start()
        fallback = {"type": self.fallback_type}
        if self.fallback_type == "queue":
            fallback["queue"] = self.fallback_queue_id.code
        else:
            fallback["mailbox"] = self.fallback_mailbox
        return {
            "id": self.id,
            "name": self.name,
            "version": str(self._hotline_version()),
            "languages": self._hotline_languages(),
            "default_language": self.default_language,
            "start": start._hotline_key() if start else None,
            "fallback": fallback,
            "nodes": {
                node._hotline_key(): node._hotline_snapshot() for node in self.node_ids
            },
            "digits": self._hotline_digit_sounds(),
        }

    def _hotline_digit_sounds(self):
        """``{language: {digit: sound}}`` of the digit prompts (``digit_0`` to
        ``digit_9``, shipped in data/hotline_ivr_prompt_data.xml): numbers are
        read in the caller's language (Asterisk ships no Chinese digits)."""
        self.ensure_one()
        codes = {f"digit_{d}": str(d) for d in range(10)}
        prompts = self.env["hotline.ivr.prompt"].search(
            [("code", "in", list(codes)), ("company_id", "=", self.company_id.id)]
        )
        sounds = {}
        for prompt in prompts:
            for lang, sound in prompt._hotline_sounds().items():
                sounds.setdefault(lang, {})[codes[prompt.code]] = sound
        return sounds

    def _hotline_version(self):
        """Changes to the flow, its nodes, options or prompts: new snapshot."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(VERSION_SQL, {"flow_id": self.id})
        return tuple(self.env.cr.fetchone())

    @api.model
    def _hotline_flow_for_number(self, number):
        """``(flow id, version)`` of a dialled number in one query, or None."""
        digits = "".join(c for c in (number or "") if c.isdigit())
        if not digits:
            return None
        self.env.cr.execute(FLOW_OF_NUMBER_SQL, {"number": digits})
        row = self.env.cr.fetchone()
        if not row:
            return None
        return row[0], tuple(row[1:])

    # -- business queries (service nodes) -------------------------------------
    @api.model
    def _hotline_ivr_services(self):
        """Business queries that IVR service nodes can run.

        ``{code: (label, method)}``: ``method`` is the name of a method of this
        model (or a callable) taking the request dict built by the connector
        (``caller``, ``did``, ``language``, ``linkedid``, ``flow_id`` and the
        ``variables`` collected so far) and returning an outcome, a dict
        ``{"outcome", "variables", "play"}`` or a ``pbx.ivr_engine.ServiceResult``.
        Add-ons extend it with ``super()``.
        """
        return {}

    @api.model
    def _hotline_ivr_service_outcomes(self):
        """``{code: [(outcome, label), ...]}``: the branches a service may take."""
        return {}

    @api.model
    def _hotline_ivr_notices(self, request):
        """Notices the caller hears at a "Notices" node (the ``request`` as for
        services): ``{"play": [play items], "reference": any}``; the
        reference comes back to :meth:`_hotline_ivr_notices_heard`. Add-ons
        extend it with ``super()`` (outage notices for the caller's area)."""
        return {"play": [], "reference": None}

    @api.model
    def _hotline_ivr_notices_heard(self, request, outcome, reference, seconds):
        """The caller heard the notices (``outcome`` ``served``) or hung up
        during them or right after (``hung_up``): the statistics' hook."""

    @api.model
    def _hotline_run_service(self, code, request):
        """Run the business query ``code`` for the connector (one short cursor)."""
        services = self._hotline_ivr_services()
        if code not in services:
            raise LookupError(f"IVR service {code!r} is not installed")
        method = services[code][1]
        if not callable(method):
            method = getattr(self, method)
        return method(request)

    @api.model
    def _hotline_ivr_service_failed(self, code, request, exc):
        """The business query ``code`` raised ``exc`` for the connector's
        ``request``; called in a transaction of its own (the service's was
        rolled back) before the call goes to the flow's fallback. Add-ons
        record it where their statistics are (see hotline_billing_ivr)."""
        return False

    # -- keypad surveys (questionnaire nodes, hotline_survey) -----------------
    @api.model
    def _hotline_questionnaire_start(self, request, survey_id):
        """A keypad survey starts for the connector's ``request`` (as for
        services, plus ``call_id``: the hotline.call of the Linkedid, if
        any): returns the token its answers come back with. Add-ons playing
        surveys override it (hotline_survey)."""
        raise LookupError(f"keypad survey {survey_id!r}: no add-on plays surveys")

    @api.model
    def _hotline_questionnaire_answer(self, request, token, question_id, value):
        """One answer of the keypad survey ``token``: ``value`` from the
        question's keys, ``None`` for a skipped question."""
        return False

    @api.model
    def _hotline_questionnaire_done(self, request, token):
        """The keypad survey ``token`` ended with answers: completed."""
        return False

    @api.model
    def _hotline_prompt_sounds(self, code):
        """``{language: sound}`` of the prompt with this code, {} when none."""
        prompt = self.env["hotline.ivr.prompt"].search(
            [
                ("code", "=", code),
                ("company_id", "in", self.env.companies.ids),
            ],
            limit=1,
        )
        return prompt._hotline_sounds() if prompt else {}

    def _hotline_problem_message(self, code, node, detail):
        name = node.name if node else "?"
        messages = {
            "no_start": self.env._("Flow %(flow)s has no start node.", flow=self.name),
            "missing_target": self.env._(
                "Node %(node)s: %(edge)s points to no node of this flow.",
                node=name,
                edge=detail,
            ),
            "empty_menu": self.env._("Menu node %(node)s has no key.", node=name),
            "no_service": self.env._(
                "Business query node %(node)s has no service.", node=name
            ),
            "unreachable": self.env._(
                "Node %(node)s cannot be reached from the start node.", node=name
            ),
            "no_exit": self.env._(
                "Node %(node)s is in a loop the caller can never leave: add a hang "
                "up, transfer or voicemail on its way.",
                node=name,
            ),
            "missing_prompt": self.env._(
                "Node %(node)s: its prompt has no audio for %(language)s, a language "
                "of the flow.",
                node=name,
                language=detail,
            ),
            "silent_blacklist": self.env._(
                "Node %(node)s checks the blacklist but has no %(prompt)s: a "
                "blacklisted caller would hear nothing.",
                node=name,
                prompt=self.env._("blacklist warning prompt")
                if detail == "warn_prompt"
                else self.env._("refusal prompt"),
            ),
        }
        return messages[code]

    def _hotline_check_graph(self):
        for flow in self:
            snapshot = flow._hotline_snapshot()
            problems = validate_snapshot(snapshot)
            for node in flow.node_ids:
                if node.node_type == "transfer":
                    target = snapshot["nodes"][node._hotline_key()].get("target")
                    if not target:
                        raise ValidationError(
                            self.env._(
                                "Transfer node %s has no queue, agent extension "
                                "or number.",
                                node.name,
                            )
                        )
                if node.node_type == "subflow" and (
                    not node.subflow_id or node.subflow_id == flow
                ):
                    raise ValidationError(
                        self.env._("Sub-flow node %s must run another flow.", node.name)
                    )
                if node.node_type == "service":
                    flow._hotline_check_service_node(node)
                if node.node_type in ("condition", "lookup") and not (
                    node.node_type == "lookup" or node.condition_type
                ):
                    raise ValidationError(
                        self.env._("Condition node %s has no condition.", node.name)
                    )
            if problems:
                code, key, detail = problems[0]
                node = (
                    self.env["hotline.ivr.node"].browse(int(key[1:])) if key else None
                )
                raise ValidationError(flow._hotline_problem_message(code, node, detail))

    def _hotline_check_service_node(self, node):
        services = self._hotline_ivr_services()
        if not node.service_code:
            raise ValidationError(
                self.env._("Business query node %s has no service.", node.name)
            )
        if node.service_code not in services:
            raise ValidationError(
                self.env._(
                    "Business query node %(node)s: the service %(service)s is not "
                    "installed.",
                    node=node.name,
                    service=node.service_code,
                )
            )
        known = self._hotline_ivr_service_outcomes().get(node.service_code)
        for option in node.option_ids:
            if not option.outcome:
                raise ValidationError(
                    self.env._(
                        "Business query node %s: each branch needs an outcome.",
                        node.name,
                    )
                )
            if known is not None and option.outcome not in dict(known):
                raise ValidationError(
                    self.env._(
                        "Business query node %(node)s: the service %(service)s has "
                        "no outcome %(outcome)s (it has %(outcomes)s).",
                        node=node.name,
                        service=services[node.service_code][0],
                        outcome=option.outcome,
                        outcomes=", ".join(dict(known)),
                    )
                )

    @api.constrains("node_ids", "start_node_id", "lang_zh_cn", "lang_en_us", "state")
    def _check_graph(self):
        self.filtered(lambda f: f.state == "published")._hotline_check_graph()

    def write(self, vals):
        # node lines written inside this write are checked once, at its end
        return super(HotlineIvrFlow, self.with_context(hotline_flow_write=True)).write(
            vals
        )

    def action_publish(self):
        self._hotline_check_graph()
        self.state = "published"

    def action_draft(self):
        self.state = "draft"

    @api.model
    def _hotline_link_subflow_key(self, menu_xmlid, digit, subflow_xmlid, name):
        """Key ``digit`` of the menu node ``menu_xmlid`` runs the sub-flow
        ``subflow_xmlid``, then comes back to the menu. For data of two add-ons
        that do not depend on each other (a main flow of one, a sub-flow of the
        other): each calls it, the one installed second links them. Nothing
        happens when either is missing or the key is taken already."""
        menu = self.env.ref(menu_xmlid, raise_if_not_found=False)
        subflow = self.env.ref(subflow_xmlid, raise_if_not_found=False)
        if (
            not menu
            or not subflow
            or menu.node_type != "menu"
            or menu.option_ids.filtered(lambda o: o.digit == digit)
        ):
            return False
        flow = menu.flow_id
        Node = self.env["hotline.ivr.node"].with_context(hotline_flow_write=True)
        node = Node.create(
            {
                "flow_id": flow.id,
                "sequence": max(flow.node_ids.mapped("sequence") or [0]) + 10,
                "name": name,
                "node_type": "subflow",
                "subflow_id": subflow.id,
                "next_node_id": menu.id,
            }
        )
        menu.with_context(hotline_flow_write=True).write(
            {
                "option_ids": [
                    Command.create(
                        {"digit": digit, "label": name, "target_node_id": node.id}
                    )
                ]
            }
        )
        flow.filtered(lambda f: f.state == "published")._hotline_check_graph()
        return node
