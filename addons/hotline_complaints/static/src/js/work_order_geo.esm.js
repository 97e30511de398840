/* Copyright 2026 Hotline Contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * Work order page on the field staff's phone: fill the position fields from the
 * browser's geolocation so each status update carries where it was made.
 */
publicWidget.registry.HotlineWorkOrderGeo = publicWidget.Widget.extend({
    selector: ".o_hotline_work_order form",

    start() {
        if (navigator.geolocation) {
            navigator.geolocation.getCurrentPosition(
                (position) => {
                    this.el.querySelector(".o_hotline_lat").value =
                        position.coords.latitude;
                    this.el.querySelector(".o_hotline_lon").value =
                        position.coords.longitude;
                },
                () => {
                    // No position (refused or unavailable): the update goes without.
                },
                {enableHighAccuracy: true, timeout: 10000}
            );
        }
        return this._super(...arguments);
    },
});

export default publicWidget.registry.HotlineWorkOrderGeo;
