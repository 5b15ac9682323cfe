"""factory_boy factories. Defaults are plain and explicit: a factory makes what it says."""

import factory
from django.utils import timezone

from jumelage.accounts.models import User
from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme


class PoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pole
        django_get_or_create = ("code",)

    code = "clara"
    name_fr = "Cancéropôle Lyon Auvergne-Rhône-Alpes"
    name_en = "Cancéropôle Lyon Auvergne-Rhône-Alpes"
    short_name = "CLARA"
    country = "FR"
    region_code = "ARA"
    region_fr = "Auvergne-Rhône-Alpes"
    region_en = "Auvergne-Rhône-Alpes"
    currency = "EUR"
    time_zone = "Europe/Paris"


def oncopole(**kwargs) -> Pole:
    defaults = {
        "code": "oncopole", "name_fr": "Oncopole", "name_en": "Oncopole",
        "short_name": "Oncopole", "country": "CA", "region_code": "QC", "region_fr": "Québec",
        "region_en": "Quebec", "currency": "CAD", "time_zone": "America/Toronto",
    }
    defaults.update(kwargs)
    return PoleFactory(**defaults)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    kind = Theme.Kind.THEME
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name_fr = factory.Sequence(lambda n: f"Établissement {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    type = Institution.Type.UNIVERSITY
    city = "Lyon"
    country = "FR"
    pole = None


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name_fr = factory.Sequence(lambda n: f"Équipe {n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    institution = factory.SubFactory(InstitutionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = User.Role.RESEARCHER
    password = factory.django.Password("correct horse battery staple")
    date_joined = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Every factory user has a confirmed primary email unless verified=False is passed."""
        if not create:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=obj, email=obj.email, primary=True,
                                    verified=extracted is not False)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = "Camille"
    family_name = factory.Sequence(lambda n: f"Durand{n}")
    public_profile = False


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    institution = factory.SubFactory(InstitutionFactory)
