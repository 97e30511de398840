# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fax through Asterisk's res_fax: the AMI events, the Originate of a fax and
the document conversions (plain Python, no ORM).

What Asterisk says, and where it says it (asterisk/asterisk):

- ``res/res_fax.c`` ``receivefax_exec`` / ``sendfax_exec`` run
  ``generic_fax_exec``, which calls ``set_channel_variables`` before the
  session (``FAXPAGES`` 0 and the station ids) and again when it ends:
  ``FAXSTATUS`` (``SUCCESS``/``FAILED``), ``FAXERROR``, ``FAXSTATUSSTRING``,
  ``REMOTESTATIONID``, ``LOCALSTATIONID``, ``FAXBITRATE``, ``FAXRESOLUTION``,
  ``FAXPAGES``, in that order, through ``pbx_builtin_setvar_helper``: each set
  is one AMI ``VarSet`` event, and an empty value (``S_OR(x, NULL)``) removes
  the variable without any event (so a successful fax has no ``FAXERROR``).
  ``GENERIC_FAX_EXEC_SET_VARS`` fills a failure: ``FAXSTATUS`` ``FAILED``,
  ``FAXERROR`` ``HANGUP`` ("remote channel hungup"), ``TIMEOUT``,
  ``INIT_ERROR``...; ``res/res_fax_spandsp.c`` ``t30_phase_e_handler`` sets
  ``SUCCESS`` or ``FAILED`` with the T.30 completion text as the error.
- Then ``report_receive_fax_status`` / ``report_send_fax_status`` publish the
  ``ast_channel_fax_type`` blob that ``main/manager_channels.c``
  ``channel_fax_cb`` turns into the ``ReceiveFAX`` / ``SendFAX`` manager
  event: the channel snapshot (Channel ... Linkedid), then
  ``LocalStationID``, ``RemoteStationID``, ``PagesTransferred``,
  ``Resolution``, ``TransferRate`` and one ``FileName`` line per file. The
  event carries no status: the result is in the variables above.
