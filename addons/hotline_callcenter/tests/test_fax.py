# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fax through Asterisk (res_fax): received and sent through the connector's
fax agent against the AMI simulator (the PBX boundary), with real TIFF and
PDF conversions; fax boxes, forwarding, retries and rights per role."""

import io
import os
import tempfile
from datetime import timedelta
from xmlrpc.client import Fault

from PIL import Image, ImageDraw, PdfImagePlugin, TiffImagePlugin

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..cli.connector import EnvSink, PbxWorker
from ..cli.fax import EnvFaxStore, FaxAgent
from ..pbx.simulator import CAPTURE_PBX_SETTINGS, AmiSimulator
from .common import CallCenterCommon, serve_media

# Odoo registers only a few Pillow formats (odoo/tools/image.py): the fax
# formats are registered by importing their plugins
assert TiffImagePlugin and PdfImagePlugin


def make_tiff(pages=3):
    frames = []
    for index in range(pages):
        image = Image.new("1", (1728, 1200), 1)
        ImageDraw.Draw(image).rectangle(
            (100, 100 + 80 * index, 1200, 150 + 80 * index), fill=0
        )
        frames.append(image)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="group3",
        dpi=(204, 196),
    )
    return out.getvalue()


def make_pdf(pages=2):
    frames = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    for frame in frames:
        ImageDraw.Draw(frame).rectangle((60, 60, 400, 120), fill="black")
    out = io.BytesIO()
    frames[0].save(
        out, format="PDF", save_all=True, append_images=frames[1:], resolution=72
    )
    return out.getvalue()


class FaxCommon(CallCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spool = tempfile.mkdtemp(prefix="hotline-fax-")
        cls.addClassCleanup(cls._remove_spool)
        cls.media = serve_media(cls.spool)
        cls.media.start()
        cls.addClassCleanup(cls.media.stop)
        cls.pbx.write(
            dict(
                CAPTURE_PBX_SETTINGS,
                fax_path=cls.spool,
                fax_asterisk_dir="/var/spool/asterisk/fax",
            )
        )
        cls.agent2 = cls.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "fax_agent2",
                "groups_id": [(6, 0, cls.agent.groups_id.ids)],
            }
        )
        cls.box = cls.env["hotline.fax.box"].create(
            {
                "name": "Complaints fax",
                "pbx_id": cls.pbx.id,
                "numbers": "4008100300",
                "user_id": cls.agent.id,
                "station_id": "+86 10 8100 0300",
                "retry_count": 1,
                "retry_minutes": 5,
            }
        )
        cls.other_box = cls.env["hotline.fax.box"].create(
            {
                "name": "Billing fax",
                "pbx_id": cls.pbx.id,
                "numbers": "4008100301",
                "member_ids": [(6, 0, cls.agent2.ids)],
            }
        )

    @classmethod
    def _remove_spool(cls):
        for folder, _dirs, files in os.walk(cls.spool, topdown=False):
            for name in files:
                os.unlink(os.path.join(folder, name))
            os.rmdir(folder)

    def start_agent(self):
        sim = AmiSimulator(speed=0, auth_fail_delay=0).start()
        self.addCleanup(sim.stop)
        sim.fax_spool = self.spool
        self.pbx.ami_port = sim.port
        worker = PbxWorker(
            self.pbx.id,
            self.pbx.name,
            "127.0.0.1",
            sim.port,
            "odoo",
            "secret",
            EnvSink(self.env),
            timeout=2.0,
            contexts=self.pbx._hotline_correlator_contexts(),
        )
        worker.start(process=False)
        self.addCleanup(worker.stop)
        self.assertTrue(worker.client.wait_connected(5))
        self.clock = [fields.Datetime.now()]
        agent = FaxAgent(
            self.pbx.id,
            self.pbx.name,
            worker.client,
            EnvFaxStore(self.env),
            now=lambda: self.clock[0],
        )
        worker.event_listeners[:] = [agent.feed]
        return sim, worker, agent

    def settle(self, worker, agent, until, timeout=10.0):
        for _i in range(int(timeout / 0.05)):
            worker.process_pending(block=True, timeout=0.05)
            agent.process_events()
            self.env.invalidate_all()
            if until():
                return True
        self.fail("the simulated fax did not end in time")

    def pdf_attachment(self, pages=2, name="letter.pdf"):
        return self.env["ir.attachment"].create(
            {"name": name, "raw": make_pdf(pages), "mimetype": "application/pdf"}
        )


@tagged("post_install", "-at_install")
class TestFaxReceive(FaxCommon):
    def test_fax_received_filed_as_pdf(self):
        sim, worker, agent = self.start_agent()
        sim.receive_fax(
            "4008100300", "01066660000", make_tiff(3), remote_id="GOV OFFICE"
        )
        Fax = self.env["hotline.fax"]
        self.settle(worker, agent, lambda: Fax.search([("state", "=", "received")]))
        fax = Fax.search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(len(fax), 1)
        self.assertEqual(fax.direction, "in")
        self.assertEqual(fax.box_id, self.box)
        self.assertEqual(fax.pages, 3)
        self.assertEqual(fax.remote_station_id, "GOV OFFICE")
        self.assertEqual(fax.remote_number, "01066660000")
        self.assertEqual(fax.did, "4008100300")
        pdf = fax.attachment_id.raw
        self.assertTrue(pdf.startswith(b"%PDF-"))
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(pdf)
        self.assertEqual(len(document), 3)
        document.close()
        # the call log does not count the fax call as abandoned
        call = self.env["hotline.call"].search([("linkedid", "=", fax.linkedid)])
        self.assertEqual(call.disposition, "ended_by_ivr")
        # the owner is told, with the PDF
        self.assertIn(self.agent.partner_id, fax.message_partner_ids)
        # the same result again (a replay after a reconnection) changes nothing
        Fax.hotline_fax_results(
            self.pbx.id,
            [
                {
                    "kind": "done",
                    "direction": "in",
                    "uniqueid": fax.uniqueid,
                    "status": "FAILED",
                    "files": [],
                }
            ],
        )
        self.assertEqual(Fax.search_count([("pbx_id", "=", self.pbx.id)]), 1)
        self.assertEqual(fax.state, "received")

    def test_failed_reception_recorded_with_the_error(self):
        sim, worker, agent = self.start_agent()
        sim.receive_fax(
            "4008100300", "01066660000", error="The call dropped prematurely"
        )
        Fax = self.env["hotline.fax"]
        self.settle(worker, agent, lambda: Fax.search([("state", "=", "failed")]))
        fax = Fax.search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(fax.state, "failed")
        self.assertEqual(fax.error, "The call dropped prematurely")
        self.assertFalse(fax.attachment_id)
        self.assertEqual(fax.box_id, self.box)

    def test_file_outside_the_fax_folder_is_not_read(self):
        Fax = self.env["hotline.fax"]
        result = {
            "kind": "done",
            "direction": "in",
            "uniqueid": "pbx-99.1",
            "exten": "4008100300",
            "caller": "01066660000",
            "status": "SUCCESS",
            "pages": 1,
            "files": ["/etc/passwd"],
        }
        Fax.hotline_fax_results(self.pbx.id, [result])
        fax = Fax.search([("uniqueid", "=", "pbx-99.1")])
        self.assertEqual(fax.state, "failed")
        self.assertIn("/etc/passwd", fax.error)
        self.assertFalse(fax.attachment_id)
        # a damaged TIFF inside the folder: failed, nothing half written
        os.makedirs(os.path.join(self.spool, "in"), exist_ok=True)
        with open(os.path.join(self.spool, "in", "bad.tif"), "wb") as handle:
            handle.write(b"not a tiff at all")
        result.update(uniqueid="pbx-99.2", files=["/var/spool/asterisk/fax/in/bad.tif"])
        Fax.hotline_fax_results(self.pbx.id, [result])
        fax = Fax.search([("uniqueid", "=", "pbx-99.2")])
        self.assertEqual(fax.state, "failed")
        self.assertFalse(fax.attachment_id)

    def test_box_forwards_by_email(self):
        self.box.forward_emails = "office@example.com, chief@example.com"
        sim, worker, agent = self.start_agent()
        sim.receive_fax("4008100300", "01066660000", make_tiff(2))
        Fax = self.env["hotline.fax"]
        self.settle(worker, agent, lambda: Fax.search([("state", "=", "received")]))
        fax = Fax.search([("pbx_id", "=", self.pbx.id)])
        self.assertTrue(fax.forwarded)
        mail = self.env["mail.mail"].search(
            [("model", "=", "hotline.fax"), ("res_id", "=", fax.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "office@example.com, chief@example.com")
        self.assertEqual(mail.attachment_ids, fax.attachment_id)
        self.assertIn("01066660000", mail.subject)

    def test_unknown_number_lands_without_box(self):
        sim, worker, agent = self.start_agent()
        sim.receive_fax("4008100999", "01066660000", make_tiff(1))
        Fax = self.env["hotline.fax"]
        self.settle(worker, agent, lambda: Fax.search([("state", "=", "received")]))
        fax = Fax.search([("pbx_id", "=", self.pbx.id)])
        self.assertFalse(fax.box_id)
        # only supervisors see it
        self.assertFalse(fax.with_user(self.agent).search([("id", "=", fax.id)]))
        self.assertTrue(fax.with_user(self.supervisor).search([("id", "=", fax.id)]))


@tagged("post_install", "-at_install")
class TestFaxSend(FaxCommon):
    def send(self, numbers, pages=2, user=None):
        wizard = (
            self.env["hotline.fax.send.wizard"]
            .with_user(user or self.agent)
            .create(
                {
                    "box_id": self.box.id,
                    "numbers": numbers,
                    "attachment_ids": [(6, 0, self.pdf_attachment(pages).ids)],
                }
            )
        )
        action = wizard.action_send()
        return self.env["hotline.fax"].search(action["domain"], order="id")

    def test_broadcast_sent_through_the_simulator(self):
        faxes = self.send("010 8888 6666, 021-5555-1234")
        self.assertEqual(len(faxes), 2)
        self.assertEqual(faxes.mapped("state"), ["queued", "queued"])
        self.assertEqual(faxes.mapped("remote_number"), ["01088886666", "02155551234"])
        tiff = Image.open(io.BytesIO(faxes[0].tiff_attachment_id.raw))
        self.assertEqual((tiff.n_frames, tiff.mode, tiff.width), (2, "1", 1728))
        self.assertEqual(faxes[0].pages, 2)
        sim, worker, agent = self.start_agent()
        self.assertEqual(agent.tick(), 2)
        originates = sim.fax.originates
        self.assertEqual(len(originates), 2)
        self.assertEqual(originates[0][2], "hotline-fax-send")
        self.assertEqual(
            originates[0][3]["HOTLINE_FAX_FILE"],
            f"/var/spool/asterisk/fax/out/fax-{faxes[0].id}-1.tif",
        )
        self.assertEqual(originates[0][3]["LOCALSTATIONID"], "+86 10 8100 0300")
        self.assertTrue(
            os.path.exists(os.path.join(self.spool, "out", f"fax-{faxes[0].id}-1.tif"))
        )
        self.settle(worker, agent, lambda: set(faxes.mapped("state")) == {"sent"})
        self.assertEqual(faxes.mapped("pages"), [2, 2])
        self.assertEqual(faxes[0].remote_station_id, sim.fax.remote_id)
        self.assertEqual(faxes.mapped("attempts"), [1, 1])

    def test_busy_then_retry_then_sent(self):
        faxes = self.send("01077778888")
        sim, worker, agent = self.start_agent()
        sim.fax.script["01077778888"] = ["busy", "sent"]
        self.assertEqual(agent.tick(), 1)
        self.settle(worker, agent, lambda: faxes.state == "queued")
        self.assertEqual(faxes.error, "Busy")
        self.assertEqual(faxes.attempts, 1)
        # not before the box's delay
        self.assertEqual(agent.tick(), 0)
        self.clock[0] += timedelta(minutes=6)
        self.assertEqual(agent.tick(), 1)
        self.settle(worker, agent, lambda: faxes.state == "sent")
        self.assertEqual(faxes.attempts, 2)
        self.assertFalse(faxes.error)

    def test_failed_after_the_last_retry(self):
        faxes = self.send("01077779999")
        sim, worker, agent = self.start_agent()
        sim.fax.script["01077779999"] = "fax_failed"
        agent.tick()
        self.settle(worker, agent, lambda: faxes.state == "queued")
        self.clock[0] += timedelta(minutes=6)
        agent.tick()
        self.settle(worker, agent, lambda: faxes.state == "failed")
        self.assertEqual(faxes.attempts, 2)
        self.assertEqual(faxes.error, "Timed out waiting for initial communication")
        # sent again by hand
        faxes.with_user(self.agent).action_retry()
        self.assertEqual((faxes.state, faxes.max_attempts), ("queued", 3))

    def test_attempt_without_result_is_given_up_late(self):
        fax = self.send("01088886666")
        Fax = self.env["hotline.fax"]
        now = fields.Datetime.now()
        specs = Fax.hotline_fax_plan(self.pbx.id, now=now)
        self.assertEqual([s["fax_id"] for s in specs], [fax.id])
        self.assertEqual(fax.state, "sending")
        # an hour later the result may still come: nothing is sent again
        self.assertEqual(
            Fax.hotline_fax_plan(self.pbx.id, now=now + timedelta(hours=1)), []
        )
        self.assertEqual(fax.state, "sending")
        later = now + timedelta(hours=2)
        specs = Fax.hotline_fax_plan(self.pbx.id, now=later)
        self.assertEqual(fax.state, "queued")
        self.assertEqual(fax.error, "No result from the PBX for this attempt.")
        self.assertEqual(specs, [])  # the box's delay first
        specs = Fax.hotline_fax_plan(self.pbx.id, now=later + timedelta(minutes=5))
        self.assertEqual([s["fax_id"] for s in specs], [fax.id])
        self.assertEqual(fax.attempts, 2)

    def test_pbx_without_the_fax_context_fails_the_fax(self):
        self.pbx.fax_send_context = "no-such-fax"
        faxes = self.send("01088886666")
        _sim, _worker, agent = self.start_agent()
        with self.assertLogs("odoo.addons.hotline_callcenter.cli.fax", "WARNING"):
            self.assertEqual(agent.tick(), 0)
        self.assertEqual(faxes.state, "failed")
        self.assertEqual(faxes.error, "Extension does not exist.")

    def test_bad_input_queues_nothing(self):
        Fax = self.env["hotline.fax"]
        before = Fax.search_count([])
        with self.assertRaises(UserError):
            self.send("not a number")
        with self.assertRaises(UserError):
            self.send(" , ")
        png = io.BytesIO()
        Image.new("1", (10, 10)).save(png, format="PNG")
        wrong = self.env["ir.attachment"].create(
            {"name": "x.png", "raw": png.getvalue()}
        )
        with self.assertRaises(UserError):
            Fax._hotline_queue_faxes(self.box, "01088886666", wrong)
        damaged = self.env["ir.attachment"].create(
            {"name": "x.pdf", "raw": b"%PDF-1.4 damaged"}
        )
        with self.assertRaises(UserError):
            Fax._hotline_queue_faxes(self.box, "01088886666, 01088886667", damaged)
        self.assertEqual(Fax.search_count([]), before)

    def test_send_attachments_by_fax(self):
        first, second = self.pdf_attachment(1, "a.pdf"), self.pdf_attachment(2, "b.pdf")
        wizard = (
            self.env["hotline.fax.send.wizard"]
            .with_user(self.agent)
            .with_context(
                active_model="ir.attachment",
                active_id=first.id,
                active_ids=(first | second).ids,
            )
            .create({"box_id": self.box.id, "numbers": "01088886666"})
        )
        self.assertEqual(wizard.attachment_ids, first | second)
        fax = self.env["hotline.fax"].search(wizard.action_send()["domain"])
        self.assertEqual(fax.pages, 3)  # both documents, in order, in one fax
        self.assertEqual(fax.source_attachment_ids, first | second)

    def test_reply_prefills_the_sender(self):
        fax = self.env["hotline.fax"].create(
            {
                "direction": "in",
                "state": "received",
                "pbx_id": self.pbx.id,
                "box_id": self.box.id,
                "remote_number": "01066660000",
            }
        )
        action = fax.with_user(self.agent).action_reply()
        self.assertEqual(action["res_model"], "hotline.fax.send.wizard")
        self.assertEqual(action["context"]["default_numbers"], "01066660000")
        self.assertEqual(action["context"]["default_box_id"], self.box.id)


@tagged("post_install", "-at_install")
class TestFaxRoles(FaxCommon):
    def make_fax(self, box):
        return self.env["hotline.fax"].create(
            {
                "direction": "in",
                "state": "received",
                "pbx_id": self.pbx.id,
                "box_id": box.id,
                "remote_number": "01066660000",
            }
        )

    def test_agents_see_their_boxes_only(self):
        mine = self.make_fax(self.box)
        theirs = self.make_fax(self.other_box)
        Fax = self.env["hotline.fax"]
        self.assertEqual(Fax.with_user(self.agent).search([]), mine)
        self.assertEqual(Fax.with_user(self.agent2).search([]), theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.agent).read(["remote_number"])
        self.assertEqual(
            self.env["hotline.fax.box"].with_user(self.agent).search([]), self.box
        )
        both = Fax.with_user(self.supervisor).search(
            [("id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(both, mine | theirs)

    def test_only_admins_configure_boxes(self):
        Box = self.env["hotline.fax.box"]
        values = {"name": "New", "pbx_id": self.pbx.id, "numbers": "4008100302"}
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            with self.assertRaises(AccessError, msg=role):
                Box.with_user(self.role_users[role]).create(values)
        box = Box.with_user(self.role_users["hotline_admin"]).create(values)
        with self.assertRaises(AccessError):
            box.with_user(self.supervisor).write({"forward_emails": "a@example.com"})
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(AccessError, msg=role):
                self.env["hotline.fax"].with_user(self.role_users[role]).search([])

    def test_box_configuration_checked(self):
        Box = self.env["hotline.fax.box"]
        with self.assertRaises(ValidationError):
            Box.create({"name": "Dup", "pbx_id": self.pbx.id, "numbers": "4008100300"})
        with self.assertRaises(ValidationError):
            Box.create({"name": "Bad", "pbx_id": self.pbx.id, "numbers": "abc"})
        with self.assertRaises(ValidationError):
            self.box.forward_emails = "not an address"
        with self.assertRaises(ValidationError):
            self.box.station_id = "x" * 21

    def test_fax_folder_must_be_allowed(self):
        with self.assertRaises(ValidationError):
            self.pbx.fax_path = "/etc"


@tagged("post_install", "-at_install")
class TestFaxOnDemand(FaxCommon):
    """A caller of the fax-on-demand line types a fax number; the IVR (the
    connector's FastAGI handler, Asterisk's side played by the simulator)
    queues the chosen document to it."""

    DID = "4008100310"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["ir.attachment"].create(
            {"name": "tariffs.pdf", "raw": make_pdf(1), "mimetype": "application/pdf"}
        )
        queue = cls.env["hotline.queue"].create({"name": "Fax", "code": "faxq"})
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Fax on demand",
                "fallback_type": "queue",
                "fallback_queue_id": queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]
        collect = Node.create(
            {
                "flow_id": flow.id,
                "name": "Fax number",
                "node_type": "collect",
                "sequence": 1,
                "terminator": "#",
                "max_digits": 20,
                "variable_name": "fax_number",
            }
        )
        bye = Node.create({"flow_id": flow.id, "name": "Bye", "node_type": "hangup"})
        fax_node = Node.create(
            {
                "flow_id": flow.id,
                "name": "Send tariffs",
                "node_type": "fax_on_demand",
                "sequence": 2,
                "fax_document_id": cls.document.id,
                "fax_box_id": cls.box.id,
                "variable_name": "fax_number",
                "next_node_id": bye.id,
                "on_fail_node_id": collect.id,
            }
        )
        collect.next_node_id = fax_node
        flow.action_publish()
        cls.env["hotline.did"].create(
            {"number": cls.DID, "kind": "400", "flow_id": flow.id}
        )
        cls.fax_node = fax_node

    def call(self, dtmf):
        from ..cli.ivr_backend import make_agi_handler
        from ..pbx.fastagi import FastAgiServer
        from ..pbx.simulator.agi_caller import AgiCaller

        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        server = FastAgiServer("127.0.0.1", 0, make_agi_handler(self.registry, False))
        server.start()
        self.addCleanup(server.stop)
        caller = AgiCaller(
            "127.0.0.1",
            server.port,
            script=f"ivr?did={self.DID}",
            caller="13800138000",
            did=self.DID,
            dtmf=dtmf,
        )
        self.env.flush_all()
        caller.run()
        self.env.invalidate_all()
        return caller

    def test_document_queued_to_the_typed_number(self):
        self.call("12#01088886666#")
        fax = self.env["hotline.fax"].search([("direction", "=", "out")])
        self.assertEqual(len(fax), 1)
        self.assertEqual(fax.remote_number, "01088886666")
        self.assertEqual(fax.state, "queued")
        self.assertEqual(fax.box_id, self.box)
        self.assertEqual(fax.source_attachment_ids, self.document)
        self.assertTrue(fax.tiff_attachment_id)

    def test_daily_limit_per_caller_and_number(self):
        Fax = self.env["hotline.fax"]
        request = {"caller": "13800138000", "did": self.DID}
        outcomes = [
            Fax._hotline_fax_on_demand(
                request, self.document.id, self.box.id, f"0108888666{i}"
            )["outcome"]
            for i in range(4)
        ]
        self.assertEqual(outcomes, ["queued", "queued", "queued", "limit"])
        # another caller asking for a number already served three times
        other = {"caller": "13900139000", "did": self.DID}
        for _i in range(2):
            Fax._hotline_fax_on_demand(
                other, self.document.id, self.box.id, "01077770000"
            )
        self.assertEqual(
            Fax._hotline_fax_on_demand(
                {"caller": "13700137000"}, self.document.id, self.box.id, "01077770000"
            )["outcome"],
            "queued",
        )
        self.assertEqual(
            Fax._hotline_fax_on_demand(
                {"caller": "13600136000"}, self.document.id, self.box.id, "01077770000"
            )["outcome"],
            "limit",
        )
        self.assertEqual(Fax.search_count([("on_demand_caller", "!=", False)]), 6)

    def test_node_needs_a_pdf_and_a_box(self):
        with self.assertRaises(ValidationError):
            self.fax_node.fax_box_id = False
        png = self.env["ir.attachment"].create(
            {"name": "x.png", "raw": b"\x89PNG\r\n", "mimetype": "image/png"}
        )
        with self.assertRaises(ValidationError):
            self.fax_node.fax_document_id = png


@tagged("post_install", "-at_install")
class TestFaxRolesRpc(FaxCommon, HttpCase):
    """The same rights over XML-RPC (logins equal the passwords)."""

    def rpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute(
            self.env.cr.dbname, user.id, user.login, model, method, *args
        )

    def test_fax_rights_over_rpc(self):
        Fax = self.env["hotline.fax"]
        values = {"direction": "in", "state": "received", "pbx_id": self.pbx.id}
        mine = Fax.create(dict(values, box_id=self.box.id))
        theirs = Fax.create(dict(values, box_id=self.other_box.id))
        agent = self.agent
        self.assertEqual(
            self.rpc(
                agent, "hotline.fax", "search", [["id", "in", [mine.id, theirs.id]]]
            ),
            [mine.id],
        )
        with self.assertRaises(Fault):
            self.rpc(agent, "hotline.fax", "read", [theirs.id], ["remote_number"])
        found = self.rpc(
            self.supervisor,
            "hotline.fax",
            "search",
            [["id", "in", [mine.id, theirs.id]]],
        )
        self.assertEqual(sorted(found), sorted([mine.id, theirs.id]))
        with self.assertRaises(Fault):
            self.rpc(
                self.supervisor,
                "hotline.fax.box",
                "write",
                [self.box.id],
                {"forward_emails": "x@example.com"},
            )
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(Fault, msg=role):
                self.rpc(self.role_users[role], "hotline.fax", "search", [])
