from django.urls import path

from . import measure_views, views

urlpatterns = [
    path("cases/", views.case_queue, name="case_queue"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/assign/", views.case_bulk_assign, name="case_bulk_assign"),
    path("cases/department/", views.department_queue, name="department_queue"),
    path("cases/measures/", measure_views.case_measures, name="case_measures"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/sheet/", views.case_sheet, name="case_sheet"),
    path("cases/<int:pk>/act/<slug:action>/", views.case_act, name="case_act"),
    path("cases/<int:pk>/mediation/", views.mediation_create, name="mediation_create"),
    path("cases/mediations/<int:pk>/follow-up/", views.mediation_follow_up, name="mediation_follow_up"),
    path("cases/photos/<int:pk>/", views.case_photo, name="case_photo"),
    path("cases/categories/", views.category_list, name="category_list"),
    path("cases/categories/new/", views.category_form, name="category_create"),
    path("cases/categories/<int:pk>/edit/", views.category_form, name="category_edit"),
]
