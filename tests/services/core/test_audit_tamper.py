"""The audit chain catches deletion and rewriting (issue #9 item 6), on every backend."""

from __future__ import annotations



from sqlalchemy import text

from tests.conftest import add_staff
from wuye_tui.services.core import audit, audit_checkpoint, escalation
from wuye_tui.services.core.context import ServiceContext


def _filled(db, clock):
    actor = add_staff(db, "王主管", "supervisor")
    ctx = ServiceContext(db=db, actor=actor, clock=clock)
    for i in range(5):
        escalation.raise_escalation(ctx, "fire", f"{i}号楼烟雾报警")
    assert audit.verify_database(db).ok  # also leaves a checkpoint outside the database
    return ctx


def _sql(db, sql, **params):
    with db.engine.begin() as conn:
        return conn.execute(text(sql), params)


def test_rows_are_keyed_hmac_not_plain_sha256(db, clock):
    _filled(db, clock)
    with db.read() as session:
        row = session.execute(text("SELECT * FROM audit ORDER BY id DESC LIMIT 1")).mappings().one()
    plain = audit._digest(row["prev_hash"], row["at"] if not isinstance(row["at"], str) else
                          __import__("datetime").datetime.fromisoformat(row["at"]), row["staff_id"],
                          row["action"], row["entity"], row["entity_id"], row["before"], row["after"])
    assert row["hash"] != plain


def test_deleting_the_last_row_is_caught(db, clock):
    _filled(db, clock)
    _sql(db, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "truncated"


def test_emptying_the_table_is_caught(db, clock):
    _filled(db, clock)
    _sql(db, "DELETE FROM audit")
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "truncated"


def test_recomputing_every_hash_without_the_key_is_caught(db, clock):
    _filled(db, clock)
    _sql(db, "DELETE FROM audit WHERE id = 3")
    # the attacker rebuilds the chain with plain SHA-256 (they have the database, not the key)
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit ORDER BY id")).mappings().all()
        prev = audit.GENESIS
        for r in rows:
            from datetime import datetime

            at = r["at"] if not isinstance(r["at"], str) else datetime.fromisoformat(r["at"])
            h = audit._digest(prev, at, r["staff_id"], r["action"], r["entity"], r["entity_id"], r["before"],
                              r["after"])
            conn.execute(text("UPDATE audit SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": h, "i": r["id"]})
            prev = h
    result = audit.verify_database(db)
    assert not result.ok and result.reason in ("rewritten", "truncated", "hash")


def test_editing_a_row_is_caught(db, clock):
    _filled(db, clock)
    _sql(db, "UPDATE audit SET after = replace(after, '烟雾', '演习') WHERE id = 4")
    result = audit.verify_database(db)
    assert not result.ok and result.broken_id == 4 and result.reason == "hash"


def test_an_older_copy_put_back_is_caught(db, clock):
    ctx = _filled(db, clock)
    with db.read() as session:
        old_head = audit_checkpoint.chain_head(session)
    escalation.raise_escalation(ctx, "fire", "6号楼")
    assert audit.verify_database(db).ok
    # "restore" the older state by removing the newer rows directly (as a file copy would)
    _sql(db, "DELETE FROM audit WHERE id > :i", i=old_head["id"])
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "truncated"


def test_untampered_chain_verifies_again(db, clock):
    _filled(db, clock)
    assert audit.verify_database(db).ok
    assert audit.verify_database(db).ok





def test_promoting_a_guard_directly_in_the_database_is_caught(db, clock):
    from wuye_tui.services.core import staff

    ctx = _filled(db, clock)
    guard = staff.add(ctx, "张保安", "guard", "1111")
    staff.reset_pin(ctx, "张保安", "2222")  # an audited change is fine
    assert audit.verify_database(db).ok
    _sql(db, "UPDATE staff SET role = 'manager' WHERE id = :i", i=guard.id)
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "register:staff" and result.broken_id == guard.id


# ---- the visitor book and the vehicle book are covered too ---------------------------

def _gate_book(gate_site):  # type: ignore[no-untyped-def]
    from tests.services.conftest_gate import ID2, visitor
    from wuye_tui.services.gate import vehicles as gveh
    from wuye_tui.services.gate import visits as gv

    g = gate_site.guard
    first = gv.check_in(g, visitor(plate="京B12345"))
    second = gv.check_in(g, visitor(name="李雷", id_number=ID2, phone="13900139000"))
    gv.check_out(g, first.id, with_vehicle=True)  # an audited change: still intact
    gveh.resident_in(g, "京A12345")
    return first, second


def test_editing_the_visitor_book_directly_is_caught(db, gate_site):
    first, second = _gate_book(gate_site)
    assert audit.verify_database(db).ok
    # a visitor who left put back on site by hand (or the reverse, to hide an overstay)
    _sql(db, "UPDATE gate_visit SET checked_out_at = NULL WHERE id = :i", i=first.id)
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "register:gate_visit" and result.broken_id == first.id


def test_a_visitors_name_changed_by_hand_is_caught(db, gate_site):
    first, second = _gate_book(gate_site)
    _sql(db, "UPDATE gate_visit SET name = '王五' WHERE id = :i", i=second.id)
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "register:gate_visit" and result.broken_id == second.id


def test_a_vehicle_move_edited_by_hand_is_caught(db, gate_site):
    _gate_book(gate_site)
    _sql(db, "UPDATE gate_vehicle SET out_at = NULL WHERE plate = '京B12345'")
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "register:gate_vehicle"


def test_group_check_out_undo_and_purge_keep_the_book_intact(db, gate_site):
    from datetime import timedelta

    from tests.services.conftest_gate import ID3, visitor
    from wuye_tui.services.gate import visits as gv
    from wuye_tui.services.gate import watch as gw

    first, second = _gate_book(gate_site)
    third = gv.check_in(gate_site.guard, visitor(name="韩梅梅", id_number=ID3, phone="13700137000"))
    gv.check_out_group(gate_site.guard, [second.id, third.id])
    assert audit.verify_database(db).ok
    gv.undo_check_out(gate_site.guard, [second.id, third.id])
    assert audit.verify_database(db).ok
    gate_site.clock.advance(days=200)
    assert gw.purge_visitors(gate_site.sup, gate_site.clock.now() - timedelta(days=180)) == 3
    assert audit.verify_database(db).ok  # blanked by the audited purge: not an edit