- ``report_fax_status`` publishes ``FAXStatus`` (same callback: ``Operation``
  receive/send/gateway, ``Status`` such as "Allocating Resources", "FAX
  Transmission In Progress", ``LocalStationID``, ``FileName``) only when
  status events are on (option ``s`` of ReceiveFAX/SendFAX or
  ``statusevents`` in res_fax.conf): the dialplan shipped here sets ``s``.

Documented as AMI events ``ReceiveFAX``, ``SendFAX`` and ``FAXStatus`` of
Asterisk 20 and 22 (docs.asterisk.org, API_Documentation/AMI_Events).

The conversions: a received TIFF (TIFF-F, often 204x196 dpi, non-square
pixels) to a PDF with Pillow; a PDF to be sent to a multi-page 1-bit TIFF-F
(1728 dots wide, 204x196 dpi, CCITT Group 3) rendered with pypdfium2 (a PyPI
wheel: no Ghostscript needed) and saved by Pillow.
"""

import io
import re
import secrets

from .dialer import attempt_result

ACTION_PREFIX = "hotline-fax"
_ACTION_RE = re.compile(r"^" + re.escape(ACTION_PREFIX) + r"-(\d+)-[0-9a-f]+$")
CHANNEL_PREFIX = "hlfax"
_CHANNEL_RE = re.compile(r"^" + CHANNEL_PREFIX + r"-(\d+)\.[0-9a-f]+$")

# the channel variables res_fax's set_channel_variables() sets
FAX_VARIABLES = (
    "FAXSTATUS",
    "FAXERROR",
    "FAXSTATUSSTRING",
    "REMOTESTATIONID",
    "LOCALSTATIONID",
    "FAXBITRATE",
    "FAXRESOLUTION",
    "FAXPAGES",
)
WATCHED = frozenset(
    {
        "VarSet",
        "FAXStatus",
        "ReceiveFAX",
        "SendFAX",
        "OriginateResponse",
        "Newchannel",
        "Hangup",
    }
)
# fax width in dots (ITU-T T.4: 1728 dots on 215 mm) and resolution
FAX_WIDTH = 1728
FAX_DPI = (204, 196)


def make_action_id(fax_id):
    return f"{ACTION_PREFIX}-{int(fax_id)}-{secrets.token_hex(4)}"


def fax_of_action(action_id):
    match = _ACTION_RE.match(action_id or "")
    return int(match.group(1)) if match else None


def make_channel_id(fax_id):
    """The Uniqueid asked for the dialled channel (Originate ``ChannelId``):
    its ``SendFAX`` event names the fax again."""
    return f"{CHANNEL_PREFIX}-{int(fax_id)}.{secrets.token_hex(3)}"


def fax_of_channel(uniqueid):
    match = _CHANNEL_RE.match(uniqueid or "")
    return int(match.group(1)) if match else None


def originate_fields(spec):
    """The AMI ``Originate`` of one outbound fax.

    :param spec: {"channel" (dial string of the number), "context", "file"
        (the TIFF as Asterisk sees it), "fax_id", "channel_id", "timeout",
        "caller_id", "header", "station_id"}
    """
    variables = {
        "HOTLINE_FAX_ID": str(spec["fax_id"]),
        "HOTLINE_FAX_FILE": spec["file"],
    }
    if spec.get("station_id"):
        variables["LOCALSTATIONID"] = spec["station_id"]
    if spec.get("header"):
        variables["LOCALHEADERINFO"] = spec["header"]
    fields = {
        "Channel": spec["channel"],
        "Context": spec["context"],
        "Exten": "s",
        "Priority": "1",
        "Timeout": str(int(spec.get("timeout") or 60) * 1000),
        "Async": "true",
        "ChannelId": spec["channel_id"],
        # Originate's Variable takes name=value pairs separated by commas
        "Variable": ",".join(
            f"{name}={str(value).replace(',', ' ')}"
            for name, value in variables.items()
        ),
    }
    if spec.get("caller_id"):
        fields["CallerID"] = spec["caller_id"]
    return fields


def _file_names(event):
    """Every ``FileName`` line of the event (one per file)."""
    if hasattr(event, "get_all"):
        return [name for name in event.get_all("FileName") if name]
    name = event.get("FileName")
    return [name] if name else []


def _int(value):
    try:
        return int(str(value or "").strip())
    except ValueError:
        return 0


class FaxTracker:
    """Follows res_fax's AMI events to one result per fax.

    ``feed(event)`` returns result dicts:

    - ``{"kind": "receiving", "uniqueid", "linkedid", "channel", "exten",
      "caller", "local_station_id"}`` at the first ``FAXStatus`` of a
      reception (status events on): the fax exists while it arrives;
    - ``{"kind": "done", "direction": "in"|"out", "uniqueid", "linkedid",
      "fax_id" (outbound), "exten", "caller", "status" (FAXSTATUS), "error",
      "status_text", "pages", "remote_station_id", "local_station_id",
      "resolution", "rate", "files"}`` at ``ReceiveFAX`` / ``SendFAX``, or at
      the channel's ``Hangup`` when the application ended before publishing
      its event (``FAXSTATUS`` set, no event);
    - ``{"kind": "not_sent", "fax_id", "result", "reason", "cause"}`` for an
      outbound fax whose call was not answered (busy, no answer...), from
      ``OriginateResponse`` Failure and the dialled channel's ``Hangup``, or
      answered but hung up before ``SendFAX`` ran.
    """

    def __init__(self):
        self.variables = {}  # uniqueid -> {name: value}
        self.receiving = set()  # uniqueids announced as receiving
        self.done = set()  # uniqueids whose result was given
        self.created = set()  # fax channels seen in Newchannel
        self.failures = {}  # uniqueid -> (fax_id, reason) awaiting Hangup

    def feed(self, event):
        name = event.get("Event")
        uid = event.get("Uniqueid") or ""
        if name == "VarSet":
            variable = (event.get("Variable") or "").upper()
            if variable in FAX_VARIABLES:
                self.variables.setdefault(uid, {})[variable] = event.get("Value") or ""
            return []
        if name == "FAXStatus":
            if (event.get("Operation") or "") != "receive" or uid in self.receiving:
                return []
            self.receiving.add(uid)
            return [
                {
                    "kind": "receiving",
                    "uniqueid": uid,
                    "linkedid": event.get("Linkedid") or uid,
                    "channel": event.get("Channel") or "",
                    "exten": event.get("Exten") or "",
                    "caller": event.get("CallerIDNum") or "",
                    "local_station_id": event.get("LocalStationID") or "",
                }
            ]
        if name in ("ReceiveFAX", "SendFAX"):
            return [self._done(event, "in" if name == "ReceiveFAX" else "out")]
        if name == "OriginateResponse":
            return self._response(event)
        if name == "Newchannel" and fax_of_channel(uid):
            self.created.add(uid)
            return []
        if name == "Hangup":
            return self._hangup(event)
        return []

    def _done(self, event, direction, hangup=False):
        uid = event.get("Uniqueid") or ""
        variables = self.variables.pop(uid, {})
        self.receiving.discard(uid)
        self.created.discard(uid)
        self.done.add(uid)
        status = variables.get("FAXSTATUS") or ("FAILED" if hangup else "")
        pages = event.get("PagesTransferred")
        if pages in (None, ""):
            pages = variables.get("FAXPAGES")
        error = variables.get("FAXERROR") or ""
        if hangup and not error:
            error = "HANGUP"
        return {
            "kind": "done",
            "direction": direction,
            "uniqueid": uid,
            "linkedid": event.get("Linkedid") or uid,
            "fax_id": fax_of_channel(uid),
            "exten": event.get("Exten") or "",
            "caller": event.get("CallerIDNum") or "",
            "status": status,
            "error": error,
            "status_text": variables.get("FAXSTATUSSTRING") or "",
            "pages": _int(pages),
            "remote_station_id": event.get("RemoteStationID")
            or variables.get("REMOTESTATIONID")
            or "",
            "local_station_id": event.get("LocalStationID")
            or variables.get("LOCALSTATIONID")
            or "",
            "resolution": event.get("Resolution") or variables.get("FAXRESOLUTION", ""),
            "rate": event.get("TransferRate") or variables.get("FAXBITRATE", ""),
            "files": _file_names(event),
        }

    def _response(self, event):
        fax_id = fax_of_action(event.get("ActionID"))
        if fax_id is None:
            return []
        if event.get("Response") == "Success":
            return []  # SendFAX (or the Hangup) tells the rest
        uid = event.get("Uniqueid") or ""
        reason = event.get("Reason") or ""
        if uid in self.created:
            self.failures[uid] = (fax_id, reason)  # its Hangup brings the cause
            return []
        return [self._not_sent(fax_id, attempt_result("Failure", reason), reason, "")]

    def _hangup(self, event):
        uid = event.get("Uniqueid") or ""
        cause = event.get("Cause") or ""
        if uid in self.failures:
            fax_id, reason = self.failures.pop(uid)
            self.created.discard(uid)
            return [
                self._not_sent(
                    fax_id, attempt_result("Failure", reason, cause), reason, cause
                )
            ]
        if uid in self.done:
            self.done.discard(uid)
            return []
        variables = self.variables.get(uid)
        fax_id = fax_of_channel(uid)
        if variables and variables.get("FAXSTATUS"):
            # the application stopped without its ReceiveFAX/SendFAX event
            return [self._done(event, "out" if fax_id else "in", hangup=True)]
        self.variables.pop(uid, None)
        if uid in self.receiving:
            self.receiving.discard(uid)
            return [self._done(event, "in", hangup=True)]
        if fax_id and uid in self.created:
            # answered, hung up before SendFAX ran
            self.created.discard(uid)
            return [self._not_sent(fax_id, "failed", "4", cause)]
        return []

    @staticmethod
    def _not_sent(fax_id, result, reason, cause):
        return {
            "kind": "not_sent",
            "fax_id": fax_id,
            "result": result,
            "reason": reason,
            "cause": cause or "",
        }


# -- documents -------------------------------------------------------------------
class FaxDocumentError(ValueError):
    """A document that cannot be converted (not a TIFF/PDF, damaged...)."""


def _pillow():
    """Pillow with its TIFF and PDF plugins registered: Odoo initialises
    Pillow with a few web formats only (``odoo/tools/image.py``); these files
    come from the PBX's spool or are made here, never from a browser."""
    from PIL import Image, PdfImagePlugin, TiffImagePlugin

    assert PdfImagePlugin and TiffImagePlugin
    return Image


def tiff_to_pdf(data):
    """``(pdf bytes, pages)`` of a (multi-page) TIFF, with Pillow.

    Fax resolutions have non-square pixels (204x98 or 204x196 dpi): each page
    is scaled to square pixels so that the PDF page has the paper's size.
    """
    from PIL import ImageSequence, UnidentifiedImageError

    Image = _pillow()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise FaxDocumentError(str(exc)) from exc
    if image.format != "TIFF":
        raise FaxDocumentError(f"not a TIFF image ({image.format})")
    pages = []
    resolution = 204.0
    for frame in ImageSequence.Iterator(image):
        page = frame.copy()
        xdpi, ydpi = (float(v) for v in (page.info.get("dpi") or (204, 196)))
        xdpi, ydpi = xdpi or 204.0, ydpi or 196.0
        if abs(xdpi - ydpi) > 0.5:
            height = max(1, round(page.height * xdpi / ydpi))
            page = page.convert("L").resize((page.width, height))
        if page.mode not in ("1", "L", "RGB"):
            page = page.convert("L")
        resolution = xdpi
        pages.append(page)
    if not pages:
        raise FaxDocumentError("the TIFF has no page")
    out = io.BytesIO()
    pages[0].save(
        out,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=resolution,
    )
    return out.getvalue(), len(pages)


def pdf_to_tiff(documents, compression="group3"):
    """``(tiff bytes, pages)``: the PDFs ``documents`` (bytes, in order) as
    one multi-page TIFF-F for SendFAX: 1728 dots wide, 204x196 dpi, 1 bit,
    CCITT Group 3 (``compression="group4"`` for T.6).

    Pages are rendered by pypdfium2 (PDFium) at 204 dpi across and 196 dpi
    down, fitted to the fax width, and thresholded to black and white.
    """
    import pypdfium2 as pdfium

    Image = _pillow()
    xdpi, ydpi = FAX_DPI
    frames = []
    for data in documents:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise FaxDocumentError(str(exc)) from exc
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                width_pt, _height_pt = page.get_size()
                # fit the page's width to the fax line (at most 204 dpi)
                scale = min(xdpi / 72.0, FAX_WIDTH / max(width_pt, 1.0))
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil().convert("L")
                height = max(1, round(image.height * ydpi / xdpi))
                image = image.resize((image.width, height))
                canvas = Image.new("L", (FAX_WIDTH, height), 255)
                canvas.paste(image, ((FAX_WIDTH - image.width) // 2, 0))
                frames.append(
                    canvas.point(lambda v: 255 if v > 160 else 0).convert("1")
                )
                page.close()
        finally:
            pdf.close()
    if not frames:
        raise FaxDocumentError("no page to send")
    out = io.BytesIO()
    frames[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression=compression,
        dpi=FAX_DPI,
    )
    return out.getvalue(), len(frames)


def tiff_pages(data):
    """Number of pages of a TIFF (0 when it is not one)."""
    from PIL import UnidentifiedImageError

    Image = _pillow()
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError):
        return 0
    return getattr(image, "n_frames", 1) if image.format == "TIFF" else 0


def split_numbers(text):
    """The fax numbers of a free text (commas, semicolons or new lines
    between them; spaces and dashes inside a number), in order, without
    duplicates."""
    seen = []
    for part in re.split(r"[,;\n]+", text or ""):
        number = re.sub(r"[^\d+]", "", part)
        if number and number not in seen:
            seen.append(number)
    return seen
