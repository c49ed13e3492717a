"""factory_boy factories for the directory."""

from __future__ import annotations

import factory

from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    ApplicantKind,
    Official,
    Organ,
    OrganIdentifier,
    OrganScheme,
    RoleAssignment,
    UnitLevel,
    User,
)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{10 + n % 89:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    level = UnitLevel.PROVINCE


class OrganFactory(factory.django.DjangoModelFactory):
    """An organ with a QCVN 102 identifier and a consistent tree path."""

    class Meta:
        model = Organ
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    short_name = "CQ"
    kind = "department"
    level = 2

    @factory.post_generation
    def finish(obj: Organ, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        obj.tree_path = (obj.parent.tree_path if obj.parent else "/") + f"{obj.pk}/"
        obj.save(update_fields=["tree_path"])
        OrganIdentifier.objects.create(
            organ=obj,
            scheme=OrganScheme.QCVN102,
            # Unique per pk up to 100,000 and never one of the sample files' identifiers
            # (their third group is 00): a pk that happened to spell 000.00.03.H33 collided.
            value=f"{obj.pk % 1000:03d}.{(obj.pk // 1000) % 100:02d}.99.H99",
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-1")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


class OfficialFactory(factory.django.DjangoModelFactory):
    """`OfficialFactory(organ=o, roles=[("leader", o, False)])` grants those roles."""

    class Meta:
        model = Official
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organ = factory.SubFactory(OrganFactory)

    @factory.post_generation
    def roles(obj: Official, create: bool, extracted: object, **kwargs: object) -> None:
        for role, organ, subtree in extracted or ():  # type: ignore[attr-defined]
            RoleAssignment.objects.create(
                official=obj, role=role, organ=organ, include_subtree=subtree
            )


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    kind = ApplicantKind.CITIZEN
    identifier = factory.Sequence(lambda n: f"091090{n:06d}")
    name = factory.Sequence(lambda n: f"Trần Thị {n}")
