import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from warta.core.audit import audit_record, audit_verify
from warta.core.models import AuditEvent


def test_chain_verifies(db):
    for i in range(5):
        audit_record(action="uji.tindakan", target_type="x", target_id=str(i), changes={"n": i, "password": "rahasia"})
    report = audit_verify()
    assert report.ok
    assert report.checked == 5
    assert AuditEvent.objects.get(seq=1).changes == {"n": 0, "password": "***"}


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_verify_reports_first_broken_link(db):
    for i in range(4):
        audit_record(action="uji.tindakan", target_id=str(i))
    _tamper("UPDATE core_auditevent SET target_label = %s WHERE seq = %s", ["diubah diam-diam", 3])
    report = audit_verify()
    assert not report.ok
    assert report.broken_seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_verify_detects_deleted_row(db):
    for i in range(3):
        audit_record(action="uji.tindakan", target_id=str(i))
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [2])
    report = audit_verify()
    assert (report.ok, report.broken_seq) == (False, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_refuses_update_and_delete(db):
    audit_record(action="uji.tindakan")
    from django.db.utils import DatabaseError

    for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get().action == "uji.tindakan"


def test_a_batch_appends_its_events_together_in_order(db):
    from django.test.utils import CaptureQueriesContext

    from warta.core.audit import audit_batch

    audit_record(action="before")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit_batch():
        first = audit_record(action="batch.one")
        second = audit_record(action="batch.two", changes={"n": 2})
        with audit_batch():  # nested: appended with the outer block
            third = audit_record(action="batch.three")
        assert first.seq is None
        assert AuditEvent.objects.filter(action__startswith="batch.").count() == 0
    assert [first.seq, second.seq, third.seq] == [2, 3, 4]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1  # one INSERT for the three
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "before", "batch.one", "batch.two", "batch.three"]
    assert audit_verify().ok


def test_a_batch_that_fails_appends_nothing(db):
    from warta.core.audit import audit_batch

    def failing_change():
        with transaction.atomic(), audit_batch():
            audit_record(action="lost.one")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not AuditEvent.objects.filter(action="lost.one").exists()
    audit_record(action="after")
    assert AuditEvent.objects.get(action="after").seq == 1
    assert audit_verify().ok
