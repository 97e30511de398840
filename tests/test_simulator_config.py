"""The simulator's configuration actions answer like Asterisk's manager.c.

GetConfig (Category-XXXXXX / Line-XXXXXX-XXXXXX), CreateConfig, UpdateConfig
(Action-/Cat-/Var-/Value-XXXXXX and its error texts) and Reload, kept in an
in-memory /etc/asterisk; app_queue's reload makes the file's queues the
simulator's queues.
"""

import socket
import time

import pytest
from pbx import queues_conf
from pbx.ami_client import AmiActionError, AmiClient
from pbx.ami_protocol import AmiParser
from pbx.simulator import AmiSimulator


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def ami(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", events=False) as client:
        yield client


def update(ami, *steps, dst="queues_hotline.conf", **extra):
    fields = {"SrcFilename": dst, "DstFilename": dst, **extra}
    for n, step in enumerate(steps):
        for key, value in zip(("Action", "Cat", "Var", "Value"), step, strict=False):
            fields[f"{key}-{n:06d}"] = value
    return ami.action("UpdateConfig", **fields)


def test_getconfig_lists_categories_and_lines(ami):
    response = ami.action("GetConfig", Filename="queues.conf")
    assert response.pairs[:2] == [("Response", "Success"), response.pairs[1]]
    assert response.get("ActionID")
    assert "Message" not in response  # astman_start_ack(): no Message
    assert response.get("Category-000000") == "general"
    assert response.get("Line-000000-000000") == "persistentmembers=yes"
    assert response.get("Category-000001") == "support"
    assert response.get("Line-000001-000000") == "strategy=ringall"
    assert response.get("Line-000001-000001") == "timeout=15"
    assert response.get("Category-000002") == "sales"


def test_getconfig_errors(ami):
    for fields, message in (
        ({}, "Filename not specified"),
        ({"Filename": "queues_hotline.conf"}, "Config file not found"),
        ({"Filename": "../../etc/passwd"}, "File requires escalated privileges"),
        ({"Filename": "/etc/shadow"}, "File requires escalated privileges"),
    ):
        with pytest.raises(AmiActionError) as err:
            ami.action("GetConfig", **fields)
        assert str(err.value) == message


def test_getconfig_unknown_category_line_without_colon(sim):
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=3)
    sock.sendall(
        b"Action: Login\r\nUsername: odoo\r\nSecret: secret\r\nEvents: off\r\n\r\n"
        b"Action: GetConfig\r\nActionID: g1\r\nFilename: queues.conf\r\n"
        b"Category: nosuch\r\n\r\n"
    )
    time.sleep(0.3)
    data = sock.recv(65536)
    sock.close()
    assert data.endswith(
        b"Response: Success\r\nActionID: g1\r\nNo categories found\r\n\r\n"
    )


def test_createconfig_then_update_then_getconfig(sim, ami):
    # UpdateConfig on a file that does not exist: is_restricted_file() fails
    with pytest.raises(AmiActionError, match="File requires escalated privileges"):
        update(ami, ("NewCat", "billing"))
    created = ami.action("CreateConfig", Filename="queues_hotline.conf")
    assert created.get("Message") == "New configuration file created successfully"
    with pytest.raises(AmiActionError, match="^File exists$"):
        ami.action("CreateConfig", Filename="queues_hotline.conf")
    with pytest.raises(AmiActionError, match="escalated privileges"):
        ami.action("CreateConfig", Filename="/tmp/x.conf")
    # an empty file loads: no categories
    empty = ami.action("GetConfig", Filename="queues_hotline.conf")
    assert not [k for k, _v in empty.pairs if k.startswith("Category-")]

    response = update(
        ami,
        ("NewCat", "billing"),
        ("Append", "billing", "strategy", "rrmemory"),
        ("Append", "billing", "member", ">PJSIP/8001,0,Li"),
        Reload="app_queue",
    )
    assert response.pairs[0] == ("Response", "Success")
    assert "Message" not in response  # astman_send_ack(s, m, NULL)
    config = ami.action("GetConfig", Filename="queues_hotline.conf")
    assert config.get("Category-000000") == "billing"
    assert config.get("Line-000000-000000") == "strategy=rrmemory"
    assert config.get("Line-000000-000001") == "member=PJSIP/8001,0,Li"
    # queues.conf includes the file: its GetConfig shows the new queue too
    main = ami.action("GetConfig", Filename="queues.conf")
    assert main.get("Category-000003") == "billing"
    # the Reload header reloaded app_queue: the queue and its static member
    assert sim.reloads == ["app_queue"]
    assert sim.queues["billing"]["PJSIP/8001"]["static"]
    assert sim.queue_config["billing"]["strategy"] == "rrmemory"
    assert "billing" in sim.config_text("queues_hotline.conf")


