"""The audit CSV never hands a spreadsheet a formula typed by a user (CSV injection)."""

from django.urls import reverse

from warta.core.audit import audit_record


def test_audit_export_neutralises_formulas(tree, admin, admin_client):
    audit_record(actor=admin, unit=tree.kab, action="unit.update", target=tree.kec,
                 target_label='=HYPERLINK("http://evil.example","klik")', changes={"name": ["a", "b"]})
    body = b"".join(admin_client.get(reverse("organisations:audit-export", args=[tree.kab.uuid])).streaming_content)
    text = body.decode()
    assert "'=HYPERLINK" in text
    assert ',=HYPERLINK' not in text
    assert '"=HYPERLINK' not in text
