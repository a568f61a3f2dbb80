from django.urls import path

from qorgau.training import (
    assessment_views,
    certificate_views,
    material_views,
    report_views,
    survey_views,
    views,
)

app_name = "training"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/clone/", views.event_clone, name="event_clone"),
    path("events/<int:pk>/trainers/", views.event_trainer_add, name="event_trainer_add"),
    path(
        "events/<int:pk>/trainers/<int:user_id>/remove/",
        views.event_trainer_remove,
        name="event_trainer_remove",
    ),
    path("events/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("events/<int:pk>/registrations/", views.registrations, name="registrations"),
    path(
        "events/<int:pk>/registrations/approve-pending/",
        views.registrations_approve_pending,
        name="registrations_approve_pending",
    ),
    path("events/<int:pk>/import/", views.registrations_import, name="registrations_import"),
    path(
        "events/<int:pk>/import/template.xlsx",
        views.registrations_template,
        name="registrations_template",
    ),
    path(
        "registrations/<int:pk>/resend-code/",
        views.registration_code_resend,
        name="registration_code_resend",
    ),
    path(
        "registrations/<int:pk>/<slug:action>/",
        views.registration_action,
        name="registration_action",
    ),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/remove/", views.session_remove, name="session_remove"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("speakers/", views.speakers, name="speakers"),
    path("speakers/<int:pk>/edit/", views.speaker_edit, name="speaker_edit"),
    # pre/post tests
    path("events/<int:pk>/tests/", assessment_views.event_tests, name="event_tests"),
    path(
        "events/<int:pk>/tests/prepare/",
        assessment_views.event_tests_prepare,
        name="event_tests_prepare",
    ),
    path(
        "events/<int:pk>/tests/<str:phase>/<slug:action>/",
        assessment_views.assessment_switch,
        name="assessment_switch",
    ),
    path(
        "events/<int:pk>/tests/results/",
        assessment_views.event_test_results,
        name="event_test_results",
    ),
    # certificates (training/certificate_views.py)
    path(
        "events/<int:pk>/certificates/",
        certificate_views.event_certificates,
        name="event_certificates",
    ),
    path(
        "events/<int:pk>/certificates/issue/",
        certificate_views.certificates_issue_eligible,
        name="certificates_issue_eligible",
    ),
    path(
        "registrations/<int:pk>/certificate/",
        certificate_views.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "certificates/<int:pk>/pdf/",
        certificate_views.certificate_download,
        name="certificate_download",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate_revoke",
    ),
    # end certificates
    # reports (training/report_views.py)
    path("events/<int:pk>/report/", report_views.event_report, name="event_report"),
    path(
        "events/<int:pk>/report.<slug:fmt>",
        report_views.event_report_file,
        name="event_report_file",
    ),
    path("programmes/<int:pk>/report/", report_views.programme_report, name="programme_report"),
    path(
        "programmes/<int:pk>/report.<slug:fmt>",
        report_views.programme_report_file,
        name="programme_report_file",
    ),
    # end reports
    # surveys (training/survey_views.py)
    path("events/<int:pk>/surveys/", survey_views.event_surveys, name="event_surveys"),
    path(
        "events/<int:pk>/surveys/<slug:kind>/prepare/",
        survey_views.survey_prepare,
        name="survey_prepare",
    ),
    path("surveys/<int:pk>/", survey_views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/questions/new/", survey_views.question_add, name="survey_question_add"),
    path(
        "survey-questions/<int:pk>/edit/", survey_views.question_edit, name="survey_question_edit"
    ),
    path(
        "survey-questions/<int:pk>/remove/",
        survey_views.question_remove,
        name="survey_question_remove",
    ),
    path("surveys/<int:pk>/results/", survey_views.survey_results, name="survey_results"),
    path(
        "surveys/<int:pk>/results.pdf", survey_views.survey_results_pdf, name="survey_results_pdf"
    ),
    # end surveys
    # materials library (training/material_views.py)
    path("materials/", material_views.library, name="materials"),
    path("materials/new/", material_views.material_new, name="material_new"),
    path("materials/<int:pk>/", material_views.material_detail, name="material_detail"),
    path("materials/<int:pk>/edit/", material_views.material_edit, name="material_edit"),
    path(
        "materials/<int:pk>/versions/new/",
        material_views.version_new,
        name="material_version_new",
    ),
    path("materials/<int:pk>/attach/", material_views.material_attach, name="material_attach"),
    path(
        "material-attachments/<int:pk>/remove/",
        material_views.attachment_remove,
        name="material_attachment_remove",
    ),
    path(
        "material-versions/<int:pk>/download/",
        material_views.version_download,
        name="material_download",
    ),
    # end materials library
]
