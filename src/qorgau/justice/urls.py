from django.urls import path

from qorgau.justice import views

app_name = "justice"

urlpatterns = [
    path("", views.proceeding_list, name="list"),
    path("case/<int:case_pk>/new/", views.proceeding_create, name="create"),
    path("<int:pk>/", views.proceeding_detail, name="detail"),
    path("<int:pk>/edit/", views.proceeding_edit, name="edit"),
    path("<int:pk>/decisions/", views.decision_record, name="decision"),
    path("<int:pk>/interviews/new/", views.interview_record, name="interview"),
    path("<int:pk>/claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim_edit"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
