# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A keypad callback plan needs an IVR flow whose Survey node asks its survey,
and the survey needs a keypad prompt per question and answer: what the tests
of other features build in one call."""

from odoo.addons.hotline_callcenter.tests.ivr_common import AUDIO


def keypad_flow(env, survey, name="按键回访", flow=None):
    """``flow`` (or a new one) with a Survey node asking ``survey``, the
    survey's questions and answers given a prompt where they have none."""
    prompt = env["hotline.ivr.prompt"].create(
        {
            "name": f"{name} prompt",
            "code": f"kp_{survey.id}_{env['hotline.ivr.prompt'].search_count([])}",
            "audio_zh_cn": AUDIO,
            "audio_zh_cn_filename": "prompt.wav",
        }
    )
    for question in survey.question_ids:
        if not question.hotline_prompt_id:
            question.hotline_prompt_id = prompt
        question.suggested_answer_ids.filtered(
            lambda answer: not answer.hotline_prompt_id
        ).hotline_prompt_id = prompt
    if not flow:
        flow = env["hotline.ivr.flow"].create(
            {
                "name": name,
                "fallback_type": "voicemail",
                "fallback_mailbox": "callback@default",
            }
        )
    env["hotline.ivr.node"].create(
        {
            "flow_id": flow.id,
            "sequence": 1,
            "name": name,
            "node_type": "questionnaire",
            "survey_id": survey.id,
        }
    )
    return flow
