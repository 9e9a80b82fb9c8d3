"""ISTAT territory (regions, provinces, Comuni) and each network's own geography."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from legami.core.models import NetworkScopedModel, TimeStampedModel

from .fields import latitude_field, longitude_field


class Region(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["istat_code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    """An ISTAT supra-municipal unit (province, metropolitan city, free consortium)."""

    istat_code = models.CharField(_("ISTAT code"), max_length=3, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=2, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Municipality(models.Model):
    """A Comune from the ISTAT list (shared by all networks)."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, db_index=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("province")
    )
    is_capital = models.BooleanField(_("provincial capital"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class SocialDistrict(NetworkScopedModel):
    """An ambito territoriale sociale: Comuni that plan social services together."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="districts", verbose_name=_("network")
    )
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="district_unique_name")]
        verbose_name = _("social district")
        verbose_name_plural = _("social districts")

    def __str__(self) -> str:
        return self.name


class NetworkMunicipality(TimeStampedModel):
    """A Comune that is part of a network's territory, optionally in one of its districts."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="territory", verbose_name=_("network")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="network_links", verbose_name=_("Comune")
    )
    district = models.ForeignKey(
        SocialDistrict,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("social district"),
    )

    class Meta:
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "municipality"], name="territory_unique_municipality")
        ]
        verbose_name = _("municipality in the territory")
        verbose_name_plural = _("municipalities in the territory")

    def __str__(self) -> str:
        return str(self.municipality)


class Neighbourhood(NetworkScopedModel):
    """A quartiere or frazione of a Comune, as the network names it."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="neighbourhoods", verbose_name=_("network")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="neighbourhoods", verbose_name=_("Comune")
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "municipality", "name"], name="neighbourhood_unique_name")
        ]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class Place(NetworkScopedModel):
    """A physical place: casa di quartiere, school, oratory, library…"""

    class Kind(models.TextChoices):
        COMMUNITY_HOUSE = "community_house", _("Community house")
        SCHOOL = "school", _("School")
        ORATORY = "oratory", _("Oratory")
        LIBRARY = "library", _("Library")
        SOCIAL_SERVICES = "social_services", _("Social services office")
        SPORTS = "sports", _("Sports facility")
        PARK = "park", _("Park or square")
        HEALTH = "health", _("Health facility")
        OTHER = "other", _("Other")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="places", verbose_name=_("network")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="places", verbose_name=_("Comune")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
        verbose_name=_("neighbourhood"),
    )
    address = models.CharField(_("address"), max_length=250)
    latitude = latitude_field()
    longitude = longitude_field()
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "municipality", "name"], name="place_unique_name"),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="place_coordinates_both_or_none",
            ),
        ]
        indexes = [models.Index(fields=["network", "name"], name="place_network_name")]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name
