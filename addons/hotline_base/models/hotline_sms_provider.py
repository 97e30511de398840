# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import sms_gateways

ADMIN = "hotline_base.group_admin"


class HotlineSmsProvider(models.Model):
    """An SMS provider account of a company (阿里云短信, 腾讯云短信, a gateway).

    The company's first active provider (by sequence) sends every ``sms.sms`` of
    that company; a provider of kind IAP (or none at all) leaves Odoo's IAP
    service in charge. Credentials are readable by Hotline admins only.
    """

    _name = "hotline.sms.provider"
    _inherit = ["hotline.company.guard"]
    _description = "SMS provider"
    _order = "sequence, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [
            ("aliyun", "Aliyun SMS"),
            ("tencent", "Tencent Cloud SMS"),
            ("http", "HTTP gateway"),
            ("iap", "Odoo IAP"),
        ],
        required=True,
        default="aliyun",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    sign_name = fields.Char(
        "Signature",
        help="The approved signature (签名) shown in 【】 before every message.",
    )
    endpoint = fields.Char(
        help="API address; empty for the provider's default "
        "(dysmsapi.aliyuncs.com, sms.tencentcloudapi.com). "
        "For an HTTP gateway, the URL messages are sent to.",
    )
    region = fields.Char(default="ap-guangzhou", help="Tencent Cloud region.")
    sdk_app_id = fields.Char("SDK App ID", help="Tencent Cloud SmsSdkAppId.")
    access_key = fields.Char(
        "Access key ID",
        groups=ADMIN,
        copy=False,
        help="AccessKeyId / SecretId / account",
    )
    secret_key = fields.Char(
        "Secret",
        groups=ADMIN,
        copy=False,
        help="AccessKeySecret / SecretKey / password",
    )
    timeout = fields.Integer(default=10, help="Seconds to wait for the provider.")
    max_attempts = fields.Integer(
        default=4,
        help="Attempts of a message on transient errors (throttling, network, "
        "server errors) before it is marked as failed.",
    )
    retry_delay = fields.Integer(
        default=60,
        help="Seconds before the first retry; each later retry waits twice as long.",
    )
    # generic HTTP gateway
    http_method = fields.Selection(
        [("POST", "POST"), ("GET", "GET")], default="POST", string="Method"
    )
    http_body_format = fields.Selection(
        [("json", "JSON"), ("form", "Form")], default="json", string="Body format"
    )
    http_body_template = fields.Text(
        "Body template",
        help='JSON object, e.g. {"mobile": "{{number}}", "sign": "{{sign_name}}", '
        '"tpl": "{{template_code}}", "params": "{{params}}", "ref": "{{out_id}}"}. '
        "Placeholders: number, number_national, sign_name, template_code, out_id, "
        "account, secret, params, params_json, param.<name>.",
    )
    http_headers_template = fields.Text(
        "Headers template",
        groups=ADMIN,
        help='JSON object, e.g. {"Authorization": "Bearer {{secret}}"}.',
    )
    http_success_path = fields.Char(
        "Success path", help="Path in the JSON answer, e.g. code or data.status."
    )
    http_success_value = fields.Char("Success value")
    http_message_id_path = fields.Char("Message ID path")
    http_error_code_path = fields.Char("Error code path")
    http_error_text_path = fields.Char("Error text path")
    http_number_error_codes = fields.Char(
        "Invalid number codes", help="Comma-separated error codes."
    )
    http_credit_error_codes = fields.Char(
        "Insufficient balance codes", help="Comma-separated error codes."
    )
    http_transient_error_codes = fields.Char(
        "Transient error codes",
        help="Comma-separated error codes worth a retry (throttling...).",
    )
    callback_token = fields.Char(
        groups=ADMIN,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of the delivery report URL.",
    )
    callback_url = fields.Char(
        "Delivery report URL", compute="_compute_callback_url", groups=ADMIN
    )
    template_map_ids = fields.One2many(
        "hotline.sms.template.map", "provider_id", string="Templates"
    )
    test_number = fields.Char(help="Mobile number the Test button sends to.")
    test_template_map_id = fields.Many2one(
        "hotline.sms.template.map",
        string="Test template",
        domain="[('provider_id', '=', id)]",
        check_company=True,
    )
    last_test_result = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "positive_limits",
            "CHECK(timeout > 0 AND max_attempts > 0 AND retry_delay >= 0)",
            "Timeout and attempts must be positive, the retry delay not negative.",
        ),
    ]

    @api.depends("callback_token")
    def _compute_callback_url(self):
        for provider in self:
            if provider.id and provider.callback_token:
                provider.callback_url = (
                    f"{provider.get_base_url()}/hotline/sms/report/"
                    f"{provider.id}/{provider.callback_token}"
                )
            else:
                provider.callback_url = False

    @api.model
    def _hotline_for_company(self, company):
        """The provider sending the SMS of ``company`` (empty: Odoo's IAP)."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("active", "=", True)], limit=1
        )

    def _hotline_client(self):
        """The protocol client of this provider (tools/sms_gateways)."""
        self.ensure_one()
        provider = self.sudo()
        if provider.kind == "aliyun":
            return sms_gateways.AliyunSmsClient(
                provider.access_key,
                provider.secret_key,
                endpoint=provider.endpoint,
                timeout=provider.timeout,
            )
        if provider.kind == "tencent":
            return sms_gateways.TencentSmsClient(
                provider.access_key,
                provider.secret_key,
                provider.sdk_app_id,
                region=provider.region,
                endpoint=provider.endpoint,
                timeout=provider.timeout,
            )
        if provider.kind == "http":
            return sms_gateways.HttpTemplateClient(
                url=provider.endpoint,
                method=provider.http_method,
                body_format=provider.http_body_format,
                body_template=provider.http_body_template,
                headers_template=provider.http_headers_template,
                success_path=provider.http_success_path,
                success_value=provider.http_success_value,
                message_id_path=provider.http_message_id_path,
                error_code_path=provider.http_error_code_path,
                error_text_path=provider.http_error_text_path,
                number_error_codes=provider.http_number_error_codes,
                credit_error_codes=provider.http_credit_error_codes,
                transient_error_codes=provider.http_transient_error_codes,
                account=provider.access_key,
                secret=provider.secret_key,
                timeout=provider.timeout,
            )
        raise UserError(self.env._("Odoo IAP is not sent through a provider client."))

    def _hotline_resolve(self, sms):
        """(template map, parameters) of an outgoing ``sms.sms``, or (empty, None).

        A message an add-on sent with a template code uses that mapping and its
        own parameters; any other message must be the filled-in text of one of
        the provider's approved templates, its parameters read from the text.
        """
        self.ensure_one()
        maps = self.template_map_ids.filtered("active")
        if sms.hotline_template_code:
            template_map = maps.filtered(lambda m: m.code == sms.hotline_template_code)[
                :1
            ]
            if template_map:
                return template_map, dict(sms.hotline_template_params or {})
        for template_map in maps:
            params = template_map._match(sms.body)
            if params is not None:
                return template_map, params
        return maps.browse(), None

    def _hotline_send_one(self, number, template_map, params, out_id):
        """SendResult of one message (never raises for provider answers)."""
        self.ensure_one()
        try:
            client = self._hotline_client()
        except (ValueError, ImportError) as error:
            return sms_gateways.SendResult.failure("config", str(error))
        return client.send(
            number,
            self.sign_name,
            template_map.provider_template_code,
            template_map._provider_params(params, self.kind),
            out_id,
        )

    def action_regenerate_token(self):
        """New delivery report URL (the old one stops working)."""
        for provider in self:
            provider.callback_token = secrets.token_urlsafe(24)

    def action_test(self):
        """Send the test template to the test number, now, and show the answer."""
        self.ensure_one()
        if self.kind == "iap":
            raise UserError(self.env._("Odoo IAP is tested from the SMS settings."))
        if not self.test_number or not self.test_template_map_id:
            raise UserError(self.env._("Set a test number and a test template first."))
        template_map = self.test_template_map_id
        params = {name: "1234" for name in template_map._variables()}
        result = self._hotline_send_one(
            self.test_number, template_map, params, secrets.token_hex(16)
        )
        if result.ok:
            message = self.env._(
                "The provider accepted the message (id %s).", result.message_id
            )
        else:
            message = self.env._(
                "The provider refused the message: [%(code)s] %(text)s",
                code=result.error_code,
                text=result.error_text,
            )
        self.last_test_result = message
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("SMS provider test"),
                "message": message,
                "type": "success" if result.ok else "danger",
                "sticky": not result.ok,
            },
        }
