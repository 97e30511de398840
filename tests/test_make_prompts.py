"""hotline_billing_ivr ships one prompt set: every prompt record of its data
files is made by tools/make_prompts.py from its tables (synthetic voice, GSM),
none is a placeholder tone, and the demo gas line's menu says all its keys."""

import re
import sys
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[1] / "addons" / "hotline_billing_ivr"
DATA_FILES = (
    "hotline_ivr_prompt_data.xml",
    "hotline_ivr_selfservice_data.xml",
    "hotline_ivr_meter_prompt_data.xml",
    "hotline_ivr_dunning_prompt_data.xml",
)


@pytest.fixture(scope="module")
def make_prompts():
    sys.path.insert(0, str(MODULE / "tools"))
    try:
        import make_prompts as module
    finally:
        sys.path.pop(0)
    return module


def records(text):
    return re.findall(
        r'<record id="hotline_ivr_prompt_(\w+)".*?</record>', text, flags=re.DOTALL
    )


@pytest.mark.parametrize("filename", DATA_FILES)
def test_data_file_is_what_make_prompts_writes(make_prompts, filename):
    """The shipped XML is exactly the generator's output (no hand-made record)."""
    headers = {
        "hotline_ivr_prompt_data.xml": (make_prompts.XML_HEADER, None),
        "hotline_ivr_selfservice_data.xml": (
            make_prompts.LOGIN_XML_HEADER,
            make_prompts.LOGIN_PHRASES,
        ),
        "hotline_ivr_meter_prompt_data.xml": (
            make_prompts.METER_XML_HEADER,
            make_prompts.METER_PHRASES,
        ),
        "hotline_ivr_dunning_prompt_data.xml": (
            make_prompts.DUNNING_XML_HEADER,
            make_prompts.DUNNING_PHRASES,
        ),
    }
    header, table = headers[filename]
    prompts = (
        make_prompts.prompts() if table is None else make_prompts.table_prompts(table)
    )
    expected = header
    for code, texts, name, description in prompts:
        expected += make_prompts.record_xml(code, texts, name, description)
    expected += "</odoo>\n"
    assert (MODULE / "data" / filename).read_text(encoding="utf-8") == expected


def test_every_shipped_prompt_is_a_generated_gsm_file(make_prompts):
    codes = set()
    for filename in DATA_FILES:
        text = (MODULE / "data" / filename).read_text(encoding="utf-8")
        codes.update(records(text))
        for path in re.findall(r'file="hotline_billing_ivr/([^"]+)"', text):
            assert path.endswith(".gsm"), path
            size = (MODULE / path).stat().st_size
            assert size and size % 33 == 0, path  # GSM frames of 33 bytes
    for lang in ("zh_CN", "en_US"):
        files = {p.stem for p in (MODULE / "data" / "prompts" / lang).iterdir()}
        assert files <= codes, lang  # no stray sound (e.g. an old placeholder)
    assert "meter_confirm" in codes
    assert not list((MODULE / "data" / "prompts").rglob("*.wav"))


def test_gas_menu_prompt_says_every_key(make_prompts):
    chinese, english = make_prompts.DEMO_PHRASES["gas_menu"]
    for key in "1230":
        assert f"请按{key}" in chinese
        assert f"press {key}" in english
    for lang in ("zh_CN", "en_US"):
        assert (MODULE / "demo" / "prompts" / lang / "gas_menu.gsm").stat().st_size
