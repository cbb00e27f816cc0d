from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.client import client_ip


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One state change: who did what to which object, when and from where.

    Append-only: the model refuses updates and deletes, and a database trigger
    (migration 0002) refuses them from any other client too.
    """

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=60, db_index=True)
    # Dotted "app.Model:pk", so one table records every kind of object.
    target = models.CharField(_("object"), max_length=100, db_index=True)
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


def target_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def record(action: str, obj, *, actor=None, organisation=None, request=None, **data):
    """Append one event. Call inside the transaction of the change it records."""
    ip = None
    if request is not None:
        ip = client_ip(request)
        if actor is None and request.user.is_authenticated:
            actor = request.user
    return AuditEvent.objects.create(
        action=action,
        target=target_of(obj),
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        ip_address=ip,
        data=data,
    )
