"""The press app's URLs: releases, attachments, sending and the delivery log, contacts, lists,
and the public page of a published release."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.url_routes import PUBLIC, UNIT, Route
from warta.press import services

R = ("release_uuid",)
ROUTES = {
    "press:release-list": Route(UNIT),
    "press:release-create": Route(UNIT, write=True, get_forbidden=True),
    "press:release-detail": Route(UNIT, objects=R),
    "press:release-edit": Route(UNIT, write=True, get_forbidden=True, objects=R),
    "press:release-submit": Route(UNIT, write=True, post_only=True, objects=R),
    "press:release-publish": Route(UNIT, write=True, post_only=True, objects=R),
    "press:release-archive": Route(UNIT, write=True, post_only=True, objects=R),
    "press:release-pdf": Route(UNIT, objects=R),
    "press:release-docx": Route(UNIT, objects=R),
    "press:release-versions": Route(UNIT, objects=R),
    "press:attachment-add": Route(UNIT, write=True, post_only=True, objects=R),
    "press:attachment-download": Route(UNIT, objects=(*R, "attachment_uuid")),
    "press:attachment-remove": Route(UNIT, write=True, post_only=True, objects=(*R, "attachment_uuid")),
    "press:release-send": Route(UNIT, write=True, get_forbidden=True, objects=R),
    "press:delivery-list": Route(UNIT, objects=R),
    "press:delivery-retry": Route(UNIT, write=True, post_only=True, objects=R),
    "press:contact-list": Route(UNIT),
    "press:contact-create": Route(UNIT, write=True, get_forbidden=True),
    "press:contact-import": Route(UNIT, write=True, get_forbidden=True),
    "press:contact-edit": Route(UNIT, write=True, get_forbidden=True, objects=("contact_uuid",)),
    "press:list-list": Route(UNIT),
    "press:list-create": Route(UNIT, write=True, get_forbidden=True),
    "press:list-edit": Route(UNIT, write=True, get_forbidden=True, objects=("list_uuid",)),
    "press:public": Route(PUBLIC, extra={"slug": "tidak-ada"}),
    "press:public-attachment": Route(PUBLIC, extra={"slug": "tidak-ada",
                                                    "attachment_uuid": "00000000-0000-0000-0000-000000000000"}),
    "press:delivery-resend": Route(UNIT, write=True, post_only=True, objects=(*R, "delivery_uuid")),
    "press:delivery-mark-sent": Route(UNIT, write=True, post_only=True, objects=(*R, "delivery_uuid")),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_objects(tree, admin, viewer):
    release = services.release_create(actor=admin, unit=tree.kab, headline="Vaksinasi massal di Cibinong",
                                      place="Cibinong", release_date=date(2026, 11, 23), lead="Teras berita.")
    attachment = services.attachment_add(actor=admin, release=release,
                                         upload=SimpleUploadedFile("jadwal.pdf", PDF), title="Jadwal")
    contact = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@koran.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Media daerah", contacts=[contact])
    from warta.press.models import PressDelivery

    delivery = PressDelivery.objects.create(release=release, contact=contact, distribution_list=dlist,
                                            email=contact.email)
    return {"release_uuid": release.uuid, "attachment_uuid": attachment.uuid, "contact_uuid": contact.uuid,
            "list_uuid": dlist.uuid, "delivery_uuid": delivery.uuid}
