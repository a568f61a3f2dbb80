from django.urls import path

from qorgau.cases import duplicate_views, views

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
    path("duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path("duplicates/scan/", duplicate_views.duplicate_scan_start, name="duplicate_scan_start"),
    path("duplicates/scan/<int:pk>/", duplicate_views.duplicate_scan_status, name="duplicate_scan"),
    path("duplicates/<int:pk>/", duplicate_views.duplicate_pair, name="duplicate"),
    path(
        "duplicates/<int:pk>/not-duplicate/",
        duplicate_views.duplicate_not_duplicate,
        name="duplicate_not_duplicate",
    ),
    path("duplicates/<int:pk>/merge/", duplicate_views.duplicate_merge, name="duplicate_merge"),
    path("merges/<int:pk>/unmerge/", duplicate_views.duplicate_unmerge, name="duplicate_unmerge"),
]
