from django.urls import path

from qorgau.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/<int:pk>/enter/", views.workspace_enter, name="workspace_enter"),
    path("workspaces/leave/", views.workspace_leave, name="workspace_leave"),
]
