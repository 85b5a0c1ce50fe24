from django.urls import path

from . import views

urlpatterns = [
    path("", views.export, name="export"),
    path("typhoon-roster/", views.typhoon_roster, name="typhoon_roster"),
]
