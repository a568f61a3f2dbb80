from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from qorgau.accounts.views import set_language
from qorgau.config.api import api
from qorgau.core.views import healthz


class QorgauAdminSite(OTPAdminSite):
    """The Django admin reaches identifying data too: it asks for the second factor whenever
    the server requires one (read per request, so the setting is never frozen at import)."""

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.QORGAU_REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)


admin.site.__class__ = QorgauAdminSite

urlpatterns = [
    path("", include("qorgau.core.urls")),
    path("accounts/", include("qorgau.accounts.urls")),
    path("audit/", include("qorgau.audit.urls")),
    path("training/", include("qorgau.training.urls")),
    path("t/", include("qorgau.training.public_urls")),
    path("screening/", include("qorgau.screening.urls")),
    path("cases/", include("qorgau.cases.urls")),
    path("referrals/", include("qorgau.referrals.urls")),
    path("directory/", include("qorgau.directory.urls")),
    path("justice/", include("qorgau.justice.urls")),
    path("i18n/set/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
