/** @odoo-module **/
import {reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {HotlineWrapupDialog} from "./wrapup_dialog.esm";

/**
 * The agent's status (logged out, ready, ringing, on a call, wrap-up, paused)
 * as the server keeps it (hotline.agent.status): loaded at start, then each
 * "hotline/agent_status" bus notification carries the whole status. The
 * status bar's buttons call the server and take its answer, so a missed
 * notification never leaves the bar behind. When a wrap-up starts, the
 * wrap-up dialog asks for the call's code and note (话后小结).
 */
export const hotlineAgentStatusService = {
    dependencies: ["bus_service", "orm", "dialog", "action"],
    start(env, {bus_service, orm, dialog, action}) {
        const state = reactive({
            enabled: false,
            loaded: false,
            status: null,
            // Date.now() minus the server's clock, in ms
            skew: 0,
            dispositions: [],
            pauseReasons: [],
        });
        let dialogFor = null;
        let closeDialog = null;

        function openWrapup(wrapup, {onSaved} = {}) {
            if (closeDialog) {
                closeDialog();
            }
            dialogFor = wrapup.call_id;
            closeDialog = dialog.add(
                HotlineWrapupDialog,
                {
                    wrapup,
                    dispositions: state.dispositions,
                    save: async (values) => {
                        await save(wrapup.call_id, values);
                        if (onSaved) {
                            await onSaved();
                        }
                    },
                },
                {
                    onClose: () => {
                        closeDialog = null;
                    },
                }
            );
        }

        function apply(status) {
            if (!status) {
                return;
            }
            state.skew = Date.now() - status.server_time * 1000;
            state.status = status;
            const wrapup = status.state === "wrapup" ? status.wrapup : false;
            if (wrapup && !wrapup.disposition_id && dialogFor !== wrapup.call_id) {
                openWrapup(wrapup);
            } else if (!wrapup && closeDialog) {
                closeDialog();
            }
        }

        async function refresh() {
            if (!state.enabled) {
                return;
            }
            const result = await orm.silent.call(
                "hotline.agent.status",
                "hotline_status",
                []
            );
            state.dispositions = result.dispositions;
            state.pauseReasons = result.pause_reasons;
            apply(result.status);
            state.loaded = true;
        }

        async function call(method, args = []) {
            // a refusal raises a UserError: the error dialog shows the reason
            apply(await orm.call("hotline.agent.status", method, args));
        }

        async function cti(method, args = []) {
            // the agent's own controls (res.users action_hotline_*)
            const result = await orm.call("res.users", method, [[user.userId], ...args]);
            if (result) {
                await action.doAction(result);
            }
            await refresh();
        }

        async function save(callId, {dispositionId, note, ready}) {
            await call("hotline_wrapup_save", [callId, dispositionId, note, ready]);
        }

        bus_service.subscribe("hotline/agent_status", (payload) => {
            if (state.enabled) {
                apply(payload);
            }
        });
        bus_service.addEventListener("reconnect", () => refresh().catch(() => {}));
        bus_service.start();

        user.hasGroup("hotline_base.group_agent").then((isAgent) => {
            state.enabled = isAgent;
            refresh();
        });

        return {
            state,
            refresh,
            login: () => cti("action_hotline_login"),
            logout: () => cti("action_hotline_logout"),
            resume: () => cti("action_hotline_unpause"),
            pause: (reasonId) => call("hotline_pause", [reasonId]),
            ready: () => call("hotline_ready"),
            openWrapup() {
                const wrapup = state.status && state.status.wrapup;
                if (wrapup) {
                    openWrapup(wrapup);
                }
            },
            async openWrapupFor(wrapup, options) {
                if (!state.dispositions.length) {
                    await refresh();
                }
                openWrapup(wrapup, options);
            },
        };
    },
};

/**
 * "Wrap-up code" on a call's form (hotline.call.action_hotline_wrapup): the
 * wrap-up dialog for that call; the form reloads once the code is saved.
 */
registry.category("actions").add("hotline_callcenter.wrapup", async (env, action) => {
    await env.services.hotline_agent_status.openWrapupFor(action.params.wrapup, {
        onSaved: () => env.services.action.doAction("soft_reload"),
    });
});

registry.category("services").add("hotline_agent_status", hotlineAgentStatusService);
