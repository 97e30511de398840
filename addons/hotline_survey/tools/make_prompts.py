# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Make the sounds of the demo keypad survey (来电回访满意度（按键）):

    python3 addons/hotline_survey/tools/make_prompts.py [code ...]

Needs ``espeak-ng`` (voices cmn and en-us) and ``sox``, as hotline_billing_ivr's
``tools/make_prompts.py`` (the same synthetic voice: 165 words a minute, GSM
8 kHz mono, silence trimmed). Writes ``demo/prompts/<language>/<code>.gsm``;
their records are in ``demo/hotline_keypad_survey_demo.xml``. Admins replace
the audio with studio recordings on the prompt form.
"""

import importlib.util
import os
import sys

MODULE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _billing_prompts():
    """hotline_billing_ivr's script: the same voice as the self-service prompts."""
    tools = os.path.join(os.path.dirname(MODULE), "hotline_billing_ivr", "tools")
    sys.path.insert(0, tools)  # its own sibling imports (speller)
    spec = importlib.util.spec_from_file_location(
        "billing_make_prompts", os.path.join(tools, "make_prompts.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BILLING = _billing_prompts()
VOICES = _BILLING.VOICES
make_sound = _BILLING.make_sound
# code -> (Chinese, English)
PHRASES = {
    "keypad_survey_intro": (
        "您好，这里是华燃燃气客服中心，想请您用一分钟为我们的服务做个评价。",
        (
            "Hello, this is the Huaran Gas service centre. Please take a minute "
            "to rate our service."
        ),
    ),
    "keypad_survey_q_overall": (
        "您对本次服务的总体评价是：",
        "How satisfied are you with our service overall?",
    ),
    "keypad_survey_a_satisfied": ("满意请按1。", "Satisfied, press 1."),
    "keypad_survey_a_neutral": ("一般请按2。", "Neither, press 2."),
    "keypad_survey_a_dissatisfied": ("不满意请按3。", "Dissatisfied, press 3."),
    "keypad_survey_q_attitude": (
        "请为工作人员的服务态度打分，最低1分，最高5分，请按1到5。",
        "Rate the attitude of our staff from 1, poor, to 5, excellent: press 1 to 5.",
    ),
    "keypad_survey_q_solved": (
        "您反映的问题是否已经解决？",
        "Has your problem been solved?",
    ),
    "keypad_survey_a_solved": ("已解决请按1。", "Solved, press 1."),
    "keypad_survey_a_unsolved": ("未解决请按2。", "Not solved, press 2."),
    "keypad_survey_invalid": (
        "您的按键无效，请重新选择。",
        "That key is not valid, please choose again.",
    ),
    "keypad_survey_no_input": (
        "我们没有收到您的按键。",
        "We did not get your answer.",
    ),
    "keypad_survey_thanks": (
        "感谢您的评价，祝您生活愉快，再见。",
        "Thank you for your answers. Goodbye.",
    ),
}


def main(argv=None):
    only = set(sys.argv[1:] if argv is None else argv)
    for code, texts in PHRASES.items():
        if only and code not in only:
            continue
        for lang, text in zip(("zh_CN", "en_US"), texts, strict=True):
            folder = os.path.join(MODULE, "demo", "prompts", lang)
            os.makedirs(folder, exist_ok=True)
            make_sound(text, lang, os.path.join(folder, f"{code}.gsm"))


if __name__ == "__main__":
    main()
