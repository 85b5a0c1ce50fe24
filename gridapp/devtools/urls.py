"""Mounted under /__bench/ by gridapp.urls only where the devtools are installed (development)."""

from django.urls import path

from . import views

urlpatterns = [path("floor/", views.floor, name="bench_floor")]
