# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HotlineTextQuery(models.AbstractModel):
    """The answers of the SMS and e-mail query service (短信/邮件查询).

    The channels (hotline_complaints' inbound SMS gateway and query e-mail
    alias) parse the text into a command and ask this model for the answer;
    add-ons register their commands with ``super()`` in
    ``_hotline_text_commands`` (hotline_complaints: case status and help;
    hotline_billing_ivr: arrears and last bill), so that no add-on depends on
    another one's commands. A command nobody registered is no command: the
    text goes to a case as before.

    ``query`` is a dict: ``channel`` (``sms`` or ``email``), ``sender`` (the
    number or address the answer goes back to), ``company`` (res.company),
    ``args`` and ``complete`` (the parsed command's words).
    """

    _name = "hotline.text.query"
    _description = "SMS/e-mail query service"

    @api.model
    def _hotline_text_commands(self):
        """``{command: (method name, help line)}``; the method takes the
        ``query`` dict and returns the answer's text; the help line (in the
        environment's language) is listed by the help command."""
        return {}

    @api.model
    def _hotline_text_answer(self, command, query):
        """The answer to ``command`` (a registered command), or ``None``."""
        handler = self._hotline_text_commands().get(command)
        if not handler:
            return None
        return getattr(self, handler[0])(query)

    @api.model
    def _hotline_text_help_lines(self):
        commands = self._hotline_text_commands().values()
        return [line for _method, line in commands if line]

    @api.model
    def _hotline_text_count(self, query, service, outcome, partner=None, detail=False):
        """Count one answered query in the self-service statistics.

        ``service``: ``case_query``, ``help``, ``arrears``, ``last_bill``;
        ``outcome``: an outcome of the statistics (``served``, ``not_found``,
        ``not_identified``, ``several``, ``locked``, ``invalid``). Nothing is
        counted here: hotline_billing_ivr records a self-service transaction.
        ``detail`` must not tell a confidential case apart.
        """
        return False
