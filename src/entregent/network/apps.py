"""App configuration for the network data model."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The Django app that owns every table of a user's network."""

    name = "entregent.network"
    label = "network"
    verbose_name = _("Network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from entregent.engine import matching
        from entregent.network import snapshots

        snapshots.connect()
        matching.TERMS_CACHE = settings.DATA_DIR / "cache"
