from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import history_views, home, inbox, privacy_views, two_factor, views

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.otp_setup, name="otp_setup"),
    path("accounts/two-factor/verify/", two_factor.otp_verify, name="otp_verify"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("buildings/new/", views.building_form, name="building_create"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", views.building_form, name="building_edit"),
    path("households/new/", views.household_form, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_form, name="household_edit"),
    path("households/<int:pk>/archive/", views.household_archive, name="household_archive"),
    path("households/<int:household_pk>/residents/new/", views.resident_create, name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/archive/", views.resident_archive, name="resident_archive"),
    path("residents/<int:pk>/reveal-id/", privacy_views.resident_reveal_id, name="resident_reveal_id"),
    path("access-log/", privacy_views.access_log, name="access_log"),
    path("history/<slug:model>/<int:pk>/", history_views.record_history, name="record_history"),
    path("shops/new/", views.shop_form, name="shop_create"),
    path("shops/<int:pk>/", views.shop_detail, name="shop_detail"),
    path("shops/<int:pk>/edit/", views.shop_form, name="shop_edit"),
    path("shops/<int:pk>/archive/", views.shop_archive, name="shop_archive"),
    path("imports/", include("gridapp.imports.urls")),
    path("exports/", include("gridapp.exports.urls")),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.notification_detail, name="notification_detail"),
    path("inbox/read-all/", inbox.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("deliveries/failed/", inbox.failed_deliveries, name="failed_deliveries"),
    path("communities/<int:pk>/webhook/", inbox.community_webhook, name="community_webhook"),
    path("", include("visits.urls")),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
]
