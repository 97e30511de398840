"""Asterisk hang-up causes in words (pbx/hangup_causes.py)."""

import pytest
from pbx.hangup_causes import HANGUP_CAUSES, KNOWN_CODES, hangup_cause_code


@pytest.mark.parametrize(
    ("stored", "code"),
    [
        ("16 Normal Clearing", "16"),
        ("17 User busy", "17"),
        ("19 No user responding", "19"),
        ("21 Call Rejected", "21"),
        ("34 Circuit/channel congestion", "34"),
        ("127 Interworking, unspecified", "127"),
        ("0 Unknown", "0"),
        ("16", "16"),
        (" 016 Normal Clearing", "16"),
        ("ended while the connector was disconnected", "other"),
        ("4 not a cause Asterisk defines", "other"),
        ("1600 no such cause", "other"),
        ("", None),
        ("   ", None),
        (None, None),
        (False, None),
    ],
)
def test_stored_cause_to_code(stored, code):
    assert hangup_cause_code(stored) == code


def test_every_code_has_words_once():
    codes = [code for code, _label in HANGUP_CAUSES]
    assert len(codes) == len(set(codes)) == len(KNOWN_CODES)
    assert all(label and label[0].isupper() for _code, label in HANGUP_CAUSES)
    assert dict(HANGUP_CAUSES)["16"] == "Normal clearing (caller hung up)"
    assert dict(HANGUP_CAUSES)["17"] == "Line busy"


def test_causes_the_correlator_classifies_have_words():
    # what pbx.correlator turns into busy / no answer / failed reads as words too
    from pbx.correlator import BUSY_CAUSES, FAILED_CAUSES, NOANSWER_CAUSES

    assert BUSY_CAUSES | NOANSWER_CAUSES | FAILED_CAUSES <= KNOWN_CODES
