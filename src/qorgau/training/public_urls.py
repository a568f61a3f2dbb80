"""Public pages (no account): registration, cancellation, calendar file, QR check-in."""

from django.urls import path

from qorgau.training import assessment_views, certificate_views, survey_views, views

app_name = "training_public"

urlpatterns = [
    path("c/<str:token>/", views.checkin, name="checkin"),
    path("q/<str:token>/", assessment_views.take, name="test"),
    path("a/<str:key>/", assessment_views.attempt_page, name="attempt"),
    # certificates (before the event codes)
    path("verify/", certificate_views.verify_form, name="verify_form"),
    path("verify/<str:code>/", certificate_views.verify, name="verify"),
    path("certificate/<str:token>/", certificate_views.certificate_public, name="certificate"),
    # end certificates
    path("s/<str:token>/", survey_views.survey_public, name="survey"),
    path("r/<str:token>/", survey_views.survey_answer, name="survey_answer"),
    path("<slug:code>/", views.register, name="register"),
    path("<slug:code>/event.ics", views.event_calendar, name="calendar"),
    path("<slug:code>/registered/<str:token>/", views.registered, name="registered"),
    path("<slug:code>/cancel/<str:token>/", views.cancel, name="cancel"),
]
