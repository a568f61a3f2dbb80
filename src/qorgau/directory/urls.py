from django.urls import path

from qorgau.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
    path("providers/<int:pk>/services/new/", views.service_new, name="service_new"),
    path("organisations/<int:organisation_pk>/edit/", views.profile_edit, name="profile_edit"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/capacity/", views.capacity, name="capacity"),
]
