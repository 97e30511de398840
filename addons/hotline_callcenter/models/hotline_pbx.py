# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An Asterisk server, and the one door Odoo talks to it through.

Every AMI action of the web client goes through :meth:`HotlinePbx._hotline_ami_session`
(one short session, one translation of AMI failures into a ``UserError``);
what to send is built by :mod:`..pbx.cti_actions` (plain Python). The
connector keeps its own event session (``cli/connector.py``).
"""

import contextlib
import datetime
import hashlib
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..pbx import cti_actions, sound_files
from ..pbx.ami_client import (
    AmiActionError,
    AmiAuthError,
    AmiClient,
    AmiConnectionRefused,
    AmiError,
    AmiTimeout,
)
from ..pbx.originate_tracker import make_action_id
from .hotline_ivr_prompt import AUDIO_FIELDS
from .hotline_recording import allowed_root, media_roots, sounds_roots

_logger = logging.getLogger(__name__)
# prompts changed this long before the last sync are read again: a transaction
# that committed late keeps the write_date of its start
SYNC_OVERLAP = datetime.timedelta(minutes=2)
CLICK_TO_DIAL_NOTIFICATION = "hotline/click_to_dial"


class HotlinePbx(models.Model):
    """An Asterisk server the connector keeps an AMI session with."""

    _name = "hotline.pbx"
    _description = "Hotline PBX (Asterisk)"
    _inherit = ["hotline.company.guard"]
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    host = fields.Char(
        required=True, default="127.0.0.1", help="AMI host name or address."
    )
    ami_port = fields.Integer(string="AMI port", required=True, default=5038)
    ami_user = fields.Char(string="AMI user", required=True, default="odoo")
    ami_secret = fields.Char(
        string="AMI secret", groups="hotline_base.group_admin", copy=False
    )
    agi_bind_address = fields.Char(
        string="FastAGI bind address",
        default="127.0.0.1",
        help="Address the connector's FastAGI server listens on.",
    )
    agi_port = fields.Integer(string="FastAGI port", default=4573)
    recording_path = fields.Char(
        default="/var/spool/asterisk/monitor",
        help="Folder where Asterisk writes call recordings, as the connector sees it. "
        "It must be one of the folders the server's configuration allows "
        "(hotline_media_roots in odoo.conf) or inside one.",
    )
    sounds_directory = fields.Char(
        default=lambda self: sounds_roots()[0],
        help="Asterisk's sounds folder as the connector (and Odoo, for Sync now) "
        "sees it. IVR prompts are written to <folder>/hotline/<language>/"
        "<code>.<extension>; Odoo owns that hotline sub-folder. It must be one "
        "of the folders the server's configuration allows (hotline_sounds_roots "
        "in odoo.conf) or inside one.",
    )
    prompts_synced_at = fields.Datetime(
        string="Prompts synced at",
        readonly=True,
        copy=False,
        help="Last time prompt files were written to or removed from the sounds "
        "folder.",
    )
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
    emergency_context = fields.Char(
        required=True,
        default="hotline-emergency",
        help="Dialplan context whose extensions ring a supervisor's phone with "
        "auto-answer: the agents' Emergency button calls the on-duty supervisor "
        "through it.",
    )
    duty_supervisor_id = fields.Many2one(
        "res.users",
        string="On-duty supervisor",
        domain="[('share', '=', False)]",
        help="Who the agents' Emergency button calls. Empty: the supervisor "
        "logged in to their queues for the longest time.",
    )
    campaign_context = fields.Char(
        required=True,
        default="hotline-campaign",
        help="Dialplan context outbound campaigns send the answered callee to "
        "(extension ivr: the campaign's IVR flow over FastAGI; extension "
        "agent: the campaign's queue).",
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
    fax_path = fields.Char(
        string="Fax folder",
        default="/var/spool/asterisk/fax",
        help="Asterisk's fax spool as Odoo and the connector see it: received "
        "faxes are read from its in/ folder, faxes to send are written into "
        "out/. It must be one of the folders the server's configuration allows "
        "(hotline_media_roots in odoo.conf) or inside one.",
    )
    fax_asterisk_dir = fields.Char(
        string="Fax folder (Asterisk)",
        default="/var/spool/asterisk/fax",
        help="The same folder as Asterisk names it (ReceiveFAX/SendFAX file "
        "names in the dialplan).",
    )
    fax_send_context = fields.Char(
        required=True,
        default="hotline-fax-send",
        help="Dialplan context (extension s) that runs SendFAX(${HOTLINE_FAX_FILE}) "
        "on the answered fax number.",
    )
    fax_ring_timeout = fields.Integer(
        string="Fax ring timeout (s)",
        default=60,
        help="How long a fax number may ring before the attempt counts as not "
        "answered.",
    )
    ami_timeout = fields.Float(
        string="AMI timeout (s)",
        default=5.0,
        help="How long Odoo waits for Asterisk to answer an action.",
    )

    _sql_constraints = [
        (
            "ami_port_range",
            "CHECK(ami_port > 0 AND ami_port < 65536)",
            "The AMI port must be between 1 and 65535.",
        ),
        (
            "agi_port_range",
            "CHECK(agi_port > 0 AND agi_port < 65536)",
            "The FastAGI port must be between 1 and 65535.",
        ),
    ]

    @api.constrains("recording_path", "voicemail_path")
    def _check_media_paths(self):
        """Odoo streams files from these folders: only the server's configuration
        decides which folders may be served (an admin could otherwise read
        /etc or odoo.conf through a recording)."""
        for pbx in self:
            for path in (pbx.recording_path, pbx.voicemail_path):
                if path and not allowed_root(path):
                    raise ValidationError(
                        self.env._(
                            "The folder %(folder)s is not one the server allows. "
                            "Choose one of %(roots)s (hotline_media_roots in the "
                            "server's configuration) or a folder inside one.",
                            folder=path,
                            roots=", ".join(media_roots()),
                        )
                    )

    @api.constrains("fax_path")
    def _check_fax_path(self):
        """Odoo reads received faxes from there and writes faxes to send: only
        the server's configuration decides which folders."""
        for pbx in self:
            if pbx.fax_path and not allowed_root(pbx.fax_path):
                raise ValidationError(
                    self.env._(
                        "The folder %(folder)s is not one the server allows. "
                        "Choose one of %(roots)s (hotline_media_roots in the "
                        "server's configuration) or a folder inside one.",
                        folder=pbx.fax_path,
                        roots=", ".join(media_roots()),
                    )
                )

    @api.constrains("sounds_directory")
    def _check_sounds_directory(self):
        """Odoo and the connector write (and remove) prompt files there: only
        the server's configuration decides where (an admin could otherwise
        make the server write into /etc or into Odoo's own folders)."""
        for pbx in self:
            if pbx.sounds_directory and not pbx._hotline_sounds_root():
                raise ValidationError(pbx._hotline_sounds_refusal())

    def _hotline_sounds_root(self):
        """Real path of the sounds folder when the server allows it."""
        self.ensure_one()
        return allowed_root(self.sounds_directory, sounds_roots())

    def _hotline_sounds_refusal(self):
        self.ensure_one()
        return self.env._(
            "The sounds folder %(folder)s is not one the server allows. Choose "
            "one of %(roots)s (hotline_sounds_roots in the server's "
            "configuration) or a folder inside one.",
            folder=self.sounds_directory,
            roots=", ".join(sounds_roots()),
        )

    @api.depends("name", "host", "ami_port")
    def _compute_display_name(self):
        for pbx in self:
            pbx.display_name = f"{pbx.name} ({pbx.host}:{pbx.ami_port})"

    # ------------------------------------------------------------------
    # IVR prompt files in Asterisk's sounds folder
    # ------------------------------------------------------------------
    def _hotline_prompt_sync_data(self, since=None):
        """What :func:`sound_files.sync` needs for this PBX's company.

        ``since``: only prompts written since then (minus an overlap) are read
        with their audio; archived ones are included so their files go.
        Returns ``(changed, keep, marker)``: ``keep`` lists every active
        prompt's files (read without the audio), ``marker`` is the newest
        write date seen (the next ``since``).
        """
        self.ensure_one()
        Prompt = self.env["hotline.ivr.prompt"].sudo().with_context(active_test=False)
        company = [("company_id", "=", self.company_id.id)]
        domain = list(company)
        if since:
            domain.append(("write_date", ">=", since - SYNC_OVERLAP))
        changed = Prompt.search(domain)
        keep = {lang: {} for lang in sound_files.LANGUAGES}
        sized = Prompt.with_context(bin_size=True).search(
            company + [("active", "=", True)]
        )
        for prompt in sized:
            for lang, (field, name_field) in AUDIO_FIELDS.items():
                if prompt[field]:
                    ext = (prompt[name_field] or "").rpartition(".")[2].lower()
                    keep[lang][prompt.code] = ext
        marker = max(changed.mapped("write_date"), default=since)
        files = []
        for prompt in changed:
            try:
                files.append(prompt._hotline_sound_files())
            except sound_files.SoundFileError as exc:
                # stored before uploads were checked: its files stay as they are
                _logger.warning(
                    "PBX %s: prompt %s not synced: %s", self.name, prompt.code, exc
                )
        return files, keep, marker

    def hotline_sync_prompts(self, since=None):
        """Write the prompt files of this PBX's company into its sounds folder.

        ``since=None`` syncs every prompt. Returns ``sound_files.sync``'s
        result plus ``marker`` (pass it as ``since`` next time). Raises
        ``sound_files.SoundFileError`` or ``OSError`` when the folder refuses.
        """
        self.ensure_one()
        # checked again on every sync: the record may predate the configuration
        if not self._hotline_sounds_root():
            raise sound_files.SoundFileError(self._hotline_sounds_refusal())
        changed, keep, marker = self._hotline_prompt_sync_data(since)
        result = sound_files.sync(self.sounds_directory, changed, keep)
        if result["written"] or result["removed"] or since is None:
            self.sudo().prompts_synced_at = fields.Datetime.now()
            _logger.info(
                "PBX %s: prompts synced to %s: %d written, %d unchanged, %d removed",
                self.name,
                self.sounds_directory,
                len(result["written"]),
                result["unchanged"],
                len(result["removed"]),
            )
        result["marker"] = marker
        result["directory"] = self.sounds_directory
        return result

    def action_sync_prompts(self):
        """Sync now: every prompt file, from the Odoo server (which must see
        the sounds folder; the connector also syncs within a minute)."""
        if not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only hotline admins sync prompt files."))
        messages = []
        for pbx in self:
            try:
                result = pbx.hotline_sync_prompts()
            except (sound_files.SoundFileError, OSError) as exc:
                raise UserError(
                    self.env._(
                        "Prompt files could not be written for PBX %(pbx)s: %(error)s",
                        pbx=pbx.name,
                        error=str(exc),
                    )
                ) from exc
            messages.append(
                self.env._(
                    "%(pbx)s: %(written)s written, %(unchanged)s unchanged, "
                    "%(removed)s removed.",
                    pbx=pbx.name,
                    written=len(result["written"]),
                    unchanged=result["unchanged"],
                    removed=len(result["removed"]),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": " ".join(messages)},
        }

    # ------------------------------------------------------------------
    # Dialplan settings
    # ------------------------------------------------------------------
    @api.constrains(
        "agent_channel_template",
        "trunk_channel_template",
        "inbound_contexts",
        "internal_context",
        "outbound_context",
        "hold_context",
        "conference_context",
        "emergency_context",
        "campaign_context",
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
            inbound = cti_actions.split_contexts(pbx.inbound_contexts)
            names = (inbound or [""]) + [
                pbx.internal_context,
                pbx.outbound_context,
                pbx.hold_context,
                pbx.conference_context,
                pbx.emergency_context,
                pbx.campaign_context,
            ]
            for name in cti_actions.bad_context_names(names)[:1]:
                raise ValidationError(
                    self.env._(
                        "“%(name)s” is not a dialplan context name (PBX %(pbx)s): "
                        "letters, digits, - and _ only.",
                        name=name,
                        pbx=pbx.name,
                    )
                )

    def _hotline_correlator_contexts(self):
        """The contexts :class:`~..pbx.correlator.CallCorrelator` classifies
        calls with, from this PBX's settings."""
        self.ensure_one()
        contexts = cti_actions.correlator_contexts(
            self.inbound_contexts,
            self.outbound_context,
            self.internal_context,
            self.agent_channel_template,
            self.campaign_context,
        )
        # the CTI hold's context: the caller's music there is hold time
        contexts["hold_contexts"] = frozenset({self.hold_context} - {None, False, ""})
        return contexts

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
        numbers = partners.mapped("mobile") + partners.mapped("phone")
        for number in numbers + blocked.mapped("number"):
            if not number:
                continue
            try:
                known.append(self._hotline_dialable(number))
            except UserError:
                continue
        dids = self.env["hotline.did"].search([]).mapped("number")
        return {
            "known": list(dict.fromkeys(known)),
            "dids": dids,
            "ivr": self._hotline_simulator_ivr_scripts(),
        }

    @api.model
    def _hotline_simulator_ivr_scripts(self):
        """Scripted IVR callers of the simulator's demo traffic: dicts of
        ``pbx.simulator.callers.IvrScript`` (name, caller, did, dtmf,
        hangup_at, hangup_when_done, weight). The add-ons whose demo has an
        IVR flow add theirs (see hotline_billing_ivr)."""
        return []

    # ------------------------------------------------------------------
    # The AMI session: the one door to Asterisk
    # ------------------------------------------------------------------
    def _hotline_ami_client(self, events=False, on_event=None):
        """An unopened :class:`AmiClient` on this PBX (use it in ``with``)."""
        self.ensure_one()
        pbx = self.sudo()
        return AmiClient(
            pbx.host,
            pbx.ami_port,
            pbx.ami_user,
            pbx.ami_secret or "",
            timeout=pbx.ami_timeout or 5.0,
            events=events,
            on_event=on_event,
        )

    @contextlib.contextmanager
    def _hotline_ami_session(self, refused=None):
        """One short AMI session: ``with pbx._hotline_ami_session() as ami:``.

        Any AMI failure inside (connection refused, timeout, bad credentials,
        an action refused) leaves as a ``UserError`` in the user's language
        (:meth:`_hotline_ami_error`); ``refused`` names what the user asked
        for in that message instead of the AMI action's name."""
        self.ensure_one()
        try:
            with self._hotline_ami_client() as ami:
                yield ami
        except AmiError as error:
            action = getattr(error, "action", None)
            _logger.info("AMI %s on %s refused: %s", action, self.display_name, error)
            message = self._hotline_ami_error(error, refused or action)
            raise UserError(message) from error

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
            if error.message == cti_actions.NO_SUCH_QUEUE and getattr(
                error, "fields", None
            ):
                return self._hotline_missing_queue_error(error.fields["Queue"])
            return self.env._(
                "Asterisk refused %(action)s: %(message)s",
                action=action or "",
                message=str(error),
            )
        return self.env._(
            "AMI error with %(where)s: %(message)s", where=where, message=str(error)
        )

    def _hotline_send(self, actions):
        """Send ``(action, fields)`` pairs in one session; the responses."""
        with self._hotline_ami_session() as ami:
            responses = [ami.action(action, **fields_) for action, fields_ in actions]
        _logger.info(
            "AMI %s on %s by uid %s: ok",
            ", ".join(a for a, _f in actions),
            self.display_name,
            self.env.uid,
        )
        return responses

    def _hotline_ami_action(self, action, **fields_):
        """Send one AMI action; raise a clear ``UserError`` when it fails."""
        return self._hotline_send([(action, fields_)])[0]

    def _hotline_with_call(self, user, callback):
        """Open one AMI session, find ``user``'s live channel and run
        ``callback(ami, channels, agent_channel)``."""
        self.ensure_one()
        interface = self._hotline_interface(user)
        with self._hotline_ami_session() as ami:
            channels = cti_actions.live_channels(ami)
            agent_channel = cti_actions.agent_channel(channels, interface)
            if agent_channel is None:
                raise UserError(self.env._("%s is not on a call.", user.name))
            return callback(ami, channels, agent_channel)

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
        return cti_actions.interface(
            self.agent_channel_template, user.hotline_extension
        )

    def _hotline_context_for(self, exten):
        """Where to dial ``exten``: an extension of the company's phones rings
        in the internal context, any other number goes out."""
        self.ensure_one()
        Users = self.env["res.users"].sudo()
        if cti_actions.is_internal_number(exten) and Users.search_count(
            [("hotline_extension", "=", exten)], limit=1
        ):
            return self.internal_context
        return self.outbound_context

    def action_test_connection(self):
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only Hotline administrators can test a PBX."))
        pbx = self.sudo()
        try:
            with pbx._hotline_ami_session() as ami:
                ami.action("Ping")
                banner = ami.banner or "Asterisk"
        except UserError as error:
            ok, text = False, str(error)
        else:
            ok = True
            text = self.env._(
                "Connected to %(pbx)s as %(user)s (%(banner)s).",
                pbx=pbx.display_name,
                user=pbx.ami_user,
                banner=banner,
            )
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
    # Originate: click-to-dial, supervisor phones
    # ------------------------------------------------------------------
    @api.model
    def _hotline_dialable(self, number):
        """The digits Asterisk dials for ``number`` (:func:`cti_actions.dialable`
        in the company's country).  ``UserError`` when it is not a number."""
        try:
            region = self.env.company.country_id.code or "CN"
            return cti_actions.dialable(number, region)
        except cti_actions.NotDialable as error:
            raise UserError(
                self.env._(
                    "“%s” is not a phone number that can be dialled.",
                    (number or "").strip(),
                )
            ) from error

    def _hotline_originate(self, user, fields_):
        """Async Originate on behalf of ``user``: Asterisk answers at once and
        the web request returns. The connector follows the Originate by its
        ActionID (``pbx.originate_tracker``) and tells ``user`` over the bus
        when their phone did not take the call
        (:meth:`_hotline_click_to_dial_results`)."""
        self.ensure_one()
        return self._hotline_ami_action(
            "Originate",
            action_id=make_action_id(user.id, self._hotline_action_tag()),
            **cti_actions.async_originate(fields_, self.originate_timeout),
        )

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
        pbx._hotline_originate(
            user,
            {
                "Channel": interface,
                "Context": pbx.outbound_context,
                "Exten": exten,
                "Priority": 1,
                "CallerID": f'"{exten}" <{exten}>',
                "Variable": variables,
            },
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
        """Hex that starts the ActionIDs of this database's Originates: a
        result from another database sharing the PBX (its user ids mean
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
            # a preview campaign's attempt dialled with click-to-dial
            self.env["hotline.campaign.attempt"]._hotline_preview_result(user, result)
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
            # a supervisor's ChanSpy / ConfBridge dials no number
            "title": self.env._("Click-to-dial")
            if result.get("number")
            else self.env._("Your phone"),
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
    # Queue membership (hotline.queue.member)
    # ------------------------------------------------------------------
    def _hotline_queue_actions(self, user, event, reason=""):
        """(action, fields) to send for ``user``'s login, logout or pause:
        one per queue they are a member of."""
        self.ensure_one()
        return self.env["hotline.queue.member"].hotline_member_actions(
            user, event, reason
        )

    def _hotline_queue_membership(self, actions):
        """Send the QueueAdd / QueueRemove ``actions`` in one AMI session
        (:func:`cti_actions.apply_membership`: "Already there" / "Not there"
        are success, a refusal takes back the QueueAdds made)."""
        self.ensure_one()
        if actions:
            with self._hotline_ami_session() as ami:
                cti_actions.apply_membership(ami, actions)

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

    # ------------------------------------------------------------------
    # CTI: what res.users' action_hotline_* buttons do (checks are there)
    # ------------------------------------------------------------------
    def _hotline_login(self, user, forced_by=None):
        """QueueAdd the agent's phone into each of their queues (being a member
        already, e.g. after an Asterisk restart, is a successful login).
        ``forced_by``: the supervisor who logs the agent in (forced login),
        kept on the session."""
        self.ensure_one()
        actions = self._hotline_queue_actions(user, "login")
        if not actions:
            raise UserError(self.env._("No queue is set for %s.", user.name))
        self._hotline_queue_membership(actions)
        Session = self.env["hotline.agent.session"]
        Session._hotline_close(user)
        Session._hotline_open(user, "login", forced_by=forced_by)
        self.env["hotline.agent.status"]._hotline_set_presence(user, "available")
        queues = ", ".join(f["Queue"] for _a, f in actions)
        if forced_by:
            return self._hotline_notify(
                self.env._(
                    "%(user)s logged in to %(queues)s.", user=user.name, queues=queues
                )
            )
        return self._hotline_notify(self.env._("Logged in to %s.", queues))

    def _hotline_force_login(self, agent):
        """A supervisor logs ``agent`` in to their queues (强制登入): the same
        QueueAdds as the agent's own login (app_queue refusals, e.g. "No such
        queue", come back as a UserError and take back the queues added), the
        session records who forced it."""
        self.ensure_one()
        if not agent.active or not agent.has_group("hotline_base.group_agent"):
            raise UserError(
                self.env._("%s is not an active hotline agent.", agent.name)
            )
        self._hotline_interface(agent)  # no extension: nothing to log in
        result = self._hotline_login(agent, forced_by=self.env.user)
        self.env["hotline.cti.event"]._hotline_log(
            "force_login", agent, target=agent.hotline_extension
        )
        return result

    def _hotline_logout(self, user, forced_by=None):
        self.ensure_one()
        actions = self._hotline_queue_actions(user, "logout")
        self._hotline_queue_membership(actions)
        self.env["hotline.agent.session"]._hotline_close(user, ended_by=forced_by)
        self.env["hotline.agent.status"]._hotline_set_presence(user, "logged_out")
        return self._hotline_notify(
            self.env._(
                "%(user)s logged out of %(queues)s.",
                user=user.name,
                queues=", ".join(f["Queue"] for _a, f in actions),
            )
        )

    def _hotline_pause(self, user, reason):
        """QueuePause in every queue, with the reason Asterisk shows and logs."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give a reason for the pause."))
        self._hotline_send(self._hotline_queue_actions(user, "pause", reason))
        Session = self.env["hotline.agent.session"]
        Session._hotline_close(user, kinds=("pause",))
        Session._hotline_open(user, "pause", reason)
        self.env["hotline.agent.status"]._hotline_set_presence(user, "paused", reason)
        return self._hotline_notify(self.env._("Paused: %s.", reason))

    def _hotline_unpause(self, user):
        self.ensure_one()
        self._hotline_send(self._hotline_queue_actions(user, "unpause"))
        self.env["hotline.agent.session"]._hotline_close(user, kinds=("pause",))
        self.env["hotline.agent.status"]._hotline_set_presence(user, "available")
        return self._hotline_notify(self.env._("Available again."))

    def _hotline_check_atxfer(self, agent_channel):
        """Refuse an attended transfer the call does not allow.

        Asterisk cannot refuse it: manager.c action_atxfer() queues the atxfer
        code and the digits as DTMF on the agent's channel and answers "Atxfer
        successfully queued"; only a bridge that gave the agent the transfer
        right (Queue()/Dial() option t, bridge_basic.c) turns them into a
        consultation call. Without it the caller hears the digits, and the
        agent hanging up "to complete the transfer" cuts the caller off. The
        options the caller's Queue() ran with are kept on the call."""
        call = self._hotline_call_of_channel(agent_channel)
        options = call.queue_options
        if not options and call.queue_id:
            options = "c" + call.queue_id._hotline_app_options()
        if not cti_actions.allows_atxfer(options):
            raise UserError(
                self.env._(
                    "This call cannot be transferred with consultation: queue "
                    "%(queue)s does not let agents transfer (Queue() option t). Use "
                    "a blind transfer, or ask an administrator to tick “Agents may "
                    "transfer” on the queue.",
                    queue=call.queue_id.display_name or call.queue_name or "",
                )
            )

    def _hotline_transfer(self, user, target, attended=False):
        """Blind (BlindTransfer) or attended (Atxfer) transfer of ``user``'s call."""
        self.ensure_one()
        target = (target or "").strip()
        if not target:
            raise UserError(
                self.env._("Choose the extension or number to transfer to.")
            )
        exten = self._hotline_dialable(target)
        context = self._hotline_context_for(exten)

        def do(ami, channels, agent_channel):
            if attended:
                self._hotline_check_atxfer(agent_channel)
            action, fields_ = cti_actions.transfer(
                agent_channel["Channel"], context, exten, attended
            )
            ami.action(action, **fields_)

        self._hotline_with_call(user, do)
        if attended:
            return self._hotline_notify(
                self.env._("Consulting %s: hang up to complete the transfer.", exten)
            )
        return self._hotline_notify(self.env._("Call transferred to %s.", exten))

    def _hotline_hold(self, user):
        """Put the other party on hold with music: Redirect it to the hold context.

        Asterisk has no AMI "hold" for a SIP phone (hold is a re-INVITE from the
        handset), so the server parks the caller in ``hold_context`` (extension
        ``s``: MusicOnHold()) and :meth:`_hotline_resume` brings it back to the
        agent's extension.
        """
        self.ensure_one()

        def do(ami, channels, agent_channel):
            peer = cti_actions.peer_channel(channels, agent_channel)
            if peer is None:
                raise UserError(self.env._("Nobody to put on hold."))
            action, fields_ = cti_actions.hold(peer["Channel"], self.hold_context)
            ami.action(action, **fields_)
            return peer["Channel"]

        user.sudo().hotline_held_channel = self._hotline_with_call(user, do)
        return self._hotline_notify(self.env._("The caller is on hold with music."))

    def _hotline_resume(self, user):
        self.ensure_one()
        if not user.hotline_held_channel:
            raise UserError(self.env._("No call is on hold."))
        # back to the agent's phone: the internal context rings extensions (the
        # outbound one may send any number to the trunk)
        action, fields_ = cti_actions.redirect(
            user.hotline_held_channel, self.internal_context, user.hotline_extension
        )
        self._hotline_ami_action(action, **fields_)
        user.sudo().hotline_held_channel = False
        return self._hotline_notify(self.env._("Call resumed: your phone rings."))

    def _hotline_hangup(self, user):
        """End ``user``'s call (their own Hang up, or a supervisor's)."""
        self.ensure_one()

        def do(ami, channels, agent_channel):
            action, fields_ = cti_actions.hangup(agent_channel["Channel"])
            ami.action(action, **fields_)

        self._hotline_with_call(user, do)

    def _hotline_spy(self, agent, mode="listen"):
        """ChanSpy on ``agent``'s phone from the current user's phone:
        listen (q), whisper (qw) or barge (qB)."""
        self.ensure_one()
        if mode not in cti_actions.SPY_OPTIONS:
            raise UserError(self.env._("Unknown listening mode %s.", mode))
        supervisor = self.env.user
        self._hotline_originate(
            supervisor,
            cti_actions.spy(
                self._hotline_interface(supervisor),
                self._hotline_interface(agent),
                mode,
                f'"{agent.name}" <{agent.hotline_extension}>',
            ),
        )
        labels = {
            "listen": self.env._("Listening to %s.", agent.name),
            "whisper": self.env._("Whispering to %s.", agent.name),
            "barge": self.env._("Barged into the call of %s.", agent.name),
        }
        return self._hotline_notify(labels[mode])

    def _hotline_conference(self, agent):
        """Three-way conference: ``agent``'s call and the current user in
        ConfBridge. Both parties of the agent's call are redirected (Redirect
        with ExtraChannel) into a room of ``conference_context``, then the
        supervisor's phone is originated into the same room."""
        self.ensure_one()
        supervisor = self.env.user
        room = cti_actions.conference_room(agent.hotline_extension, agent.id)

        def do(ami, channels, agent_channel):
            peer = cti_actions.peer_channel(channels, agent_channel)
            action, fields_ = cti_actions.conference_redirect(
                agent_channel["Channel"],
                peer and peer["Channel"],
                self.conference_context,
                room,
            )
            ami.action(action, **fields_)

        self._hotline_with_call(agent, do)
        self._hotline_originate(
            supervisor,
            cti_actions.conference_join(self._hotline_interface(supervisor), room),
        )
        return self._hotline_notify(
            self.env._(
                "Conference %(room)s with %(agent)s started.",
                room=room,
                agent=agent.name,
            )
        )

    # ------------------------------------------------------------------
    # Emergency call (紧急呼叫) and the agent's three-way call (多方通话)
    # ------------------------------------------------------------------
    def _hotline_call_of_channel(self, agent_channel):
        """The ``hotline.call`` of a live channel (its Linkedid), if logged."""
        self.ensure_one()
        return (
            self.env["hotline.call"]
            .sudo()
            .search(
                [
                    ("pbx_id", "=", self.id),
                    ("linkedid", "=", agent_channel.get("Linkedid") or "-"),
                ],
                limit=1,
            )
        )

    def _hotline_into_room(self, ami, channels, agent_channel, agent):
        """The ConfBridge room of the agent's call: the one the agent is in
        already, else both parties are Redirected into a new one
        (:func:`cti_actions.conference_redirect`)."""
        if agent_channel.get("Application") == "ConfBridge":
            return (agent_channel.get("ApplicationData") or "").split(",", 1)[0]
        room = cti_actions.conference_room(agent.hotline_extension, agent.id)
        peer = cti_actions.peer_channel(channels, agent_channel)
        action, fields_ = cti_actions.conference_redirect(
            agent_channel["Channel"],
            peer and peer["Channel"],
            self.conference_context,
            room,
        )
        ami.action(action, **fields_)
        return room

    def _hotline_originate_in(self, ami, user, fields_):
        """Async Originate on an open session, followed by the connector by
        its ActionID (a refusal reaches ``user`` over the bus)."""
        return ami.action(
            "Originate",
            action_id=make_action_id(user.id, self._hotline_action_tag()),
            **cti_actions.async_originate(fields_, self.originate_timeout),
        )

    def _hotline_duty_supervisor(self, agent):
        """The on-duty supervisor an emergency call goes to
        (:func:`cti_actions.pick_duty_supervisor`): the PBX record's on-duty
        supervisor, else the supervisor of the company logged in to their
        queues for the longest time; someone with a phone extension, never
        the agent themselves."""
        self.ensure_one()
        Users = self.env["res.users"].sudo()
        supervisors = Users.search(
            [
                ("groups_id", "in", self.env.ref("hotline_base.group_supervisor").id),
                ("company_ids", "in", self.company_id.id),
                ("share", "=", False),
            ]
        )
        since = {}
        for session in (
            self.env["hotline.agent.session"]
            .sudo()
            .search(
                [
                    ("user_id", "in", supervisors.ids),
                    ("kind", "=", "login"),
                    ("ended_at", "=", False),
                ],
                order="started_at",
            )
        ):
            since.setdefault(session.user_id.id, session.started_at)
        picked = cti_actions.pick_duty_supervisor(
            [
                {
                    "id": user.id,
                    "extension": user.hotline_extension,
                    "logged_in_at": since.get(user.id),
                }
                for user in supervisors
            ],
            designated_id=self.duty_supervisor_id.id,
            exclude_id=agent.id,
        )
        if not picked:
            raise UserError(
                self.env._(
                    "No supervisor is on duty: set the on-duty supervisor on PBX "
                    "%s, or a supervisor with a phone extension must be logged in "
                    "to the queues.",
                    self.display_name,
                )
            )
        return Users.browse(picked["id"])

    def _hotline_emergency(self, agent):
        """The agent's Emergency button: ring the on-duty supervisor's phone
        with auto-answer through ``emergency_context`` (Dial with a pre-dial
        handler adding Call-Info answer-after=0, see the shipped dialplan).
        On a call, the call is moved into ConfBridge first and the supervisor's
        phone is originated into the room (they hear the call at once);
        otherwise the agent's phone rings, then the supervisor's.  The
        supervisor gets a sticky notification on screen; the event is logged
        on the call and the agent."""
        self.ensure_one()
        supervisor = self._hotline_duty_supervisor(agent)
        interface = self._hotline_interface(agent)
        caller_id = cti_actions.emergency_caller_id(agent.hotline_extension)
        supervisor_channel = cti_actions.third_party_channel(
            supervisor.hotline_extension, self.emergency_context
        )
        with self._hotline_ami_session() as ami:
            channels = cti_actions.live_channels(ami)
            agent_channel = cti_actions.agent_channel(channels, interface)
            call = room = None
            if agent_channel:
                call = self._hotline_call_of_channel(agent_channel)
                room = self._hotline_into_room(ami, channels, agent_channel, agent)
                fields_ = cti_actions.party_join(supervisor_channel, room, caller_id)
            else:
                fields_ = cti_actions.emergency_call(
                    interface,
                    supervisor.hotline_extension,
                    self.emergency_context,
                    caller_id,
                )
            self._hotline_originate_in(ami, agent, fields_)
        if call and room:
            call.conference_room = room
        self.env["hotline.cti.event"]._hotline_log(
            "emergency",
            agent,
            call=call,
            target_user_id=supervisor.id,
            target=supervisor.hotline_extension,
            room=room or False,
        )
        Lang = self.with_context(lang=supervisor.lang or self.env.lang)
        if room:
            message = Lang.env._(
                "%(agent)s (extension %(ext)s) needs help on a call: your phone "
                "joins the call now.",
                agent=agent.name,
                ext=agent.hotline_extension,
            )
        else:
            message = Lang.env._(
                "%(agent)s (extension %(ext)s) needs help: your phone rings now.",
                agent=agent.name,
                ext=agent.hotline_extension,
            )
        supervisor._bus_send(
            "simple_notification",
            {
                "title": Lang.env._("Emergency call"),
                "message": message,
                "sticky": True,
                "type": "danger",
            },
        )
        return self._hotline_notify(
            self.env._("Calling %s (emergency).", supervisor.name), "warning"
        )

    def _hotline_conference_add(self, agent, target):
        """Three-way call started by the agent: the call moves into a
        ConfBridge room (both parties Redirected, once) and ``target`` (an
        extension or a number) is originated into it."""
        self.ensure_one()
        target = (target or "").strip()
        if not target:
            raise UserError(
                self.env._("Choose the extension or number to add to the call.")
            )
        exten = self._hotline_dialable(target)
        if exten == agent.hotline_extension:
            raise UserError(self.env._("You are already on this call."))
        context = self._hotline_context_for(exten)
        party = cti_actions.third_party_channel(exten, context)
        caller_id = f'"{agent.name}" <{agent.hotline_extension}>'

        def do(ami, channels, agent_channel):
            room = self._hotline_into_room(ami, channels, agent_channel, agent)
            self._hotline_originate_in(
                ami, agent, cti_actions.party_join(party, room, caller_id)
            )
            return room, self._hotline_call_of_channel(agent_channel)

        room, call = self._hotline_with_call(agent, do)
        if call:
            call.conference_room = room
        added = self.env["res.users"]
        if context == self.internal_context:
            added = (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("hotline_extension", "=", exten),
                        ("company_ids", "in", self.company_id.id),
                    ],
                    limit=1,
                )
            )
        self.env["hotline.cti.event"]._hotline_log(
            "conference_add",
            agent,
            call=call,
            target=exten,
            target_user_id=added.id,
            room=room,
        )
        return self._hotline_notify(
            self.env._(
                "Calling %s into the conference: stay on the line; leave when "
                "they have answered.",
                exten,
            )
        )

    def _hotline_conference_leave(self, agent):
        """The agent drops out of their three-way call: Hangup of their
        channel only (ConfbridgeLeave), the caller and the third party stay in
        the room.  Refused outside a conference or when nobody else would
        stay with the caller."""
        self.ensure_one()

        def do(ami, channels, agent_channel):
            if agent_channel.get("Application") != "ConfBridge":
                raise UserError(self.env._("You are not in a conference: use Hang up."))
            room = (agent_channel.get("ApplicationData") or "").split(",", 1)[0]
            base = agent_channel["Channel"].rsplit(";", 1)[0]
            others = [
                c
                for c in channels
                if c.get("Application") == "ConfBridge"
                and (c.get("ApplicationData") or "").split(",", 1)[0] == room
                and not c["Channel"].startswith(base)
            ]
            if len(others) < 2:
                raise UserError(
                    self.env._(
                        "The third party is not in the conference yet: the caller "
                        "would be left alone. Wait until they answer, or hang up."
                    )
                )
            action, fields_ = cti_actions.hangup(agent_channel["Channel"])
            ami.action(action, **fields_)
            return room, self._hotline_call_of_channel(agent_channel)

        room, call = self._hotline_with_call(agent, do)
        self.env["hotline.cti.event"]._hotline_log(
            "conference_leave", agent, call=call, room=room
        )
        return self._hotline_notify(
            self.env._("You left the conference; the others stay connected.")
        )
