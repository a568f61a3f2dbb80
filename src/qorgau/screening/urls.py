from django.urls import path

from qorgau.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.screening_list, name="list"),
    path("new/", views.screening_new, name="new"),
    path("<int:pk>/", views.screening_detail, name="detail"),
    path("<int:pk>/edit/", views.screening_edit, name="edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert_read"),
    path("identifications/<int:pk>/", views.identification_detail, name="identification"),
    path("catalogues/", views.catalogues, name="catalogues"),
    path("pathways/", views.pathways, name="pathways"),
]
