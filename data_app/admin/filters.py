"""List filters that know Aria's data rules (the shared ones are in
aria_admin.admin.filters, which imports no app)."""

from django.contrib import admin
from django.db.models import Count

from data_app import domain


class ThreatLevelFilter(admin.SimpleListFilter):
    """Security events by normalised threat level: 'high' and 'HIGH' are one.

    Each level shows how many events it holds: one GROUP BY of the stored
    spellings (which the threat_level index can serve), merged into levels
    here by domain.normalise_threat_level.
    """

    title = "threat level"
    parameter_name = "threat_level__iexact"

    def lookups(self, request, model_admin):
        counts = {}
        rows = (
            model_admin.model._default_manager.order_by()
            .values_list("threat_level")
            .annotate(n=Count("pk"))
        )
        for level, n in rows:
            level = domain.normalise_threat_level(level)
            counts[level] = counts.get(level, 0) + n
        known = domain.THREAT_LEVELS
        levels = list(known) + sorted(set(counts) - set(known) - {""})
        return [(level, f"{level} ({counts.get(level, 0)})") for level in levels]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(threat_level__iexact=domain.normalise_threat_level(self.value()))
        return queryset
