from django.urls import path

from qorgau.referrals import transfer_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("overdue/", views.overdue, name="overdue"),
    path("case/<int:case_pk>/send/", views.send, name="send"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("case/<int:case_pk>/transfer/", transfer_views.request_transfer, name="transfer_request"),
    path("transfers/<int:pk>/", transfer_views.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/accept/", transfer_views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/<str:action>/", transfer_views.transfer_act, name="transfer_act"),
    path("<int:pk>/documents/", transfer_views.attach_document, name="attach_document"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        transfer_views.shared_document,
        name="shared_document",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
