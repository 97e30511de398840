/** @odoo-module **/
import {Component, onWillDestroy} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

// at most one reload a second, however fast the dialer writes
export const RELOAD_MS = 1000;

/**
 * Live counters of the campaign form (``<widget name="hotline_campaign_live"/>``).
 *
 * The server sends ``hotline/campaign_counters`` (``{campaign_id, state}``)
 * on the campaign's company channel, which it subscribes supervisors'
 * websockets to, once per transaction of the dialer that started an attempt
 * or wrote its result. The form reloads its record (the counters are
 * computed fields) when the notification is about it: the first one at
 * once, the next ones at most once per RELOAD_MS. A record with unsaved
 * changes is left alone: saving it reloads it anyway.
 */
export class HotlineCampaignLive extends Component {
    static template = "hotline_callcenter.CampaignLive";
    static props = {...standardWidgetProps};

    setup() {
        this.busService = useService("bus_service");
        this.lastReload = 0;
        this.timer = null;
        this.onNotification = (payload) => this.onCounters(payload);
        this.busService.subscribe("hotline/campaign_counters", this.onNotification);
        this.busService.start();
        onWillDestroy(() => {
            this.busService.unsubscribe(
                "hotline/campaign_counters",
                this.onNotification
            );
            clearTimeout(this.timer);
        });
    }

    onCounters(payload) {
        const record = this.props.record;
        if (!record.resId || payload.campaign_id !== record.resId || this.timer) {
            return;
        }
        const wait = this.lastReload + RELOAD_MS - Date.now();
        this.timer = setTimeout(() => this.reload(), Math.max(wait, 0));
    }

    async reload() {
        this.timer = null;
        this.lastReload = Date.now();
        const record = this.props.record;
        if (record.dirty || record.model.root !== record) {
            return;
        }
        await record.load();
    }
}

registry.category("view_widgets").add("hotline_campaign_live", {
    component: HotlineCampaignLive,
});
