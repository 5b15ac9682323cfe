"""What staff decide about affiliation strings in the review queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 2000  # a B-tree index entry stays well under PostgreSQL's 2,704-byte limit


class AffiliationCorrection(models.Model):
    """An affiliation string attributed by staff to an institution, or to none of the registry.

    The matcher reads the corrections by their key (`matching.correction_key`: folded, spaces
    collapsed), so one decision covers the same string written with other case, accents or
    spacing. `ror_id` None means "no institution of the registry: stop asking".
    """

    raw = models.TextField(_("affiliation as written"))
    key = models.CharField(_("correction key"), max_length=KEY_MAX_LENGTH, unique=True,
                           help_text=_("The string folded: lower case, no accents, single "
                                       "spaces."))
    # None, not "": the decision "no institution of the registry", as the Matcher takes it.
    ror_id = models.CharField(_("ROR id"), max_length=9, null=True, blank=True,  # noqa: DJ001
                              help_text=_("Empty: the string names no institution of the "
                                          "registry."))
    institution = models.ForeignKey("directory.Institution", verbose_name=_("institution"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="affiliation_corrections")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("decided on"))

    class Meta:
        verbose_name = _("affiliation correction")
        verbose_name_plural = _("affiliation corrections")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.raw[:200]
