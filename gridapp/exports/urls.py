from django.urls import path

from . import views

urlpatterns = [
    path("", views.export, name="export"),
    path("typhoon-roster/", views.typhoon_roster, name="typhoon_roster"),
    path("work-record/", views.month_export, name="worker_month_export"),
]
