# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .ivr_common import IvrCommon


@tagged("post_install", "-at_install")
class TestIvrFlow(IvrCommon):
    def test_snapshot(self):
        snap = self.flow._hotline_snapshot()
        nodes = self.nodes
        self.assertEqual(snap["start"], nodes["Open?"]._hotline_key())
        self.assertEqual(snap["languages"], ["zh_CN", "en_US"])
        self.assertEqual(snap["fallback"], {"type": "queue", "queue": "repair"})
        menu = snap["nodes"][nodes["Main menu"]._hotline_key()]
        self.assertEqual(
            menu["options"],
            {
                "1": nodes["To billing"]._hotline_key(),
                "2": nodes["To repairs"]._hotline_key(),
                "9": nodes["English"]._hotline_key(),
            },
        )
        self.assertEqual(
            menu["prompt"],
            {"zh_CN": "hotline/zh_CN/menu", "en_US": "hotline/en_US/menu"},
        )
        hours = snap["nodes"][nodes["Open?"]._hotline_key()]
        self.assertEqual(hours["value"], self.calendar.id)
        self.assertEqual(
            hours["branches"],
            {
                "open": nodes["Welcome"]._hotline_key(),
                "closed": nodes["Closed"]._hotline_key(),
            },
        )
        billing = snap["nodes"][nodes["To billing"]._hotline_key()]
        self.assertEqual(
            (billing["target"], billing["vip_queue"], billing["first_contact_days"]),
            ("billing", "vip", 7),
        )

    def test_version_changes_with_a_node(self):
        before = self.flow._hotline_version()
        self.env.cr.execute(
            "UPDATE hotline_ivr_node SET write_date = write_date - interval '1 hour'"
        )
        for table in (
            "hotline_ivr_flow",
            "hotline_ivr_node_option",
            "hotline_ivr_prompt",
        ):
            self.env.cr.execute(
                f"UPDATE {table} SET write_date = write_date - interval '1 hour'"
            )
        self.env.invalidate_all()
        older = self.flow._hotline_version()
        self.assertNotEqual(before, older)
        self.nodes["Bye"].name = "Goodbye"
        self.assertGreater(self.flow._hotline_version(), older)

    def test_menu_option_pointing_nowhere(self):
        option = self.nodes["Main menu"].option_ids.filtered(lambda o: o.digit == "9")
        with self.assertRaisesRegex(ValidationError, "Main menu: option 9"):
            option.target_node_id = False

    def test_unreachable_node(self):
        with self.assertRaisesRegex(ValidationError, "Orphan cannot be reached"):
            self.env["hotline.ivr.node"].create(
                {"flow_id": self.flow.id, "name": "Orphan", "node_type": "hangup"}
            )

    def test_loop_without_exit(self):
        self.flow.action_draft()
        Node = self.env["hotline.ivr.node"]
        ping = Node.create(
            {"flow_id": self.flow.id, "name": "Ping", "node_type": "play"}
        )
        pong = Node.create(
            {
                "flow_id": self.flow.id,
                "name": "Pong",
                "node_type": "play",
                "next_node_id": ping.id,
            }
        )
        ping.next_node_id = pong
        self.nodes["Main menu"].option_ids = [
            (0, 0, {"digit": "8", "target_node_id": ping.id})
        ]
        with self.assertRaisesRegex(
            ValidationError, "Ping is in a loop the caller can never leave"
        ):
            self.flow.action_publish()
        pong.next_node_id = self.nodes["Bye"]
        self.flow.action_publish()

    def test_missing_prompt_for_language(self):
        self.prompts["bye"].write({"audio_en_us": False, "audio_en_us_filename": False})
        with self.assertRaisesRegex(
            ValidationError, "Bye: its prompt has no audio for en_US"
        ):
            self.flow.action_publish()
        with self.assertRaisesRegex(ValidationError, "Bye: its prompt has no audio"):
            self.nodes["Bye"].prompt_id = self.prompts["warning"].copy(
                {"code": "warn2", "audio_en_us": False, "audio_en_us_filename": False}
            )
        self.flow.lang_en_us = False  # Chinese only: fine
        self.flow.action_publish()

    def test_draft_flow_can_be_built_step_by_step(self):
        flow = self.env["hotline.ivr.flow"].create(
            {
                "name": "Draft",
                "fallback_type": "voicemail",
                "fallback_mailbox": "1@default",
            }
        )
        first = self.env["hotline.ivr.node"].create(
            {"flow_id": flow.id, "name": "A", "node_type": "play"}
        )
        self.env["hotline.ivr.node"].create(
            {"flow_id": flow.id, "name": "B", "node_type": "hangup"}
        )
        with self.assertRaisesRegex(ValidationError, "B cannot be reached"):
            flow.action_publish()
        self.assertEqual(flow.state, "draft")
        first.next_node_id = flow.node_ids[1]
        flow.action_publish()
        self.assertEqual(flow.state, "published")

    def test_government_intake_without_menu(self):
        """GB/T 33358: straight to an agent, no menu."""
        flow = self.env["hotline.ivr.flow"].create(
            {
                "name": "12345 intake",
                "fallback_type": "queue",
                "fallback_queue_id": self.q_repair.id,
                "node_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "To intake",
                            "node_type": "transfer",
                            "queue_id": self.q_billing.id,
                        },
                    )
                ],
            }
        )
        flow.action_publish()
        snap = flow._hotline_snapshot()
        self.assertEqual([n["type"] for n in snap["nodes"].values()], ["transfer"])

    def test_fallback_and_transfer_required(self):
        with self.assertRaisesRegex(ValidationError, "needs a fallback queue"):
            self.env["hotline.ivr.flow"].create({"name": "No fallback"})
        flow = self.env["hotline.ivr.flow"].create(
            {
                "name": "T",
                "fallback_type": "voicemail",
                "fallback_mailbox": "1@default",
                "node_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Agent",
                            "node_type": "transfer",
                            "target_type": "agent",
                        },
                    )
                ],
            }
        )
        with self.assertRaisesRegex(
            ValidationError, "Transfer node Agent has no queue"
        ):
            flow.action_publish()

    def test_did_maps_to_flow(self):
        Did = self.env["hotline.did"]
        Did.create({"number": "4008123456", "kind": "400", "flow_id": self.flow.id})
        Did.create({"number": "02588886666", "kind": "local", "flow_id": self.flow.id})
        self.assertEqual(Did._hotline_flow_for("400-812-3456"), self.flow)
        self.assertFalse(Did._hotline_flow_for("95158"))
        with self.assertRaisesRegex(ValidationError, "not a 800 number"):
            Did.create({"number": "4001234567", "kind": "800", "flow_id": self.flow.id})
        with self.assertRaisesRegex(ValidationError, "digits only"):
            Did.create({"number": "abc", "kind": "local", "flow_id": self.flow.id})

    def test_form_editor(self):
        """The web client's editor: flow form, node popup with per-type options."""
        admin = self.role_users["hotline_admin"]
        with Form(self.env["hotline.ivr.flow"].with_user(admin)) as form:
            form.name = "Form flow"
            form.fallback_type = "voicemail"
            form.fallback_mailbox = "200@default"
            with form.node_ids.new() as node:
                node.name = "Only"
                node.node_type = "voicemail"
                node.mailbox = "200@default"
        flow = form.record
        flow.action_publish()
        self.assertEqual(flow.node_ids.mailbox, "200@default")

    def test_access(self):
        agent = self.role_users["agent"]
        self.assertTrue(self.flow.with_user(agent).name)
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                self.flow.with_user(self.role_users[role]).write({"name": "x"})
            with self.assertRaises(AccessError, msg=role):
                self.prompts["bye"].with_user(self.role_users[role]).write(
                    {"name": "x"}
                )
        admin = self.role_users["hotline_admin"]
        self.prompts["bye"].with_user(admin).name = "Goodbye"
        self.env["hotline.did"].with_user(admin).create(
            {"number": "8001234567", "kind": "800", "flow_id": self.flow.id}
        )
        menus = self.visible_menus(admin)
        self.assertIn(self.env.ref("hotline_callcenter.hotline_ivr_flow_menu"), menus)
        self.assertNotIn(
            self.env.ref("hotline_callcenter.hotline_ivr_flow_menu"),
            self.visible_menus(self.role_users["supervisor"]),
        )
        self.assertIn(
            self.env.ref("hotline_callcenter.hotline_queue_menu"),
            self.visible_menus(self.role_users["supervisor"]),
        )
        self.assertIn(
            self.env.ref("hotline_callcenter.hotline_call_waiting_menu"),
            self.visible_menus(agent),
        )


