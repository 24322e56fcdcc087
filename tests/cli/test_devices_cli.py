"""Device commands against fake devices: prereg --qr, printing, devices test, lpr listen."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.cli.test_gate_cli import DESK, GUARD, SUP, prepare, run
from tests.fake_devices import FakePrinter, decode_slip, free_port
from tests.services.conftest_gate import ID1

ROOT = Path(__file__).resolve().parents[2]


def test_prereg_qr_png_and_svg(sqlite_db, clock, tmp_path):  # type: ignore[no-untyped-def]
    prepare(sqlite_db, clock)
    png, svg = tmp_path / "code.png", tmp_path / "code.svg"
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "刘备", "--qr", str(png))
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "关羽", "--qr", str(svg))
    assert r.exit_code == 0 and "<svg" in svg.read_text()
    assert {oct(p.stat().st_mode & 0o777) for p in (png, svg)} == {"0o600"}  # whatever the umask
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "elsewhere.png")
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "赵云", "--qr", str(link))
    assert r.exit_code == 1 and not (tmp_path / "elsewhere.png").exists()  # never through a symlink
    assert "Traceback" not in r.output and r.stdout == ""  # refused before anything is saved
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "张飞", "--qr", str(tmp_path / "x.jpg"))
    assert r.exit_code == 1 and ".png" in r.stderr and r.stdout == ""  # refused before anything is saved


def test_print_a_visitor_slip_and_the_fake_printer_test(sqlite_db, clock):  # type: ignore[no-untyped-def]
    prepare(sqlite_db, clock)
    printer = FakePrinter()
    try:
        assert run(sqlite_db, SUP, "settings", "set", "printer_url", printer.url).exit_code == 0
        r = run(sqlite_db, GUARD, "visitor", "checkin", "--name", "赵云", "--unit", "3栋2单元1202", "--id", ID1)
        assert r.exit_code == 0, r.output
        r = run(sqlite_db, GUARD, "devices", "print", "visitor", "1")
        assert r.exit_code == 0, r.output
        text, qrs = decode_slip(printer.wait_jobs(1)[0])
        assert "赵*" in text and qrs == ["WUYE:VISIT:1"]
    finally:
        printer.close()
    r = run(sqlite_db, GUARD, "devices", "print", "visitor", "1")  # printer gone: one clear line
    assert r.exit_code == 1 and "打印机" in r.stderr and "Traceback" not in r.output
    r = run(sqlite_db, GUARD, "devices", "test", "printer", "--fake")
    assert r.exit_code == 0, r.output
    assert "中文打印测试" in r.stdout and "WUYE:TEST" in r.stdout


def test_devices_test_reader_both_ways(sqlite_db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.idcard import CardReaderServer, send_card

    prepare(sqlite_db, clock)
    port = free_port()
    got: list = []  # type: ignore[type-arg]
    loop = asyncio.new_event_loop()
    server = CardReaderServer(f"tcp://127.0.0.1:{port}", got.append)
    loop.run_until_complete(server.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        r = run(sqlite_db, GUARD, "devices", "test", "reader", "--address", f"tcp://127.0.0.1:{port}")
        assert r.exit_code == 0, r.output
        assert got and got[0].id_number == "11010519491231002X"
        r = run(sqlite_db, GUARD, "devices", "test", "reader", "--address", f"tcp://127.0.0.1:{port}",
                "--card", '{"name": "张三", "id_number": "110105194912310021"}')
        assert r.exit_code == 1 and "校验" in r.stderr
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    port2 = free_port()

    def bridge() -> None:
        for _ in range(50):
            try:
                send_card(f"tcp://127.0.0.1:{port2}", {"name": "李白", "id_number": ID1, "valid_until": "20300101"})
                return
            except OSError:
                time.sleep(0.1)

    t = threading.Thread(target=bridge, daemon=True)
    t.start()
    r = run(sqlite_db, GUARD, "devices", "test", "reader", "--listen", "--address", f"tcp://127.0.0.1:{port2}",
            "--timeout", "10")
    t.join(5)
    assert r.exit_code == 0, r.output
    assert "李白" in r.stdout and "20300101" in r.stdout
    r = run(sqlite_db, GUARD, "devices", "test", "reader", "--address", "tcp://10.0.0.8:7001")
    assert r.exit_code == 1 and "127.0.0.1" in r.stderr


def test_lpr_listen_receives_a_camera_and_the_desk_sees_the_event(sqlite_db, clock):  # type: ignore[no-untyped-def]
    prepare(sqlite_db, clock)
    r = run(sqlite_db, SUP, "lpr", "camera", "add", "cam-east-1", "--name", "东门入口", "--direction", "in",
            "--gate", "东门")
    assert r.exit_code == 0, r.output
    assert run(sqlite_db, GUARD, "lpr", "camera", "add", "x", "--name", "y", "--direction", "in").exit_code == 1
    assert "东门入口" in run(sqlite_db, GUARD, "lpr", "camera", "list").stdout
    port = free_port()
    env = {**os.environ, "WUYE_LANG": "zh"}
    proc = subprocess.Popen([sys.executable, "-m", "wuye_tui.cli", "--db", sqlite_db.url, "lpr", "listen",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            r = run(sqlite_db, GUARD, "devices", "test", "camera", "--url", url, "--plate", "京B·66666")
            if r.exit_code == 0 or "No receiver" not in r.output and "没有接收" not in r.output:
                break
            time.sleep(0.1)
        assert r.exit_code == 0, r.output
        assert "Response_AlarmInfoPlate" in r.stdout
        r = run(sqlite_db, GUARD, "devices", "test", "camera", "--url", url, "--camera", "nobody")
        assert r.exit_code == 1 and r.stdout.startswith("403")
        r = run(sqlite_db, GUARD, "lpr", "events")
        assert "京B66666" in r.stdout and "东门入口" in r.stdout
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert "unknown camera" in err  # the refusal's log line
