"""Fax through res_fax (pbx/fax.py): the document conversions, the tracker of
res_fax's AMI events, and the simulated Asterisk (pbx/simulator/fax.py)
through a real AMI session."""

import io
import threading
import time

import pytest
from pbx import fax
from pbx.ami_client import AmiActionError, AmiClient
from pbx.ami_protocol import AmiMessage
from pbx.simulator import AmiSimulator
from pbx.simulator.dialplan import SHIPPED_DIALPLAN, Dialplan
from PIL import Image, ImageDraw, PdfImagePlugin, TiffImagePlugin

# registered even when Odoo (imported by other tests) limited Pillow's formats
assert TiffImagePlugin and PdfImagePlugin


def make_tiff(pages=3, dpi=(204, 196)):
    frames = []
    for index in range(pages):
        image = Image.new("1", (1728, 1100), 1)
        draw = ImageDraw.Draw(image)
        draw.rectangle((100, 100 + 100 * index, 900, 160 + 100 * index), fill=0)
        frames.append(image)
    out = io.BytesIO()
    frames[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="group3",
        dpi=dpi,
    )
    return out.getvalue()


def make_pdf(pages=2):
    frames = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    for index, frame in enumerate(frames):
        ImageDraw.Draw(frame).rectangle((50, 50, 300, 80 + 40 * index), fill="black")
    out = io.BytesIO()
    frames[0].save(
        out, format="PDF", save_all=True, append_images=frames[1:], resolution=72
    )
    return out.getvalue()


# -- conversions ---------------------------------------------------------------
def test_tiff_to_pdf_keeps_every_page():
    pdf, pages = fax.tiff_to_pdf(make_tiff(4))
    assert pages == 4
    assert pdf.startswith(b"%PDF-")
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    assert len(document) == 4
    # 204x196 dpi pixels squared: the page keeps the paper's proportions
    width, height = document[0].get_size()
    assert width == pytest.approx(1728 / 204 * 72, rel=0.01)
    assert height == pytest.approx(1100 / 196 * 72, rel=0.02)
    document.close()


def test_tiff_to_pdf_refuses_what_is_not_a_tiff():
    with pytest.raises(fax.FaxDocumentError):
        fax.tiff_to_pdf(b"not an image")
    png = io.BytesIO()
    Image.new("1", (10, 10)).save(png, format="PNG")
    with pytest.raises(fax.FaxDocumentError):
        fax.tiff_to_pdf(png.getvalue())


def test_pdf_to_tiff_is_a_tiff_f():
    tiff, pages = fax.pdf_to_tiff([make_pdf(2), make_pdf(1)])
    assert pages == 3
    image = Image.open(io.BytesIO(tiff))
    assert image.n_frames == 3
    for index in range(3):
        image.seek(index)
        assert image.mode == "1"
        assert image.width == fax.FAX_WIDTH
        assert image.info["compression"] == "group3"
        assert tuple(round(v) for v in image.info["dpi"]) == (204, 196)
    # something was drawn: black dots on the page
    image.seek(0)
    assert image.convert("L").getextrema()[0] == 0


def test_pdf_to_tiff_refuses_a_damaged_pdf():
    with pytest.raises(fax.FaxDocumentError):
        fax.pdf_to_tiff([b"%PDF-1.4 garbage"])
    with pytest.raises(fax.FaxDocumentError):
        fax.pdf_to_tiff([])


def test_split_numbers():
    assert fax.split_numbers("010 8888 6666, 021-5555-1234\n010 8888 6666") == [
        "01088886666",
        "02155551234",
    ]
    assert fax.split_numbers("01088886666;+862155551234") == [
        "01088886666",
        "+862155551234",
    ]
    assert fax.split_numbers(" , ") == []


def test_originate_fields():
    spec = {
        "channel": "PJSIP/01088886666@trunk",
        "context": "hotline-fax-send",
        "file": "/var/spool/asterisk/fax/out/fax-7-1.tif",
        "fax_id": 7,
        "channel_id": fax.make_channel_id(7),
        "timeout": 45,
        "station_id": "+86 10 8100 0300",
        "header": "Hotline, Beijing",
    }
    fields = fax.originate_fields(spec)
    assert fields["Context"] == "hotline-fax-send"
    assert (fields["Exten"], fields["Priority"], fields["Async"]) == ("s", "1", "true")
    assert fields["Timeout"] == "45000"
    assert (
        "HOTLINE_FAX_FILE=/var/spool/asterisk/fax/out/fax-7-1.tif" in fields["Variable"]
    )
    # a comma would split the Variable header: never inside a value
    assert "LOCALHEADERINFO=Hotline  Beijing" in fields["Variable"]
    assert fax.fax_of_channel(fields["ChannelId"]) == 7
    assert fax.fax_of_action(fax.make_action_id(7)) == 7
    assert fax.fax_of_action("hotline-cp-7-abcd") is None


