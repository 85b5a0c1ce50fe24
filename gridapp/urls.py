from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gridapp.accounts import passwords, two_factor
from gridapp.accounts import people_views as people
from gridapp.accounts import views as account_views
from gridapp.notify import views as inbox
from gridapp.ops import pwa
from gridapp.ops import views as ops
from gridapp.pages import history, home, search, worker_month
from gridapp.pages import register as pages
from gridapp.register import additions
from gridapp.register import views as register

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", pwa.clear_site_data(auth_views.LogoutView.as_view()), name="logout"),
    # Choosing one's own password: after a temporary one, and by e-mail when forgotten.
    path("accounts/password_change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/two-factor/", two_factor.otp_setup, name="otp_setup"),
    path("accounts/two-factor/verify/", two_factor.otp_verify, name="otp_verify"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("grids/<int:pk>/", pages.grid_detail, name="grid_detail"),
    # What a grid worker adds at the door, and the community staff's confirmation of it.
    path("grids/<int:grid_pk>/households/add/", additions.household_add, name="household_add"),
    path("grids/<int:grid_pk>/shops/add/", additions.shop_add, name="shop_add"),
    path("households/<int:household_pk>/residents/add/", additions.resident_add, name="resident_add"),
    path("residents/<int:pk>/departure/", additions.resident_depart, name="resident_depart"),
    path("register/to-confirm/", additions.awaiting_confirmation, name="awaiting_confirmation"),
    path("register/to-confirm/<slug:kind>/<int:pk>/", additions.confirm, name="register_confirm"),
    path("buildings/new/", register.building_form, name="building_create"),
    path("buildings/<int:pk>/", pages.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", register.building_form, name="building_edit"),
    path("households/new/", register.household_form, name="household_create"),
    path("households/<int:pk>/", pages.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", register.household_form, name="household_edit"),
    path("households/<int:pk>/archive/", register.household_archive, name="household_archive"),
    path("households/<int:household_pk>/residents/new/", register.resident_create, name="resident_create"),
    path("residents/<int:pk>/", pages.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", register.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/archive/", register.resident_archive, name="resident_archive"),
    path("residents/<int:pk>/reveal-id/", pages.resident_reveal_id, name="resident_reveal_id"),
    path("access-log/", account_views.access_log, name="access_log"),
    # The staff's people area: their community's accounts and roles.
    path("people/", people.people_list, name="people"),
    path("people/add/", people.person_add, name="person_add"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/roles/add/", people.role_grant, name="role_grant"),
    path("people/<int:pk>/roles/<int:role_pk>/move/", people.role_move, name="role_move"),
    path("people/<int:pk>/roles/<int:role_pk>/revoke/", people.role_revoke, name="role_revoke"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/password/", people.person_password, name="person_password"),
    # A worker's month (工作台账): the community's workers side by side, and one worker's record.
    path("people/month/", worker_month.community_month, name="community_month"),
    path("people/<int:pk>/month/", worker_month.person_month, name="person_month"),
    path("history/<slug:model>/<int:pk>/", history.record_history, name="record_history"),
    path("shops/new/", register.shop_form, name="shop_create"),
    path("shops/<int:pk>/", pages.shop_detail, name="shop_detail"),
    path("shops/<int:pk>/edit/", register.shop_form, name="shop_edit"),
    path("shops/<int:pk>/archive/", register.shop_archive, name="shop_archive"),
    path("imports/", include("gridapp.imports.urls")),
    path("api/", include("gridapp.api.urls")),
    path("open311/", include("gridapp.api.open311.urls")),
    path("exports/", include("gridapp.exports.urls")),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.notification_detail, name="notification_detail"),
    path("inbox/read-all/", inbox.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("deliveries/failed/", inbox.failed_deliveries, name="failed_deliveries"),
    path("deliveries/<int:pk>/retry/", inbox.delivery_retry, name="delivery_retry"),
    path("communities/<int:pk>/webhook/", inbox.community_webhook, name="community_webhook"),
    path("", include("visits.urls")),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
    path("healthz", ops.healthz, name="healthz"),
    # The installable app: its service worker must be served from the root to control every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
]

# The benchmarks' floor view (bench_pages): only where the devtools are installed, named by a
# string so that no production module imports them.
if apps.is_installed("gridapp.devtools"):
    urlpatterns.append(path("__bench/", include("gridapp.devtools.urls")))

handler400 = "gridapp.ops.views.bad_request"
handler404 = "gridapp.ops.views.not_found"
