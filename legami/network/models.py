"""The partnership (tenant), its organisations and members, and the person registry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from legami.core.fields import EncryptedTextField
from legami.core.models import NetworkScopedModel, TimeStampedModel
from legami.core.roles import Role


class Network(TimeStampedModel):
    """A partnership running community welfare on a territory: the tenant."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name (in the address)"), max_length=60, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("what the network does"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Organization(NetworkScopedModel):
    """A member organisation of the partnership (Comune, cooperative, association…)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Comune")
        PUBLIC_BODY = "public_body", _("Other public body")
        COOPERATIVE = "cooperative", _("Social cooperative")
        ASSOCIATION = "association", _("Association")
        FOUNDATION = "foundation", _("Foundation")
        SCHOOL = "school", _("School")
        PARISH = "parish", _("Parish")
        BUSINESS = "business", _("Business")
        INFORMAL_GROUP = "informal_group", _("Informal group")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="organizations", verbose_name=_("network")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    tax_code = models.CharField(_("tax code or VAT number"), max_length=16, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="organization_unique_name"),
            models.UniqueConstraint(
                fields=["network", "tax_code"], condition=~Q(tax_code=""), name="organization_unique_tax_code"
            ),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Partnership(NetworkScopedModel):
    """An organisation's role in the partnership (lead, partner, evaluator, funder…)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead partner")
        PARTNER = "partner", _("Partner")
        EVALUATOR = "evaluator", _("Evaluator")
        FUNDER = "funder", _("Funder")
        INVESTOR = "investor", _("Impact investor")
        SUPPORTER = "supporter", _("Supporter")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("network")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role in the partnership"), max_length=20, choices=Role.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    contribution = models.TextField(_("contribution"), blank=True)

    class Meta:
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organization", "role"], name="partnership_unique_role"),
            models.UniqueConstraint(fields=["network"], condition=Q(role="lead"), name="partnership_one_lead"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="partnership_until_after_since",
            ),
        ]
        verbose_name = _("partnership role")
        verbose_name_plural = _("partnership roles")

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"


class Membership(NetworkScopedModel):
    """A user's role in a network, optionally limited to one organisation or one district."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    district = models.ForeignKey(
        "territory.SocialDistrict",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("social district"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"], condition=Q(is_active=True), name="membership_unique_active_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Household(NetworkScopedModel):
    """A nucleo familiare."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="households", verbose_name=_("network"))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
        verbose_name=_("neighbourhood"),
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["network", "name"], name="household_network_name")]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name


class Person(NetworkScopedModel):
    """Someone the network works with: a citizen, a volunteer, a beneficiary."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other / not stated")

    class HouseholdRole(models.TextChoices):
        HEAD = "head", _("Reference person")
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        OTHER_RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other cohabitant")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="people", verbose_name=_("network"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    tax_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("neighbourhood"),
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("household")
    )
    household_role = models.CharField(
        _("role in the household"), max_length=20, choices=HouseholdRole.choices, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("user"),
    )
    # People write health details here whatever the guide says: encrypted at rest, never in the audit in clear.
    notes = EncryptedTextField(_("notes"), blank=True)
    # Set once, when what identified the person was removed (end of retention or a request): irreversible.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "tax_code"], condition=~Q(tax_code=""), name="person_unique_tax_code"
            ),
        ]
        # The list pages order by name or by creation within one network and page with LIMIT: these
        # indexes let the database walk the first rows in order instead of sorting the whole registry.
        indexes = [
            models.Index(fields=["network", "last_name", "first_name", "id"], name="person_network_name"),
            models.Index(fields=["network", "created_at", "id"], name="person_network_created"),
            models.Index(fields=["network", "municipality"], name="person_network_municipality"),
            models.Index(fields=["network", "birth_date"], name="person_network_birth_date"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Tie(NetworkScopedModel):
    """A relation between two people or organisations (a legame)."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Family")
        FRIENDSHIP = "friendship", _("Friendship")
        NEIGHBOUR = "neighbour", _("Neighbours (living nearby)")
        MUTUAL_HELP = "mutual_help", _("Mutual help")
        VOLUNTEERING = "volunteering", _("Volunteering")
        CARE = "care", _("Care or support")
        WORK = "work", _("Work")
        COLLABORATION = "collaboration", _("Collaboration between organisations")
        MEMBERSHIP = "membership", _("Membership of an organisation")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        MUTUAL = "mutual", _("Mutual")
        OUTGOING = "outgoing", _("From the first to the second")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="ties", verbose_name=_("network"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.MUTUAL)
    source_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="ties_out", verbose_name=_("first person")
    )
    source_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ties_out",
        verbose_name=_("first organisation"),
    )
    target_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="ties_in", verbose_name=_("second person")
    )
    target_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ties_in",
        verbose_name=_("second organisation"),
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-since", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source_person__isnull=False) & Q(source_organization__isnull=True))
                | (Q(source_person__isnull=True) & Q(source_organization__isnull=False)),
                name="tie_one_source",
            ),
            models.CheckConstraint(
                condition=(Q(target_person__isnull=False) & Q(target_organization__isnull=True))
                | (Q(target_person__isnull=True) & Q(target_organization__isnull=False)),
                name="tie_one_target",
            ),
            models.CheckConstraint(
                condition=Q(source_person__isnull=True) | ~Q(source_person=models.F("target_person")),
                name="tie_not_self_person",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="tie_until_after_since",
            ),
        ]
        indexes = [models.Index(fields=["network", "since", "created_at"], name="tie_network_since")]
        verbose_name = _("tie")
        verbose_name_plural = _("ties")

    def __str__(self) -> str:
        return f"{self.source} — {self.target} ({self.get_kind_display()})"

    @property
    def source(self):
        return self.source_person or self.source_organization

    @property
    def target(self):
        return self.target_person or self.target_organization