# -- the tracker, on events as res_fax sends them --------------------------------
def ev(name, **fields):
    return AmiMessage([("Event", name), *fields.items()])


def test_tracker_reception_success():
    tracker = fax.FaxTracker()
    uid = "pbx-1.1"
    base = {"Uniqueid": uid, "Linkedid": uid, "Exten": "4008100300"}
    out = tracker.feed(
        ev(
            "FAXStatus",
            Operation="receive",
            Status="Allocating Resources",
            CallerIDNum="01066660000",
            **base,
        )
    )
    assert out[0]["kind"] == "receiving"
    assert out[0]["exten"] == "4008100300"
    assert tracker.feed(ev("FAXStatus", Operation="receive", **base)) == []
    for name, value in (
        ("FAXSTATUS", "SUCCESS"),
        ("FAXSTATUSSTRING", "OK"),
        ("FAXPAGES", "3"),
    ):
        assert tracker.feed(ev("VarSet", Variable=name, Value=value, **base)) == []
    done = tracker.feed(
        AmiMessage(
            [
                ("Event", "ReceiveFAX"),
                *base.items(),
                ("CallerIDNum", "01066660000"),
                ("LocalStationID", "HOTLINE"),
                ("RemoteStationID", "REMOTE"),
                ("PagesTransferred", "3"),
                ("Resolution", "8040x7700"),
                ("TransferRate", "14400"),
                ("FileName", "/a.tif"),
                ("FileName", "/b.tif"),
            ]
        )
    )
    assert done[0]["kind"] == "done" and done[0]["direction"] == "in"
    assert (done[0]["status"], done[0]["pages"], done[0]["error"]) == ("SUCCESS", 3, "")
    assert done[0]["files"] == ["/a.tif", "/b.tif"]
    assert done[0]["remote_station_id"] == "REMOTE"
    # its Hangup adds nothing
    assert tracker.feed(ev("Hangup", Cause="16", **base)) == []


def test_tracker_reception_hung_up_without_event():
    tracker = fax.FaxTracker()
    base = {"Uniqueid": "pbx-1.2", "Linkedid": "pbx-1.2", "Exten": "4008100300"}
    tracker.feed(ev("FAXStatus", Operation="receive", **base))
    done = tracker.feed(ev("Hangup", Cause="16", **base))
    assert done[0]["kind"] == "done"
    assert (done[0]["status"], done[0]["error"]) == ("FAILED", "HANGUP")


def test_tracker_outbound_not_answered_waits_for_the_cause():
    tracker = fax.FaxTracker()
    uid = fax.make_channel_id(5)
    action = fax.make_action_id(5)
    assert tracker.feed(ev("Newchannel", Uniqueid=uid)) == []
    assert (
        tracker.feed(
            ev(
                "OriginateResponse",
                ActionID=action,
                Response="Failure",
                Reason="5",
                Uniqueid=uid,
            )
        )
        == []
    )
    out = tracker.feed(ev("Hangup", Uniqueid=uid, Cause="17"))
    assert out == [
        {
            "kind": "not_sent",
            "fax_id": 5,
            "result": "busy",
            "reason": "5",
            "cause": "17",
        }
    ]
    # no channel at all: the response says it
    out = tracker.feed(
        ev(
            "OriginateResponse",
            ActionID=fax.make_action_id(6),
            Response="Failure",
            Reason="0",
            Uniqueid=fax.make_channel_id(6),
        )
    )
    assert out[0]["result"] == "failed" and out[0]["fax_id"] == 6
    # other Originates are not ours
    assert (
        tracker.feed(
            ev("OriginateResponse", ActionID="hotline-cp-1-ab", Response="Failure")
        )
        == []
    )


# -- the simulator ------------------------------------------------------------------
@pytest.fixture
def sim(tmp_path):
    server = AmiSimulator(speed=0, auth_fail_delay=0).start()
    server.fax_spool = str(tmp_path)
    events = []
    client = AmiClient(
        "127.0.0.1", server.port, "odoo", "secret", timeout=3, on_event=events.append
    )
    client.__enter__()
    server.test_client = client
    server.test_events = events
    yield server
    client.__exit__(None, None, None)
    server.stop()


