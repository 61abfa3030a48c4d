from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from portal.accounts.roles import STAFF_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address.

    Roles are groups (see ``portal.accounts.roles``). Staff are scoped by the partner they
    work for and the programmes and areas they are assigned to.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    partner = models.ForeignKey(
        "reference.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        help_text="The partner organisation this member of staff works for.",
    )
    programmes = models.ManyToManyField(
        "reference.Programme", blank=True, related_name="staff",
        help_text="Programmes this person works on (scopes coordinators, finance officers and key workers).",
    )
    areas = models.ManyToManyField(
        "reference.Area", blank=True, related_name="staff",
        help_text="Areas this person covers. Empty means every area of their programmes.",
    )
    skip_two_factor = models.BooleanField(
        default=False,
        help_text="Demo accounts only: never honoured in production.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        labels = {role.label: role.value for role in Role}
        return frozenset(labels[name] for name in self.groups.values_list("name", flat=True) if name in labels)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and (self.is_superuser or bool(self.roles.intersection(roles)))

    @property
    def is_portal_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES) or self.is_superuser

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email
