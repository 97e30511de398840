# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class HotlineCallbackSurvey(Survey):
    """The agent fills in the customer's answer of a callback task on Odoo's
    survey page. Odoo lets a logged-in user open only answers of their own
    partner (``answer_wrong_user``); the answer of a callback is the
    customer's, opened by the task's agent with its token: allowed for them."""

    def _check_validity(
        self, survey_token, answer_token, ensure_token=True, check_partner=True
    ):
        validity = super()._check_validity(
            survey_token,
            answer_token,
            ensure_token=ensure_token,
            check_partner=check_partner,
        )
        if validity != "answer_wrong_user" or not answer_token:
            return validity
        user = request.env.user
        if user._is_public():
            return validity
        _survey, answer = self._fetch_from_access_token(survey_token, answer_token)
        task = answer.hotline_callback_task_id
        if answer.hotline_source == "callback" and task and task.user_id == user:
            return super()._check_validity(
                survey_token,
                answer_token,
                ensure_token=ensure_token,
                check_partner=False,
            )
        return validity