@tagged("post_install", "-at_install")
class TestIvrServiceNode(IvrCommon):
    """Business query (service) nodes: snapshot and save-time validation."""

    def _service_node(self, **vals):
        self.flow.action_draft()
        node = self.env["hotline.ivr.node"].create(
            dict(
                flow_id=self.flow.id,
                name="Case query",
                node_type="service",
                next_node_id=self.nodes["Bye"].id,
                **vals,
            )
        )
        self.nodes["Main menu"].option_ids = [
            (0, 0, {"digit": "5", "target_node_id": node.id})
        ]
        return node

    def test_snapshot_of_a_service_node(self):
        node = self._service_node(service_code="case_query")
        node.option_ids = [
            (0, 0, {"outcome": "locked", "target_node_id": self.nodes["Closed"].id}),
            (0, 0, {"outcome": "not_found", "target_node_id": False}),
        ]
        snap = self.flow._hotline_snapshot()["nodes"][node._hotline_key()]
        self.assertEqual(snap["type"], "service")
        self.assertEqual(snap["service"], "case_query")
        self.assertEqual(snap["next"], self.nodes["Bye"]._hotline_key())
        self.assertEqual(
            snap["branches"],
            {"locked": self.nodes["Closed"]._hotline_key(), "not_found": None},
        )
        # a menu keeps only its keys
        menu = self.flow._hotline_snapshot()["nodes"][
            self.nodes["Main menu"]._hotline_key()
        ]
        self.assertEqual(sorted(menu["options"]), ["1", "2", "5", "9"])

    def test_service_node_without_service_is_refused(self):
        self._service_node()
        with self.assertRaisesRegex(
            ValidationError, "Business query node Case query has no service"
        ):
            self.flow.action_publish()
        self.assertEqual(self.flow.state, "draft")

    def test_unknown_service_is_refused(self):
        # e.g. the add-on that registered it was uninstalled
        node = self._service_node(service_code="no_such_service")
        with self.assertRaisesRegex(
            ValidationError,
            "Business query node Case query: the service no_such_service is not "
            "installed",
        ):
            self.flow.action_publish()
        node.service_code = False
        with self.assertRaisesRegex(ValidationError, "Case query has no service"):
            self.flow.action_publish()

    def test_branch_needs_outcome_and_menu_option_a_key(self):
        node = self._service_node()
        with self.assertRaisesRegex(
            ValidationError, "Case query: each branch needs an outcome"
        ):
            node.option_ids = [(0, 0, {"digit": "1"})]
        with self.assertRaisesRegex(ValidationError, "Main menu: each option needs"):
            self.nodes["Main menu"].option_ids = [(0, 0, {"outcome": "x"})]

    def test_only_admins_edit_service_nodes(self):
        node = self._service_node(service_code="case_query")
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                node.with_user(self.role_users[role]).service_code = False
            with self.assertRaises(AccessError, msg=role):
                node.option_ids.with_user(self.role_users[role]).create(
                    {"node_id": node.id, "outcome": "locked"}
                )
        self.assertEqual(node.with_user(self.role_users["agent"]).node_type, "service")
        admin = self.role_users["hotline_admin"]
        node.with_user(admin).option_ids = [(0, 0, {"outcome": "locked"})]
        self.assertEqual(node.option_ids.outcome, "locked")

    def test_service_node_in_the_editor(self):
        """The service list comes from ``_hotline_ivr_services`` (add-ons)."""
        admin = self.role_users["hotline_admin"]
        Flow = type(self.env["hotline.ivr.flow"])
        registered = Flow._hotline_ivr_services

        def services(flow):
            return dict(registered(flow), balance=("Balance", "_balance"))

        self.flow.action_draft()
        with patch.object(Flow, "_hotline_ivr_services", services):
            selection = self.env["hotline.ivr.node"]._selection_service_code()
            self.assertIn(("balance", "Balance"), selection)
            with (
                Form(self.flow.with_user(admin)) as form,
                form.node_ids.new() as node,
            ):
                node.name = "Query"
                node.node_type = "service"
                node.service_code = "balance"
                node.next_node_id = self.nodes["Bye"]
            node = self.flow.node_ids.filtered(lambda n: n.name == "Query")
            self.assertEqual(node.service_code, "balance")
        labels = dict(
            self.env["hotline.ivr.node"]
            ._fields["node_type"]
            ._description_selection(self.env)
        )
        self.assertEqual(labels["service"], "Business query")


