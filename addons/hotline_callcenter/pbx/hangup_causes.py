# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hang-up causes Asterisk reports (``Cause`` of the ``Hangup`` event), in words.

Asterisk uses the ITU-T Q.850 cause values (``include/asterisk/causes.h``) on every
channel technology; ``Cause-txt`` is its English constant name ("Normal Clearing").
:data:`HANGUP_CAUSES` gives each value the words an agent reads; ``hotline.call``
uses it as the selection of its ``hangup_cause_code`` field, so the words are
translated like any other selection label.
"""

import re

# code -> what an agent reads (English source of the translations)
HANGUP_CAUSES = [
    ("0", "Unknown cause"),
    ("1", "Number does not exist"),
    ("2", "No route to the network"),
    ("3", "No route to the destination"),
    ("5", "Misdialled trunk prefix"),
    ("6", "Channel unacceptable"),
    ("7", "Call delivered on an established channel"),
    ("8", "Call pre-empted"),
    ("14", "Number ported elsewhere"),
    ("16", "Normal clearing (caller hung up)"),
    ("17", "Line busy"),
    ("18", "No response from the phone"),
    ("19", "No answer"),
    ("20", "Subscriber absent (phone off)"),
    ("21", "Call rejected"),
    ("22", "Number changed"),
    ("23", "Redirected to a new destination"),
    ("26", "Answered elsewhere"),
    ("27", "Destination out of order"),
    ("28", "Invalid number format"),
    ("29", "Facility rejected"),
    ("30", "Response to a status enquiry"),
    ("31", "Normal, unspecified"),
    ("34", "No circuit available (congestion)"),
    ("38", "Network out of order"),
    ("41", "Temporary failure"),
    ("42", "Switching equipment congestion"),
    ("43", "Access information discarded"),
    ("44", "Requested channel not available"),
    ("50", "Facility not subscribed"),
    ("52", "Outgoing calls barred"),
    ("54", "Incoming calls barred"),
    ("57", "Bearer capability not authorised"),
    ("58", "Bearer capability not available"),
    ("65", "Bearer capability not implemented"),
    ("66", "Channel type not implemented"),
    ("69", "Facility not implemented"),
    ("81", "Invalid call reference"),
    ("88", "Incompatible destination"),
    ("95", "Invalid message"),
    ("96", "Mandatory information missing"),
    ("97", "Message type does not exist"),
    ("98", "Wrong message"),
    ("99", "Information element does not exist"),
    ("100", "Invalid information element contents"),
    ("101", "Wrong call state"),
    ("102", "Timer expired (recovery)"),
    ("103", "Mandatory information length error"),
    ("111", "Protocol error"),
    ("127", "Interworking error"),
    # not Asterisk's: the call ended while the connector did not see it, or a
    # cause value Asterisk does not define
    ("other", "Other cause"),
]
KNOWN_CODES = frozenset(code for code, _label in HANGUP_CAUSES)
_LEADING_CODE = re.compile(r"^\s*(\d{1,3})(?!\d)")


def hangup_cause_code(text):
    """The key of :data:`HANGUP_CAUSES` for a stored ``hangup_cause``.

    :param text: what the connector stored: ``"<Cause> <Cause-txt>"``
        (``"16 Normal Clearing"``), a bare code (``"17"``), or a sentence of
        its own (a call closed at resynchronisation); ``None`` or ``False``
        when none
    :return: the code as a string, ``"other"`` for text without a known code,
        ``None`` when there is no cause at all
    """
    # Odoo's empty Char is False
    if not text or not str(text).strip():
        return None
    text = str(text).strip()
    match = _LEADING_CODE.match(text)
    if match:
        code = str(int(match.group(1)))
        if code in KNOWN_CODES:
            return code
    return "other"
