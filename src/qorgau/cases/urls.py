from django.urls import path

from qorgau.cases import record_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.child_register, name="register"),
    path(
        "from-identification/<int:pk>/", views.open_from_identification, name="from_identification"
    ),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/stage/", views.case_stage, name="stage"),
    path("<int:pk>/child/", views.child_edit, name="child_edit"),
    path("<int:pk>/invite/", views.case_invite, name="invite"),
    path("<int:pk>/consent/", views.consent_give, name="consent"),
    path("<int:pk>/approval/", views.approval_request, name="approval_request"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("approvals/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("invitations/<int:pk>/", views.invitation_respond, name="invitation"),
    path("supervision/", views.supervision, name="supervision"),
    path("<int:pk>/notes/", record_views.notes, name="notes"),
    path("<int:pk>/documents/", record_views.documents, name="documents"),
    path("documents/<int:pk>/", record_views.document_download, name="document_download"),
    path("documents/<int:pk>/withdraw/", record_views.document_withdraw, name="document_withdraw"),
]