def test_update_edits_and_errors_leave_the_file_as_it_was(sim, ami):
    ami.action("CreateConfig", Filename="queues_hotline.conf")
    update(ami, ("NewCat", "q1"), ("Append", "q1", "timeout", "15"))
    update(
        ami,
        ("Update", "q1", "timeout", "20"),
        ("Append", "q1", "retry", "5"),
        ("RenameCat", "q1", "", "q2"),
    )
    config = ami.action("GetConfig", Filename="queues_hotline.conf")
    assert config.get("Category-000000") == "q2"
    assert config.get("Line-000000-000000") == "timeout=20"
    before = sim.config_text("queues_hotline.conf")
    for steps, message in (
        ([("NewCat", "q2")], "Create category did not complete successfully"),
        ([("DelCat", "nosuch")], "Given category does not exist"),
        ([("Append", "q2", "", "x")], "Problem with category, value, or line"),
        ([("Update", "q2", "nosuch", "1")], "Update did not complete successfully"),
        ([("Frobnicate", "q2")], "Unknown action command"),
        ([("Append", "", "a", "b")], "Category not specified"),
        # the first step is fine, the second fails: nothing is saved
        ([("DelCat", "q2"), ("DelCat", "q2")], "Given category does not exist"),
    ):
        with pytest.raises(AmiActionError) as err:
            update(ami, *steps)
        assert str(err.value).startswith(message)
        assert sim.config_text("queues_hotline.conf") == before
    sim.config_save_fails.add("queues_hotline.conf")
    with pytest.raises(AmiActionError, match="^Save of config failed$"):
        update(ami, ("DelCat", "q2"))
    assert sim.config_text("queues_hotline.conf") == before
    with pytest.raises(AmiActionError, match="^Filename not specified$"):
        ami.action("UpdateConfig", SrcFilename="queues_hotline.conf")


def test_reload_answers_and_rebuilds_queues(sim, ami):
    sim.queues["support"]["Local/8009@agents"] = {"name": "8009", "paused": False}
    ami.action("CreateConfig", Filename="queues_hotline.conf")
    # remove 'sales' from queues.conf and add 'billing' in Odoo's file
    update(ami, ("DelCat", "sales"), dst="queues.conf")
    update(ami, ("NewCat", "billing"), ("Append", "billing", "strategy", "linear"))
    assert "sales" in sim.queues  # not reloaded yet
    response = ami.action("Reload", Module="app_queue")
    assert response.get("Message") == "Module Reloaded"
    assert set(sim.queues) == {"support", "billing"}
    # dynamic members survive a reload
    assert "Local/8009@agents" in sim.queues["support"]
    _response, items = ami.action_list("QueueStatus", Queue="billing")
    assert items[0].get("Strategy") == "linear"
    assert ami.action("Reload", Module="app_queue.so").get("Response") == "Success"
    assert ami.action("Reload").get("Message") == "Module Reloaded"
    with pytest.raises(AmiActionError, match="^No such module$"):
        ami.action("Reload", Module="app_nosuch")
    with pytest.raises(AmiActionError, match="^Module does not support reload$"):
        ami.action("Reload", Module="app_dial")
    assert sim.reloads == ["app_queue", "app_queue", None]


