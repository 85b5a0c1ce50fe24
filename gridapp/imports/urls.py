from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_upload, name="import_upload"),
    path("template/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/rerun/", views.import_rerun, name="import_rerun"),
]