@tagged("post_install", "-at_install")
class TestIvrBlacklistPrompts(IvrCommon):
    """A blacklist node is never silent: shipped prompts, fields, publish check."""

    def test_shipped_prompts_are_the_defaults_and_in_the_snapshot(self):
        ref = "hotline_callcenter.hotline_ivr_prompt_blacklist_"
        warning = self.env.ref(ref + "warning")
        refused = self.env.ref(ref + "refused")
        billing = self.nodes["To billing"]
        self.assertEqual(
            (billing.warn_prompt_id, billing.refuse_prompt_id), (warning, refused)
        )
        for prompt in (warning, refused):
            self.assertEqual(prompt._hotline_languages(), ["zh_CN", "en_US"])
            # real audio Asterisk plays (GSM frames of 33 bytes)
            ext, data = prompt._hotline_audio("zh_CN")
            self.assertEqual((ext, len(data) % 33), ("gsm", 0))
            self.assertGreater(len(data), 33 * 50)  # over a second
        snap = self.flow._hotline_snapshot()["nodes"][billing._hotline_key()]
        self.assertEqual(
            snap["warn_prompt"],
            {
                "zh_CN": "hotline/zh_CN/blacklist_warning",
                "en_US": "hotline/en_US/blacklist_warning",
            },
        )
        self.assertEqual(
            snap["refuse_prompt"]["zh_CN"], "hotline/zh_CN/blacklist_refused"
        )
        # a node that does not check the blacklist carries no blacklist prompt
        repair = self.flow._hotline_snapshot()["nodes"][
            self.nodes["To repairs"]._hotline_key()
        ]
        self.assertNotIn("warn_prompt", repair)

    def test_digit_prompts_in_the_snapshot(self):
        digits = self.flow._hotline_snapshot()["digits"]
        self.assertEqual(
            digits["zh_CN"], {str(d): f"hotline/zh_CN/digit_{d}" for d in range(10)}
        )
        self.assertEqual(digits["en_US"]["7"], "hotline/en_US/digit_7")

    def test_silent_blacklist_node_cannot_be_published(self):
        billing = self.nodes["To billing"]
        # a published flow is checked on save (assertRaises rolls back)
        with (
            self.assertRaisesRegex(
                ValidationError, "has no blacklist warning prompt"
            ) as error,
            self.env.cr.savepoint(),
        ):
            billing.warn_prompt_id = False
        self.assertIn(
            "To billing checks the blacklist but has no blacklist warning prompt",
            str(error.exception),
        )
        billing.invalidate_recordset()  # nothing half-written
        self.assertTrue(billing.warn_prompt_id)
        self.flow.action_draft()
        billing.refuse_prompt_id = False
        with self.assertRaisesRegex(
            ValidationError, "To billing checks the blacklist but has no refusal prompt"
        ):
            self.flow.action_publish()
        self.assertEqual(self.flow.state, "draft")
        # a prompt without the audio of a flow language is silent for those callers
        chinese_only = self.env["hotline.ivr.prompt"].create(
            {
                "name": "Refused (zh)",
                "code": "refused_zh",
                "audio_zh_cn": self.prompts["bye"].audio_zh_cn,
                "audio_zh_cn_filename": "r.wav",
            }
        )
        billing.refuse_prompt_id = chinese_only
        with self.assertRaisesRegex(
            ValidationError, "To billing: its prompt has no audio for en_US"
        ):
            self.flow.action_publish()
        billing.refuse_prompt_id = self.prompts["bye"]
        self.flow.action_publish()
        # no blacklist check: no prompt needed
        self.flow.action_draft()
        billing.write({"check_blacklist": False, "warn_prompt_id": False})
        self.flow.action_publish()
        self.assertEqual(self.flow.state, "published")

    def test_blacklist_condition_node_needs_its_prompts(self):
        self.flow.action_draft()
        check = self.env["hotline.ivr.node"].create(
            {
                "flow_id": self.flow.id,
                "name": "Listed?",
                "node_type": "condition",
                "condition_type": "blacklist",
                "next_node_id": self.nodes["Main menu"].id,
                "refuse_prompt_id": False,
            }
        )
        self.nodes["Welcome"].next_node_id = check
        with self.assertRaisesRegex(
            ValidationError, "Listed\\? checks the blacklist but has no refusal prompt"
        ):
            self.flow.action_publish()
        check.refuse_prompt_id = self.env.ref(
            "hotline_callcenter.hotline_ivr_prompt_blacklist_refused"
        )
        self.flow.action_publish()
        snap = self.flow._hotline_snapshot()["nodes"][check._hotline_key()]
        self.assertEqual(snap["condition"], "blacklist")
        self.assertIn("en_US", snap["warn_prompt"])

    def test_only_admins_change_the_blacklist_prompts(self):
        billing = self.nodes["To billing"]
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                billing.with_user(self.role_users[role]).warn_prompt_id = self.prompts[
                    "warning"
                ]
        admin = self.role_users["hotline_admin"]
        billing.with_user(admin).warn_prompt_id = self.prompts["warning"]
        self.assertEqual(billing.warn_prompt_id, self.prompts["warning"])
