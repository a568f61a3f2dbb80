from django.urls import path

from qorgau.cases import duplicate_views, record_views, reminder_views, views, views_care

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
    path("reminders/", reminder_views.reminder_list, name="reminders"),
    # The child's care: assessments, plan, services delivered, closure and follow-up.
    path("<int:pk>/assessments/", views_care.assessment_add, name="assessment_add"),
    path("assessments/<int:pk>/", views_care.assessment_edit, name="assessment_edit"),
    path("<int:pk>/reflection/", views_care.reflection_start, name="reflection"),
    path("<int:pk>/plan/", views_care.plan_create, name="plan_create"),
    path("<int:pk>/plan/goals/", views_care.plan_goals, name="plan_goals"),
    path("<int:pk>/plan/extend/", views_care.plan_extend, name="plan_extend"),
    path("<int:pk>/plan/submit/", views_care.plan_submit, name="plan_submit"),
    path("<int:pk>/plan/services/", views_care.plan_service, name="plan_service"),
    path("services/", views_care.deliveries, name="deliveries"),
    path("services/<int:pk>/deliver/", views_care.deliver, name="deliver"),
    path("<int:pk>/closure/", views_care.closure_request, name="closure"),
    path("closures/<int:pk>/close/", views_care.case_close, name="close"),
    path("closures/<int:pk>/follow-up/", views_care.follow_up_start, name="follow_up_start"),
    path("closures/<int:pk>/finish/", views_care.follow_up_finish, name="follow_up_finish"),
    path("visits/<int:pk>/", views_care.visit_record, name="visit"),
    path("<int:pk>/reopen/", views_care.case_reopen, name="reopen"),
    path("<int:pk>/notes/", record_views.notes, name="notes"),
    path("<int:pk>/documents/", record_views.documents, name="documents"),
    path("documents/<int:pk>/", record_views.document_download, name="document_download"),
    path("documents/<int:pk>/withdraw/", record_views.document_withdraw, name="document_withdraw"),
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
