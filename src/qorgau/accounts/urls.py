from django.urls import path

from qorgau.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.QorgauLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("security/", views.security, name="security"),
    path("security/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("people/", views.members, name="members"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:org_id>/<int:user_id>/grant/", views.role_grant, name="role_grant"),
    path("memberships/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
