from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from qorgau.accounts.views import set_language
from qorgau.config.api import api
from qorgau.core.views import healthz

if settings.QORGAU_REQUIRE_2FA:
    # The Django admin reaches identifying data too: it asks for the second factor.
    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("qorgau.core.urls")),
    path("accounts/", include("qorgau.accounts.urls")),
    path("audit/", include("qorgau.audit.urls")),
    path("i18n/set/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
