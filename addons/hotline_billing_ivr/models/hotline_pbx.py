# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_round

# the demo customers' self-service PIN (demo/hotline_ivr_selfservice_login_demo.xml)
DEMO_PIN = "135790"


class HotlinePbx(models.Model):
    _inherit = "hotline.pbx"

    @api.model
    def _hotline_simulator_ivr_scripts(self):
        """The demo gas line's scripted callers (4008100200, readme/USAGE.md):
        刘洋 hears the outage notice of his area and hangs up during it; 陈静
        logs in with her PIN (her number is known) and hears her arrears; 王建华
        gives this month's reading of his meter and confirms it; an unknown
        caller presses 0 for an agent."""
        scripts = super()._hotline_simulator_ivr_scripts()
        did = self.env.ref(
            "hotline_billing_ivr.hotline_did_gas_selfservice_demo",
            raise_if_not_found=False,
        )
        if not did or not did.active or not did.flow_id:
            return scripts

        def number_of(xmlid):
            partner = self.env.ref(xmlid, raise_if_not_found=False)
            try:
                return partner and self._hotline_dialable(partner.mobile or "")
            except UserError:
                return False

        notice_caller = number_of("hotline_base.customer_04_demo")
        notice = self.env.ref(
            "hotline_billing_ivr.outage_notice_xiyuan_demo", raise_if_not_found=False
        )
        if notice_caller:
            scripts.append(
                {
                    "name": "gas_notice_hang_up",
                    "caller": notice_caller,
                    "did": did.number,
                    "dtmf": "",
                    # leaves while the notice plays (or at the menu without one)
                    "hangup_at": notice.prompt_id.code
                    if notice and notice.prompt_id
                    else None,
                }
            )
        arrears_caller = number_of("hotline_base.customer_05_demo")
        if arrears_caller:
            # 1 self-service, the PIN (the number is known), 1 arrears
            scripts.append(
                {
                    "name": "gas_arrears",
                    "caller": arrears_caller,
                    "did": did.number,
                    "dtmf": f"1{DEMO_PIN}#1",
                }
            )
        reading = self._hotline_simulator_demo_reading()
        meter_caller = number_of("hotline_base.customer_01_demo")
        if meter_caller and reading:
            # 2 meter reading, the PIN, 1 this month, the reading, 1 confirms
            scripts.append(
                {
                    "name": "gas_meter_reading",
                    "caller": meter_caller,
                    "did": did.number,
                    "dtmf": f"2{DEMO_PIN}#1{reading}#1",
                }
            )
        scripts.append(
            {
                "name": "gas_agent",
                "caller": "13700000200",
                "did": did.number,
                "dtmf": "0",
            }
        )
        return scripts

    @api.model
    def _hotline_simulator_demo_reading(self):
        """This month's reading of 王建华's meter as he types it (``*`` the
        decimal point): the previous reading and a plausible month's use."""
        site = self.env.ref(
            "hotline_billing_ivr.site_home_01_demo", raise_if_not_found=False
        )
        if not site or not site.meter_number:
            return False
        Reading = self.env["hotline.meter.reading"]
        month = Reading._hotline_today().replace(day=1)
        previous, _changed = Reading._hotline_previous(site, month)
        average = Reading._hotline_monthly_average(site, month)
        value = float_round((previous or 0.0) + max(average, 10.0) * 0.8 + 0.5, 1)
        return f"{value:.1f}".replace(".", "*")