def test_queues_conf_push_round_trip(sim, ami):
    """What hotline_push_config sends (queues_conf.push_actions) lands in the
    live file as generate() writes it, and a second push replaces it."""
    queues = [
        {"name": f"q{n}", "strategy": "rrmemory", "timeout": 15} for n in range(3)
    ]
    for filename in (queues_conf.CONF_FILENAME, queues_conf.STAGING_FILENAME):
        ami.action("CreateConfig", Filename=filename)
    for fields in queues_conf.push_actions(queues):
        ami.action("UpdateConfig", **fields)
    config = ami.action("GetConfig", Filename=queues_conf.CONF_FILENAME)
    lines = [v for k, v in config.pairs if k.startswith("Line-000000-")]
    expected = [f"{k}={v}" for k, v in queues_conf.queue_settings(queues[0])]
    assert lines == expected
    assert config.get("Category-000002") == "q2"
    staging = ami.action("GetConfig", Filename=queues_conf.STAGING_FILENAME)
    again = queues_conf.push_actions(
        [dict(queues[1], strategy="linear")], queues_conf.config_categories(staging)
    )
    for fields in again:
        ami.action("UpdateConfig", **fields)
    config = ami.action("GetConfig", Filename=queues_conf.CONF_FILENAME)
    assert [v for k, v in config.pairs if k.startswith("Category-")] == ["q1"]
    assert config.get("Line-000000-000000") == "strategy=linear"
    assert sim.reloads == []  # Reload: no; the caller reloads


def test_parser_reads_getconfig_response(sim):
    """The raw bytes of a GetConfig answer parse into one response."""
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=3)
    sock.sendall(
        b"Action: Login\r\nUsername: odoo\r\nSecret: secret\r\nEvents: off\r\n\r\n"
        b"Action: GetConfig\r\nActionID: g2\r\nFilename: queues.conf\r\n\r\n"
    )
    time.sleep(0.3)
    data = sock.recv(65536)
    sock.close()
    msgs = AmiParser().feed(data)
    config = next(m for m in msgs if m.get("ActionID") == "g2")
    assert config.get("Category-000001") == "support"


def test_over_128_headers_refused_like_capture():
    """updateconfig_over_128_headers, byte for byte: 137 header lines are refused
    with manager.c's message (the ActionID kept), the same action cut to 104
    lines is run; the session goes on."""
    from test_simulator import replay_capture

    simulator = AmiSimulator(secret="odoo", speed=0, auth_fail_delay=0.05).start()
    try:
        received, expected = replay_capture(simulator, "updateconfig_over_128_headers")
        cats = simulator.config_files["queues_refusal_test.conf"]["categories"]
    finally:
        simulator.stop()
    assert received == expected
    # only the second action was applied: q0..q49 once each
    assert [c["name"] for c in cats] == [f"q{n}" for n in range(50)]


def test_header_limit_counts_every_line_and_keeps_the_first_128(sim):
    """128 lines pass, 129 do not; an ActionID past line 128 is lost; lines
    after the limit do not leak into a next action."""
    sim.config_files["t.conf"] = {"categories": [], "includes": []}

    def frame(action_id, n_cats, id_last=False):
        lines = [b"Action: UpdateConfig"]
        if not id_last:
            lines.append(b"ActionID: " + action_id)
        lines += [b"SrcFilename: t.conf", b"DstFilename: t.conf"]
        for n in range(n_cats):
            lines += [
                b"Action-%06d: NewCat" % n,
                b"Cat-%06d: %s-%d" % (n, action_id, n),
            ]
        if id_last:
            lines.append(b"ActionID: " + action_id)
        return b"\r\n".join(lines) + b"\r\n\r\n"

    login = b"Action: Login\r\nUsername: odoo\r\nSecret: secret\r\nEvents: off\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=3)
    # 2 + 2 + 62 * 2 = 128 lines; 129; ActionID as line 130
    sock.sendall(
        login
        + frame(b"ok", 62)
        + frame(b"big", 62).replace(
            b"DstFilename: t.conf", b"DstFilename: t.conf\r\nReload: no"
        )
        + frame(b"late", 63, id_last=True)
        + b"Action: Ping\r\nActionID: after\r\n\r\n"
    )
    time.sleep(0.4)
    msgs = AmiParser().feed(sock.recv(65536))
    sock.close()
    answers = [m.pairs for m in msgs[1:]]
    too_many = ("Message", "Too many lines in message or allocation failure")
    assert answers[0] == [("Response", "Success"), ("ActionID", "ok")]
    assert answers[1] == [("Response", "Error"), ("ActionID", "big"), too_many]
    assert answers[2] == [("Response", "Error"), too_many]
    assert answers[3][:2] == [("Response", "Success"), ("ActionID", "after")]
    names = [c["name"] for c in sim.config_files["t.conf"]["categories"]]
    assert names == [f"ok-{n}" for n in range(62)]