def wait_for(events, name, count=1, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in events if e.get("Event") == name]
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no {name} event")


def test_simulator_receives_a_fax_as_res_fax_reports_it(sim, tmp_path):
    tiff = make_tiff(3)
    uid = sim.receive_fax("4008100300", "01066660000", tiff, remote_id="REMOTE FAX")
    done = wait_for(sim.test_events, "ReceiveFAX")[0]
    # manager_channels.c channel_fax_cb: snapshot, then the fax fields in order
    keys = [k for k, _v in done.pairs]
    fax_keys = [
        "LocalStationID",
        "RemoteStationID",
        "PagesTransferred",
        "Resolution",
        "TransferRate",
        "FileName",
    ]
    assert keys[-len(fax_keys) :] == fax_keys
    assert keys.index("Linkedid") < keys.index("LocalStationID")
    assert done.get("PagesTransferred") == "3"
    assert done.get("FileName") == f"/var/spool/asterisk/fax/in/{uid}.tif"
    assert (tmp_path / "in" / f"{uid}.tif").read_bytes() == tiff
    # the variables came before, FAXERROR only for failures
    variables = [
        e.get("Variable") for e in sim.test_events if e.get("Event") == "VarSet"
    ]
    assert variables[0] == "HOTLINE_IVR_END"  # the dialplan's Set() first
    # generic_fax_exec: LOCALSTATIONID and FAXPAGES 0, then the results
    assert variables[1:] == [
        "LOCALSTATIONID",
        "FAXPAGES",
        "FAXSTATUS",
        "FAXSTATUSSTRING",
        "REMOTESTATIONID",
        "LOCALSTATIONID",
        "FAXBITRATE",
        "FAXRESOLUTION",
        "FAXPAGES",
    ]
    assert "FAXERROR" not in variables
    tracker = fax.FaxTracker()
    results = [r for e in list(sim.test_events) for r in tracker.feed(e)]
    assert [r["kind"] for r in results] == ["receiving", "done"]
    assert (results[1]["status"], results[1]["pages"]) == ("SUCCESS", 3)


def test_simulator_failed_reception(sim, tmp_path):
    sim.receive_fax(
        "4008100300", "01066660000", make_tiff(1), error="The call dropped prematurely"
    )
    wait_for(sim.test_events, "Hangup")
    tracker = fax.FaxTracker()
    results = [r for e in list(sim.test_events) for r in tracker.feed(e)]
    assert results[-1]["status"] == "FAILED"
    assert results[-1]["error"] == "The call dropped prematurely"
    assert results[-1]["pages"] == 0
    assert not (tmp_path / "in").exists()


def originate(sim, fax_id, number, context="hotline-fax-send"):
    spec = {
        "channel": f"Local/{number}@pstn-out",
        "context": context,
        "file": f"/var/spool/asterisk/fax/out/fax-{fax_id}-1.tif",
        "fax_id": fax_id,
        "channel_id": fax.make_channel_id(fax_id),
        "station_id": "HOTLINE",
    }
    return sim.test_client.action(
        "Originate", action_id=fax.make_action_id(fax_id), **fax.originate_fields(spec)
    )


def test_simulator_sends_a_fax(sim, tmp_path):
    (tmp_path / "out").mkdir()
    tiff, _pages = fax.pdf_to_tiff([make_pdf(2)])
    (tmp_path / "out" / "fax-3-1.tif").write_bytes(tiff)
    originate(sim, 3, "01088886666")
    done = wait_for(sim.test_events, "SendFAX")[0]
    assert done.get("PagesTransferred") == "2"
    assert sim.fax.originates[0][2] == "hotline-fax-send"
    tracker = fax.FaxTracker()
    wait_for(sim.test_events, "Hangup")
    results = [r for e in list(sim.test_events) for r in tracker.feed(e)]
    assert len(results) == 1
    assert results[0]["fax_id"] == 3 and results[0]["status"] == "SUCCESS"
    assert results[0]["remote_station_id"] == sim.fax.remote_id


@pytest.mark.parametrize(
    "outcome,kind,result",
    [
        ("busy", "not_sent", "busy"),
        ("no_answer", "not_sent", "no_answer"),
        ("fax_failed", "done", None),
    ],
)
def test_simulator_fax_outcomes(sim, outcome, kind, result):
    sim.fax.script["01077778888"] = outcome
    originate(sim, 4, "01077778888")
    wait_for(sim.test_events, "Hangup")
    tracker = fax.FaxTracker()
    results = [r for e in list(sim.test_events) for r in tracker.feed(e)]
    assert [r["kind"] for r in results] == [kind]
    if result:
        assert results[0]["result"] == result
    else:
        assert results[0]["status"] == "FAILED"
        assert results[0]["error"] == "Timed out waiting for initial communication"


