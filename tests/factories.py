"""Factories for tests: units placed in the tree through the service, users, memberships."""

import factory
from django.contrib.auth import get_user_model

from warta.organisations.models import Membership, Unit, UnitKind
from warta.organisations.services import unit_create

PASSWORD = "Sandi-Uji-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.go.id")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_unit(name: str, parent: Unit | None = None, kind: str = UnitKind.DINAS, **fields) -> Unit:
    """Create a unit through the real service (paths, audit) with no acting user."""
    return unit_create(actor=None, parent=parent, kind=kind, name=name, **fields)


def make_member(unit: Unit, role: str, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
