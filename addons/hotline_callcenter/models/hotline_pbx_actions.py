# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What agents and supervisors ask Asterisk to do, through one AMI action each.

Every method opens a short AMI session (the connector keeps its own event
session; actions from the web client do not go through it), sends one action
and turns a refusal into a ``UserError`` carrying Asterisk's own message.
"""

import contextlib
import hashlib
import logging
import re
import threading

import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..pbx.ami_client import (
    AmiActionError,
    AmiAuthError,
    AmiClient,
    AmiConnectionRefused,
    AmiError,
    AmiTimeout,
)
from ..pbx.originate_tracker import make_action_id

# app_queue's answer to a QueueAdd into a queue it does not have
NO_SUCH_QUEUE = "Unable to add interface to queue: No such queue"

_logger = logging.getLogger(__name__)

CLICK_TO_DIAL_NOTIFICATION = "hotline/click_to_dial"
SPY_OPTIONS = {"listen": "q", "whisper": "qw", "barge": "qB"}
INTERNAL_NUMBER = re.compile(r"^\d{3,6}$")
# Asterisk context names as the shipped dialplan uses them
CONTEXT_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
LOCAL_TEMPLATE = re.compile(r"^Local/\{extension\}@([A-Za-z0-9_-]+)")


class HotlinePbx(models.Model):
    _inherit = "hotline.pbx"

    agent_channel_template = fields.Char(
        string="Agent channel",
        required=True,
        default="PJSIP/{extension}",
        help="Channel that rings an agent's phone; {extension} is replaced by the "
        "extension, e.g. PJSIP/{extension} or Local/{extension}@agents.",
    )
    trunk_channel_template = fields.Char(
        string="Trunk channel",
        required=True,
        default="PJSIP/{number}@trunk",
        help="Channel the IVR dials for an outside number (transfer to an external "
        "or mobile number); {number} is replaced by the number.",
    )
    # the dialplan contexts: the defaults are those of the shipped
    # docker/asterisk/extensions.conf (a test holds them together)
    inbound_contexts = fields.Char(
        required=True,
        default="from-pstn",
        help="Dialplan contexts where calls from the operator's trunk arrive, "
        "separated by commas: a call that runs in one of them is inbound.",
    )
    internal_context = fields.Char(
        required=True,
        default="internal",
        help="Dialplan context that rings an agent's extension: transfers to an "
        "extension, the pick-up of a waiting caller and the resume after hold go "
        "there.",
    )
    outbound_context = fields.Char(
        required=True,
        default="outbound",
        help="Dialplan context where click-to-dial and transfers to outside "
        "numbers dial a number.",
    )
    hold_context = fields.Char(
        required=True,
        default="hotline-hold",
        help="Dialplan context (extension s) that plays music on hold to a caller "
        "put on hold.",
    )
    conference_context = fields.Char(
        required=True,
        default="hotline-conference",
        help="Dialplan context whose extensions enter ConfBridge(${EXTEN}).",
    )
    originate_timeout = fields.Integer(
        string="Ring timeout (s)",
        default=30,
        help="How long the agent's phone rings on click-to-dial.",
    )
    voicemail_path = fields.Char(
        default="/var/spool/asterisk/voicemail",
        help="Folder where Asterisk keeps voicemail messages, as Odoo sees it. "
        "It must be one of the folders the server's configuration allows "
        "(hotline_media_roots in odoo.conf) or inside one.",
    )
    voicemail_user_id = fields.Many2one(
        "res.users",
        string="Voicemail handled by",
        help="Who gets the call-back activity of a new voicemail.",
    )
    ami_timeout = fields.Float(
        string="AMI timeout (s)",
        default=5.0,
        help="How long Odoo waits for Asterisk to answer an action.",
    )

    @api.constrains(
        "agent_channel_template",
        "trunk_channel_template",
        "inbound_contexts",
        "internal_context",
        "outbound_context",
        "hold_context",
        "conference_context",
    )
    def _check_dialplan_names(self):
        for pbx in self:
            for field, placeholder in (
                ("agent_channel_template", "{extension}"),
                ("trunk_channel_template", "{number}"),
            ):
                template = pbx[field] or ""
                if placeholder not in template or "/" not in template:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of PBX %(pbx)s must be a channel such as "
                            "PJSIP/%(placeholder)s, with %(placeholder)s in it.",
                            field=self._fields[field].get_description(self.env)[
                                "string"
                            ],
                            pbx=pbx.name,
                            placeholder=placeholder,
                        )
                    )
            inbound = pbx._hotline_split_contexts(pbx.inbound_contexts)
            names = (inbound or [""]) + [
                pbx.internal_context,
                pbx.outbound_context,
                pbx.hold_context,
                pbx.conference_context,
            ]
            for name in names:
                if not CONTEXT_NAME.match(name or ""):
                    raise ValidationError(
                        self.env._(
                            "“%(name)s” is not a dialplan context name (PBX %(pbx)s): "
                            "letters, digits, - and _ only.",
                            name=name or "",
                            pbx=pbx.name,
                        )
                    )

    @staticmethod
    def _hotline_split_contexts(value):
        return [name.strip() for name in (value or "").split(",") if name.strip()]

    def _hotline_correlator_contexts(self):
        """The contexts :class:`~..pbx.correlator.CallCorrelator` classifies
        calls with, from this PBX's settings."""
        self.ensure_one()
        agents = {self.internal_context}
        local = LOCAL_TEMPLATE.match(self.agent_channel_template or "")
        if local:  # agent phones reached through a Local channel of that context
            agents.add(local.group(1))
        return {
            "inbound_contexts": frozenset(
                self._hotline_split_contexts(self.inbound_contexts)
            ),
            "outbound_contexts": frozenset({self.outbound_context}),
            "agent_contexts": frozenset(agents),
        }

    def _hotline_ivr_channels(self):
        """The channel templates the IVR dials agents and outside numbers with."""
        self.ensure_one()
        return {
            "agent": self.agent_channel_template,
            "trunk": self.trunk_channel_template,
        }

    def _hotline_connector_settings(self):
        """What the connector needs to serve this PBX (plain values)."""
        self.ensure_one()
        pbx = self.sudo()
        return {
            "id": pbx.id,
            "name": pbx.name,
            "host": pbx.host,
            "port": pbx.ami_port,
            "username": pbx.ami_user,
            "secret": pbx.ami_secret or "",
            "agi_bind_address": pbx.agi_bind_address or "127.0.0.1",
            "agi_port": pbx.agi_port,
            "contexts": pbx._hotline_correlator_contexts(),
        }

    @api.model
    def _hotline_simulator_traffic(self):
        """Who calls and which numbers they dial in the simulator's demo traffic
        (``hotline-connector --simulator``): the customers' numbers as the PBX
        presents them (national digits), the blocked exact numbers, and the
        active DIDs of the company."""
        partners = self.env["res.partner"].search([("hotline_is_customer", "=", True)])
        blocked = self.env["hotline.blacklist"].search(
            [("state", "=", "active"), ("match_type", "=", "exact")]
        )
        known = []
        for number in (
            partners.mapped("mobile")
            + partners.mapped("phone")
            + (blocked.mapped("number"))
        ):
            if not number:
                continue
            try:
                known.append(self._hotline_dialable(number))
            except UserError:
                continue
        dids = self.env["hotline.did"].search([]).mapped("number")
        return {"known": list(dict.fromkeys(known)), "dids": dids}

    # ------------------------------------------------------------------
    # AMI plumbing
    # ------------------------------------------------------------------
    def _hotline_ami_error(self, error, action=None):
        """A one-line, translated explanation of an AMI failure."""
        self.ensure_one()
        where = f"{self.host}:{self.ami_port}"
        if isinstance(error, AmiConnectionRefused):
            return self.env._("Connection refused by %s: is Asterisk running?", where)
        if isinstance(error, AmiTimeout):
            return self.env._(
                "No answer from %(where)s within %(seconds)s s.",
                where=where,
                seconds=self.ami_timeout,
            )
        if isinstance(error, AmiAuthError):
            return self.env._(
                "Asterisk at %(where)s refused the AMI user %(user)s: bad credentials.",
                where=where,
                user=self.ami_user,
            )
        if isinstance(error, AmiActionError):
            return self.env._(
                "Asterisk refused %(action)s: %(message)s",
                action=action or "",
                message=str(error),
            )
        return self.env._(
            "AMI error with %(where)s: %(message)s", where=where, message=str(error)
        )

    def _hotline_ami_action(self, action, **fields_):
        """Send one AMI action; raise a clear ``UserError`` when it fails."""
        self.ensure_one()
        secret = self.sudo().ami_secret or ""
        try:
            with AmiClient(
                self.host,
                self.ami_port,
                self.ami_user,
                secret,
                timeout=self.ami_timeout or 5.0,
            ) as ami:
                response = ami.action(action, **fields_)
        except AmiError as error:
            _logger.info("AMI %s on %s refused: %s", action, self.display_name, error)
            raise UserError(self._hotline_ami_error(error, action)) from error
        _logger.info(
            "AMI %s on %s by uid %s: ok", action, self.display_name, self.env.uid
        )
        return response

    @api.model
    def _hotline_pbx_for(self, call=None):
        if call and call.pbx_id:
            return call.pbx_id.sudo()
        pbx = self.sudo().search(
            [("company_id", "in", self.env.companies.ids)], limit=1
        )
        if not pbx:
            raise UserError(self.env._("No PBX is configured for your company."))
        return pbx

    def _hotline_interface(self, user):
        self.ensure_one()
        if not user.hotline_extension:
            raise UserError(
                self.env._(
                    "%s has no phone extension: set one in the user's preferences.",
                    user.name,
                )
            )
        return self.agent_channel_template.format(extension=user.hotline_extension)

    def _hotline_context_for(self, exten):
        """Where to dial ``exten``: an extension of the company's phones rings
        in the internal context, any other number goes out."""
        self.ensure_one()
        Users = self.env["res.users"].sudo()
        if INTERNAL_NUMBER.match(exten or "") and Users.search_count(
            [("hotline_extension", "=", exten)], limit=1
        ):
            return self.internal_context
        return self.outbound_context

    @staticmethod
    def _hotline_channel_regex(interface):
        """Hangup accepts /regex/: every channel of that phone."""
        return "/^" + re.escape(interface) + "-/"

    # ------------------------------------------------------------------
    # Test connection (admin)
    # ------------------------------------------------------------------
    def action_test_connection(self):
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only Hotline administrators can test a PBX."))
        pbx = self.sudo()
        try:
            with AmiClient(
                pbx.host,
                pbx.ami_port,
                pbx.ami_user,
                pbx.ami_secret or "",
                timeout=pbx.ami_timeout or 5.0,
                events=False,
            ) as ami:
                ami.action("Ping")
                banner = ami.banner or "Asterisk"
            ok = True
            text = self.env._(
                "Connected to %(pbx)s as %(user)s (%(banner)s).",
                pbx=pbx.display_name,
                user=pbx.ami_user,
                banner=banner,
            )
        except AmiError as error:
            ok = False
            text = pbx._hotline_ami_error(error)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("PBX connection"),
                "message": text,
                "type": "success" if ok else "danger",
                "sticky": not ok,
            },
        }

    # ------------------------------------------------------------------
    # Click-to-dial
    # ------------------------------------------------------------------
    @api.model
    def _hotline_dialable(self, number):
        """The digits Asterisk dials for ``number``: national form for numbers of
        the company's country, 00 + country code otherwise; short internal
        extensions pass as they are.  ``UserError`` when it is not a number."""
        raw = (number or "").strip()
        compact = re.sub(r"[\s\-().]", "", raw)
        if INTERNAL_NUMBER.match(compact):
            return compact
        region = self.env.company.country_id.code or "CN"
        try:
            parsed = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise UserError(
                self.env._("“%s” is not a phone number that can be dialled.", raw)
            )
        if phonenumbers.region_code_for_number(parsed) == region or (
            parsed.country_code == phonenumbers.country_code_for_region(region)
        ):
            national = phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.NATIONAL
            )
            return re.sub(r"\D", "", national)
        return f"00{parsed.country_code}{parsed.national_number}"

    def _hotline_originate(self, fields_):
        """Async Originate of a supervisor's phone, then wait for its
        ``OriginateResponse`` so that a busy or unanswered phone is reported
        to the supervisor who clicked.  (Click-to-dial does not wait: see
        :meth:`hotline_click_to_dial`.)

        :return: the OriginateResponse, or None when it did not come in time
        """
        self.ensure_one()
        secret = self.sudo().ami_secret or ""
        seen = []
        arrived = threading.Condition()

        def on_event(msg):
            if msg.get("Event") == "OriginateResponse":
                with arrived:
                    seen.append(msg)
                    arrived.notify_all()

        ring = max(self.originate_timeout or 30, 1)
        timeout = self.ami_timeout or 5.0
        try:
            with AmiClient(
                self.host,
                self.ami_port,
                self.ami_user,
                secret,
                timeout=timeout,
                events=True,
                on_event=on_event,
            ) as ami:
                response = ami.action(
                    "Originate", **dict(fields_, Timeout=ring * 1000, Async="true")
                )
                action_id = response.get("ActionID")

                def originated():
                    return [m for m in seen if m.get("ActionID") == action_id]

                with arrived:
                    arrived.wait_for(originated, timeout=ring + timeout)
                    result = (originated() or [None])[0]
        except AmiError as error:
            _logger.info("Originate on %s refused: %s", self.display_name, error)
            raise UserError(self._hotline_ami_error(error, "Originate")) from error
        return result

    @api.model
    def hotline_click_to_dial(self, number, partner_id=False, call_id=False):
        """Ring the current user's phone, then dial ``number`` when they answer.

        Originate Channel=<agent's phone> Context=<outbound context> Exten=<number>,
        asynchronously, with the call id in the ``CRM_CALL_ID`` channel variable
        (``__`` prefix: inherited by the customer leg).  Returns as soon as
        Asterisk has queued the Originate: the agent's phone rings for up to
        ``originate_timeout`` and the customer's for as long as the dialplan
        says, far longer than a web request may wait.  The connector follows
        the Originate by its ActionID (``pbx.originate_tracker``) and tells the
        agent the outcome over the bus (:meth:`_hotline_click_to_dial_results`).
        """
        user = self.env.user
        if not user.has_group("hotline_base.group_agent"):
            raise AccessError(
                self.env._("Only agents and supervisors can dial through the PBX.")
            )
        call = self.env["hotline.call"].browse(call_id).exists() if call_id else None
        pbx = self._hotline_pbx_for(call)
        interface = pbx._hotline_interface(user)
        exten = self._hotline_dialable(number)
        token = (
            f"odoo-{call.id}"
            if call
            else f"odoo-u{user.id}-{fields.Datetime.now():%Y%m%d%H%M%S}"
        )
        variables = [
            f"__CRM_CALL_ID={token}",
            f"__HOTLINE_AGENT={user.hotline_extension}",
        ]
        if partner_id:
            variables.append(f"__HOTLINE_PARTNER_ID={int(partner_id)}")
        ring = max(pbx.originate_timeout or 30, 1)
        pbx._hotline_ami_action(
            "Originate",
            action_id=make_action_id(user.id, self._hotline_action_tag()),
            Channel=interface,
            Context=pbx.outbound_context,
            Exten=exten,
            Priority=1,
            CallerID=f'"{exten}" <{exten}>',
            Timeout=ring * 1000,
            Async="true",
            Variable=variables,
        )
        return self._hotline_notify(
            self.env._(
                "Dialling %s: answer your phone when it rings, then the number is "
                "called.",
                exten,
            )
        )

    @api.model
    def _hotline_action_tag(self):
        """Hex that starts the ActionIDs of this database's click-to-dials:
        a result from another database sharing the PBX (its user ids mean
        other people) or from another AMI client is not ours to report."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return hashlib.sha256(uuid.encode()).hexdigest()[:8]

    @api.model
    def _hotline_click_to_dial_results(self, pbx, results):
        """Tell each agent how their click-to-dial ended (the connector calls
        this with the results of ``pbx.originate_tracker``).

        One ``hotline/click_to_dial`` bus notification per result, in the
        agent's language, to the agent who dialled only (the ActionID names
        them; a user of another company or no longer an agent gets nothing).

        :return: the ``res.users`` notified
        """
        notified = self.env["res.users"]
        tag = self._hotline_action_tag()
        for result in results:
            if not (result.get("action_id") or "").rsplit("-", 1)[-1].startswith(tag):
                _logger.info(
                    "PBX %s: click-to-dial result %s of another database ignored",
                    pbx.display_name,
                    result.get("action_id"),
                )
                continue
            user = (
                self.env["res.users"]
                .sudo()
                .browse(int(result.get("user_id") or 0))
                .exists()
            )
            if (
                not user
                or not user.active
                or pbx.company_id not in user.company_ids
                or not user.has_group("hotline_base.group_agent")
            ):
                _logger.info(
                    "PBX %s: click-to-dial result %s for no agent: %s",
                    pbx.display_name,
                    result.get("action_id"),
                    result.get("outcome"),
                )
                continue
            payload = self.with_context(lang=user.lang)._hotline_click_to_dial_payload(
                result, user
            )
            user._bus_send(CLICK_TO_DIAL_NOTIFICATION, payload)
            notified |= user
        return notified

    @api.model
    def _hotline_click_to_dial_payload(self, result, user):
        number = result.get("number") or "?"
        outcome = result.get("outcome")
        if result.get("leg") == "agent":
            message = self._hotline_originate_failure(
                {"Reason": result.get("reason")}, user.hotline_extension
            )
            kind = "warning"
        else:
            cause = result.get("cause") or []
            messages = {
                "answered": self.env._("%s answered.", number),
                "busy": self.env._("%s is busy.", number),
                "no_answer": self.env._("%s did not answer.", number),
                "cancelled": self.env._("You hung up before %s answered.", number),
                "failed": self.env._("%s cannot be reached.", number),
                "ended": self.env._("The call ended before %s was dialled.", number),
            }
            message = messages.get(outcome) or messages["failed"]
            if outcome in ("failed", "ended") and cause and cause[0] not in ("", "0"):
                message = self.env._(
                    "%(message)s (hangup cause %(code)s %(text)s)",
                    message=message,
                    code=cause[0],
                    text=cause[1] if len(cause) > 1 else "",
                )
            kind = "success" if outcome == "answered" else "warning"
        return {
            "action_id": result.get("action_id"),
            "number": number,
            "leg": result.get("leg"),
            "outcome": outcome,
            "title": self.env._("Click-to-dial"),
            "message": message,
            "type": kind,
        }

    @api.model
    def hotline_partner_dial(self, partner):
        """Click-to-dial a customer's mobile, or phone when no mobile."""
        partner.ensure_one()
        number = partner.mobile or partner.phone
        if not number:
            raise UserError(self.env._("%s has no phone number.", partner.display_name))
        return self.hotline_click_to_dial(number, partner_id=partner.id)

    @api.model
    def _hotline_originate_failure(self, result, extension):
        reason = result.get("Reason") or ""
        reasons = {
            "1": self.env._("your phone (%s) hung up", extension),
            "3": self.env._("your phone (%s) did not answer", extension),
            "5": self.env._("your phone (%s) is busy", extension),
            "8": self.env._("the network is congested"),
        }
        text = reasons.get(reason) or self.env._("the call could not be placed")
        return self.env._(
            "Asterisk could not place the call: %(reason)s (reason %(code)s).",
            reason=text,
            code=reason or "?",
        )

    @api.model
    def _hotline_notify(self, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    # ------------------------------------------------------------------
    # CTI: agent controls
    # ------------------------------------------------------------------
    @api.model
    def _hotline_check_agent(self):
        if not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(self.env._("Only hotline agents can control calls."))

    @api.model
    def _hotline_check_supervisor(self):
        if not self.env.user.has_group("hotline_base.group_supervisor"):
            raise AccessError(self.env._("Only supervisors can use this control."))

    def _hotline_queue_actions(self, user, event, reason=""):
        """(action, fields) to send for an agent's login, logout or pause.

        Queue memberships (``hotline.queue.member``) when the agent has some,
        else the queues typed on the user (``hotline_queues``)."""
        self.ensure_one()
        if "hotline.queue.member" in self.env:
            actions = self.env["hotline.queue.member"].hotline_member_actions(
                user, event, reason
            )
            if actions:
                return actions
        interface = self._hotline_interface(user)
        if event in ("pause", "unpause"):
            fields_ = {
                "Interface": interface,
                "Paused": "true" if event == "pause" else "false",
            }
            if reason:
                fields_["Reason"] = reason
            return [("QueuePause", fields_)]
        actions = []
        for queue in user._hotline_queue_list():
            if event == "login":
                fields_ = {
                    "Queue": queue,
                    "Interface": interface,
                    "MemberName": user.name,
                    "Paused": "false",
                }
                actions.append(("QueueAdd", fields_))
            else:
                actions.append(
                    ("QueueRemove", {"Queue": queue, "Interface": interface})
                )
        return actions

    def _hotline_queue_membership(self, actions):
        """Send the QueueAdd / QueueRemove ``actions`` in one AMI session.

        Membership is a state, not a toggle: "Already there" answers a QueueAdd
        of a member (persistent members survive an Asterisk restart) and "Not
        there" a QueueRemove of a non-member; both mean the agent already is
        where they asked to be (app_queue's texts, capture
        queue_member_refusals). On any other refusal the QueueAdds this call
        made are taken back, so a failed login leaves no half-membership."""
        self.ensure_one()
        if not actions:
            return
        done_already = {
            "QueueAdd": "Unable to add interface: Already there",
            "QueueRemove": "Unable to remove interface: Not there",
        }
        added = []
        current = current_fields = None
        try:
            with AmiClient(
                self.host,
                self.ami_port,
                self.ami_user,
                self.sudo().ami_secret or "",
                timeout=self.ami_timeout or 5.0,
                events=False,
            ) as ami:
                try:
                    for action, fields_ in actions:
                        current, current_fields = action, fields_
                        response = ami.action(action, raise_on_error=False, **fields_)
                        message = response.get("Message") or ""
                        if response.get("Response") == "Success":
                            if action == "QueueAdd":
                                added.append(fields_)
                        elif message != done_already.get(action):
                            raise AmiActionError(message or "Error", response, action)
                except AmiError:
                    for fields_ in added:
                        # the first error is the one to report
                        with contextlib.suppress(AmiError):
                            ami.action(
                                "QueueRemove",
                                raise_on_error=False,
                                Queue=fields_["Queue"],
                                Interface=fields_["Interface"],
                            )
                    raise
        except AmiError as error:
            _logger.info("AMI %s on %s refused: %s", current, self.display_name, error)
            if isinstance(error, AmiActionError) and str(error) == NO_SUCH_QUEUE:
                raise UserError(
                    self._hotline_missing_queue_error(current_fields["Queue"])
                ) from error
            raise UserError(self._hotline_ami_error(error, current)) from error

    def _hotline_missing_queue_error(self, code):
        """What to do when Asterisk has no queue ``code``: a queue of Odoo
        that was never sent to the PBX needs a push; any other name is wrong."""
        self.ensure_one()
        queue = (
            self.env["hotline.queue"]
            .sudo()
            .search(
                [
                    ("code", "=", code),
                    ("company_id", "=", self.company_id.id),
                    ("pbx_id", "in", [self.id, False]),
                ],
                limit=1,
            )
        )
        if queue:
            label = f"{queue.name} ({code})"
            return self.env._(
                "Queue %(queue)s is not on the PBX yet: ask a supervisor to send "
                "the queues to the PBX (Hotline > Call centre > Queues, button "
                "Send to PBX), then log in again.",
                queue=label,
            )
        return self.env._(
            "The PBX has no queue %(queue)s and no queue of that name is set up "
            "in Odoo: correct the agent's queues.",
            queue=code,
        )

    @api.model
    def hotline_agent_login(self):
        """QueueAdd the agent's phone into each of their queues (being a member
        already, e.g. after an Asterisk restart, is a successful login)."""
        self._hotline_check_agent()
        user = self.env.user
        pbx = self._hotline_pbx_for()
        actions = pbx._hotline_queue_actions(user, "login")
        if not actions:
            raise UserError(self.env._("No queue is set for %s.", user.name))
        pbx._hotline_queue_membership(actions)
        queues = [f["Queue"] for _a, f in actions]
        self.env["hotline.agent.session"]._hotline_close(user)
        self.env["hotline.agent.session"]._hotline_open(user, "login")
        self.env["hotline.agent.status"]._hotline_set_presence(user, "available")
        return self._hotline_notify(self.env._("Logged in to %s.", ", ".join(queues)))

    @api.model
    def hotline_agent_logout(self):
        self._hotline_check_agent()
        return self._hotline_logout(self.env.user)

    def _hotline_logout(self, user):
        pbx = self._hotline_pbx_for()
        actions = pbx._hotline_queue_actions(user, "logout")
        pbx._hotline_queue_membership(actions)
        queues = [f["Queue"] for _a, f in actions]
        self.env["hotline.agent.session"]._hotline_close(user)
        self.env["hotline.agent.status"]._hotline_set_presence(user, "logged_out")
        return self._hotline_notify(
            self.env._(
                "%(user)s logged out of %(queues)s.",
                user=user.name,
                queues=", ".join(queues),
            )
        )

    @api.model
    def hotline_agent_pause(self, reason):
        """QueuePause in every queue, with the reason Asterisk shows and logs."""
        self._hotline_check_agent()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give a reason for the pause."))
        user = self.env.user
        pbx = self._hotline_pbx_for()
        for action, fields_ in pbx._hotline_queue_actions(user, "pause", reason):
            pbx._hotline_ami_action(action, **fields_)
        Session = self.env["hotline.agent.session"]
        Session._hotline_close(user, kinds=("pause",))
        Session._hotline_open(user, "pause", reason)
        self.env["hotline.agent.status"]._hotline_set_presence(user, "paused", reason)
        return self._hotline_notify(self.env._("Paused: %s.", reason))

    @api.model
    def hotline_agent_unpause(self):
        self._hotline_check_agent()
        user = self.env.user
        pbx = self._hotline_pbx_for()
        for action, fields_ in pbx._hotline_queue_actions(user, "unpause"):
            pbx._hotline_ami_action(action, **fields_)
        self.env["hotline.agent.session"]._hotline_close(user, kinds=("pause",))
        self.env["hotline.agent.status"]._hotline_set_presence(user, "available")
        return self._hotline_notify(self.env._("Available again."))

    # -- channels of a live call ---------------------------------------------
    def _hotline_live_channels(self, ami):
        _response, items = ami.action_list("CoreShowChannels")
        return [dict(item.pairs) for item in items]

    def _hotline_agent_channel(self, channels, interface):
        mine = [
            c for c in channels if (c.get("Channel") or "").startswith(interface + "-")
        ]
        if not mine:
            return None
        first_half = [c for c in mine if c["Channel"].endswith(";1")]
        return (first_half or mine)[0]

    def _hotline_peer_channel(self, channels, agent_channel):
        """The other party of the agent's call: same Linkedid, not the agent."""
        linkedid = agent_channel.get("Linkedid")
        base = agent_channel["Channel"].rsplit(";", 1)[0]
        others = [
            c
            for c in channels
            if c.get("Linkedid") == linkedid and not c["Channel"].startswith(base)
        ]
        first = [c for c in others if c.get("Uniqueid") == linkedid]
        return (first or others or [None])[0]

    def _hotline_with_call(self, user, callback):
        """Open one AMI session, find ``user``'s live channel and run
        ``callback(ami, channels, agent_channel)``."""
        self.ensure_one()
        interface = self._hotline_interface(user)
        secret = self.sudo().ami_secret or ""
        try:
            with AmiClient(
                self.host,
                self.ami_port,
                self.ami_user,
                secret,
                timeout=self.ami_timeout or 5.0,
                events=False,
            ) as ami:
                channels = self._hotline_live_channels(ami)
                agent_channel = self._hotline_agent_channel(channels, interface)
                if agent_channel is None:
                    raise UserError(self.env._("%s is not on a call.", user.name))
                return callback(ami, channels, agent_channel)
        except AmiError as error:
            action = getattr(error, "action", None)
            _logger.info("CTI on %s refused: %s", self.display_name, error)
            raise UserError(self._hotline_ami_error(error, action)) from error

    def _hotline_check_atxfer(self, agent_channel):
        """Refuse an attended transfer the call does not allow.

        Asterisk cannot refuse it: manager.c action_atxfer() queues the atxfer
        code and the digits as DTMF on the agent's channel and answers "Atxfer
        successfully queued"; only a bridge that gave the agent the transfer
        right (Queue()/Dial() option t, bridge_basic.c) turns them into a
        consultation call. Without it the caller hears the digits, and the
        agent hanging up "to complete the transfer" cuts the caller off. The
        options the caller's Queue() ran with are kept on the call."""
        self.ensure_one()
        call = (
            self.env["hotline.call"]
            .sudo()
            .search(
                [
                    ("pbx_id", "=", self.id),
                    ("linkedid", "=", agent_channel.get("Linkedid") or ""),
                ],
                limit=1,
            )
        )
        options = call.queue_options
        if not options and call.queue_id:
            options = "c" + call.queue_id._hotline_app_options()
        if options and "t" not in options:
            raise UserError(
                self.env._(
                    "This call cannot be transferred with consultation: queue "
                    "%(queue)s does not let agents transfer (Queue() option t). Use "
                    "a blind transfer, or ask an administrator to tick “Agents may "
                    "transfer” on the queue.",
                    queue=call.queue_id.display_name or call.queue_name or "",
                )
            )

    @api.model
    def hotline_transfer(self, target, attended=False):
        """Blind (BlindTransfer) or attended (Atxfer) transfer of the agent's call."""
        self._hotline_check_agent()
        target = (target or "").strip()
        if not target:
            raise UserError(
                self.env._("Choose the extension or number to transfer to.")
            )
        pbx = self._hotline_pbx_for()
        exten = self._hotline_dialable(target)
        context = pbx._hotline_context_for(exten)

        def do(ami, channels, agent_channel):
            if attended:
                pbx._hotline_check_atxfer(agent_channel)
            ami.action(
                "Atxfer" if attended else "BlindTransfer",
                Channel=agent_channel["Channel"],
                Context=context,
                Exten=exten,
            )

        pbx._hotline_with_call(self.env.user, do)
        if attended:
            return self._hotline_notify(
                self.env._("Consulting %s: hang up to complete the transfer.", exten)
            )
        return self._hotline_notify(self.env._("Call transferred to %s.", exten))

    @api.model
    def hotline_hold(self):
        """Put the other party on hold with music: Redirect it to the hold context.

        Asterisk has no AMI "hold" for a SIP phone (hold is a re-INVITE from the
        handset), so the server parks the caller in ``hold_context`` (extension
        ``s``: MusicOnHold()) and :meth:`hotline_resume` brings it back to the
        agent's extension.
        """
        self._hotline_check_agent()
        pbx = self._hotline_pbx_for()
        user = self.env.user

        def do(ami, channels, agent_channel):
            peer = pbx._hotline_peer_channel(channels, agent_channel)
            if peer is None:
                raise UserError(self.env._("Nobody to put on hold."))
            ami.action(
                "Redirect",
                Channel=peer["Channel"],
                Context=pbx.hold_context,
                Exten="s",
                Priority=1,
            )
            return peer["Channel"]

        held = pbx._hotline_with_call(user, do)
        user.sudo().hotline_held_channel = held
        return self._hotline_notify(self.env._("The caller is on hold with music."))

    @api.model
    def hotline_resume(self):
        self._hotline_check_agent()
        pbx = self._hotline_pbx_for()
        user = self.env.user
        if not user.hotline_held_channel:
            raise UserError(self.env._("No call is on hold."))
        # back to the agent's phone: the internal context rings extensions (the
        # outbound one may send any number to the trunk)
        pbx._hotline_ami_action(
            "Redirect",
            Channel=user.hotline_held_channel,
            Context=pbx.internal_context,
            Exten=user.hotline_extension,
            Priority=1,
        )
        user.sudo().hotline_held_channel = False
        return self._hotline_notify(self.env._("Call resumed: your phone rings."))

    @api.model
    def hotline_hangup(self):
        self._hotline_check_agent()
        pbx = self._hotline_pbx_for()

        def do(ami, channels, agent_channel):
            ami.action("Hangup", Channel=agent_channel["Channel"], Cause=16)

        pbx._hotline_with_call(self.env.user, do)
        return self._hotline_notify(self.env._("Call ended."))

    # ------------------------------------------------------------------
    # CTI: supervisor controls
    # ------------------------------------------------------------------
    @api.model
    def hotline_spy(self, agent_id, mode="listen"):
        """ChanSpy on an agent's phone from the supervisor's phone:
        listen (q), whisper (qw) or barge (qB)."""
        self._hotline_check_supervisor()
        if mode not in SPY_OPTIONS:
            raise UserError(self.env._("Unknown listening mode %s.", mode))
        agent = self.env["res.users"].browse(int(agent_id)).exists()
        if not agent:
            raise UserError(self.env._("This agent does not exist."))
        supervisor = self.env.user
        pbx = self._hotline_pbx_for()
        spy_target = pbx._hotline_interface(agent)
        result = pbx._hotline_originate(
            {
                "Channel": pbx._hotline_interface(supervisor),
                "Application": "ChanSpy",
                "Data": f"{spy_target},{SPY_OPTIONS[mode]}",
                "CallerID": f'"{agent.name}" <{agent.hotline_extension}>',
            }
        )
        if result is not None and result.get("Response") != "Success":
            raise UserError(
                self._hotline_originate_failure(result, supervisor.hotline_extension)
            )
        labels = {
            "listen": self.env._("Listening to %s.", agent.name),
            "whisper": self.env._("Whispering to %s.", agent.name),
            "barge": self.env._("Barged into the call of %s.", agent.name),
        }
        return self._hotline_notify(labels[mode])

    @api.model
    def hotline_force_hangup(self, agent_id):
        self._hotline_check_supervisor()
        agent = self.env["res.users"].browse(int(agent_id)).exists()
        pbx = self._hotline_pbx_for()

        def do(ami, channels, agent_channel):
            ami.action("Hangup", Channel=agent_channel["Channel"], Cause=16)

        pbx._hotline_with_call(agent, do)
        return self._hotline_notify(self.env._("The call of %s was ended.", agent.name))

    @api.model
    def hotline_force_logout(self, agent_id):
        self._hotline_check_supervisor()
        agent = self.env["res.users"].browse(int(agent_id)).exists()
        if not agent:
            raise UserError(self.env._("This agent does not exist."))
        return self._hotline_logout(agent)

    @api.model
    def hotline_conference(self, agent_id):
        """Three-way conference: the agent's call and the supervisor in ConfBridge.

        Both parties of the agent's call are redirected (Redirect with
        ExtraChannel) into a room of ``conference_context``, then the
        supervisor's phone is originated into the same room."""
        self._hotline_check_supervisor()
        agent = self.env["res.users"].browse(int(agent_id)).exists()
        if not agent:
            raise UserError(self.env._("This agent does not exist."))
        supervisor = self.env.user
        pbx = self._hotline_pbx_for()
        room = f"7{agent.hotline_extension or agent.id}"

        def do(ami, channels, agent_channel):
            peer = pbx._hotline_peer_channel(channels, agent_channel)
            fields_ = {
                "Channel": agent_channel["Channel"],
                "Context": pbx.conference_context,
                "Exten": room,
                "Priority": 1,
            }
            if peer is not None:
                fields_.update(
                    ExtraChannel=peer["Channel"],
                    ExtraContext=pbx.conference_context,
                    ExtraExten=room,
                    ExtraPriority=1,
                )
            ami.action("Redirect", **fields_)

        pbx._hotline_with_call(agent, do)
        result = pbx._hotline_originate(
            {
                "Channel": pbx._hotline_interface(supervisor),
                "Application": "ConfBridge",
                "Data": room,
            }
        )
        if result is not None and result.get("Response") != "Success":
            raise UserError(
                self._hotline_originate_failure(result, supervisor.hotline_extension)
            )
        return self._hotline_notify(
            self.env._(
                "Conference %(room)s with %(agent)s started.",
                room=room,
                agent=agent.name,
            )
        )