def test_simulator_refuses_an_unknown_fax_context(sim):
    # manager.c action_originate: the extension is checked before anything rings
    with pytest.raises(AmiActionError) as info:
        originate(sim, 8, "01088886666", context="no-such-fax")
    assert "Extension does not exist." in str(info.value.message)
    assert sim.fax.originates == []


def test_shipped_dialplan_has_the_fax_contexts():
    plan = Dialplan.load(SHIPPED_DIALPLAN)
    assert plan.exists("hotline-fax-send", "s", 1)
    assert plan.exists("hotline-fax-receive", "4008100300", 1)
    assert plan.exists("from-pstn", "4008100300", 1)
    sim = AmiSimulator(dialplan=SHIPPED_DIALPLAN)
    assert sim.dialplan.exists("hotline-fax-send", "s", 1)
    assert threading.active_count() >= 1


# -- fax on demand: the IVR node ---------------------------------------------------
def fax_flow():
    from test_ivr_engine import flow, prompt

    return flow(
        {
            "number": {
                "type": "collect",
                "prompt": prompt("fax_number"),
                "terminator": "#",
                "max_digits": 20,
                "variable": "fax_number",
                "next": "fax",
            },
            "fax": {
                "type": "fax_on_demand",
                "document": 42,
                "box": 7,
                "variable": "fax_number",
                "prompt": prompt("fax_queued"),
                "invalid_prompt": prompt("fax_wrong"),
                "next": "bye",
                "on_fail": "number",
            },
            "bye": {"type": "hangup"},
        },
        "number",
    )


@pytest.mark.parametrize(
    "typed,outcome,played",
    [
        (["01088886666#"], "queued", ["zh/fax_number", "zh/fax_queued"]),
        (
            ["12#", "01088886666#"],
            "invalid_number",
            ["zh/fax_number", "zh/fax_wrong", "zh/fax_number", "zh/fax_queued"],
        ),
    ],
)
def test_fax_on_demand_node(typed, outcome, played):
    from pbx.ivr_engine import IvrEngine, validate_snapshot
    from test_ivr_engine import FakeBackend, FakeSession

    asked = []

    class Backend(FakeBackend):
        def fax_on_demand(self, ctx, document, box, number):
            asked.append((document, box, number))
            return "queued" if len(number) > 5 else "invalid_number"

    backend = Backend()
    snapshot = fax_flow()
    assert not validate_snapshot(snapshot)
    session = FakeSession(inputs=list(typed))
    IvrEngine(snapshot, backend).run(session)
    assert asked[-1] == (42, 7, "01088886666")
    assert (asked[0][2] == "12") == (outcome == "invalid_number")
    plays = [name for kind, name in session.log if kind in ("play", "get_data")]
    assert plays == played
    assert ("fax", "queued") in backend.steps


def caplog_off():
    import contextlib
    import logging

    @contextlib.contextmanager
    def quiet():
        logger = logging.getLogger("pbx.ivr_engine")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            yield
        finally:
            logger.setLevel(level)

    return quiet()


def test_fax_on_demand_without_backend_goes_to_the_fallback():
    from pbx.ivr_engine import IvrBackend, IvrEngine
    from test_ivr_engine import FakeSession

    session = FakeSession(inputs=["01088886666#"])
    with caplog_off():
        ctx = IvrEngine(fax_flow(), IvrBackend()).run(session)
    assert ctx.result == "fallback_queue"
    assert session.log[-1] == ("exec", "Queue(fallback_q,ct)")


def test_fax_on_demand_limit_goes_on_without_fax():
    from pbx.ivr_engine import IvrEngine
    from test_ivr_engine import FakeBackend, FakeSession

    class Backend(FakeBackend):
        def fax_on_demand(self, ctx, document, box, number):
            return "limit"

    backend = Backend()
    session = FakeSession(inputs=["01088886666#"])
    IvrEngine(fax_flow(), backend).run(session)
    plays = [name for kind, name in session.log if kind in ("play", "get_data")]
    assert plays == ["zh/fax_number"]  # no "queued" prompt, no second try
    assert ("fax", "limit") in backend.steps
    assert session.log[-1] == ("hangup", "")
