from django.urls import path

from . import alert_views, checkin_views, follow_up_views, offline_views, views
from .hazards import facility_views
from .hazards import views as hazard_views

urlpatterns = [
    path("households/<int:household_pk>/visit/", views.visit_household, name="visit_household"),
    path("shops/<int:shop_pk>/visit/", views.visit_shop, name="visit_shop"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("visits/weekly/", views.visit_weekly, name="visit_weekly"),
    path("visits/<int:pk>/follow-up/", alert_views.visit_follow_up, name="visit_follow_up"),
    path("follow-ups/", follow_up_views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
    path("help-alerts/", alert_views.help_alert_list, name="help_alert_list"),
    path("help-alerts/<int:pk>/acknowledge/", alert_views.help_alert_acknowledge, name="help_alert_acknowledge"),
    path("checkins/", checkin_views.checkin_list, name="checkins"),
    path("care-levels/", checkin_views.care_level_list, name="care_level_list"),
    path("care-levels/new/", checkin_views.care_level_form, name="care_level_create"),
    path("care-levels/<int:pk>/edit/", checkin_views.care_level_form, name="care_level_edit"),
    path("residents/<int:pk>/care/", checkin_views.resident_care, name="resident_care"),
    path("offline/", offline_views.offline_page, name="offline_page"),
    path("offline/pack/", offline_views.offline_pack, name="offline_pack"),
    path("offline/visits/", offline_views.queued_visit, name="offline_visit"),
    path("hazards/", hazard_views.hazard_list, name="hazard_list"),
    path("grids/<int:grid_pk>/hazards/new/", hazard_views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", hazard_views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/recheck/", hazard_views.hazard_recheck, name="hazard_recheck"),
    path("hazards/<int:pk>/close/", hazard_views.hazard_close, name="hazard_close"),
    path("hazards/photos/<int:pk>/", hazard_views.hazard_photo, name="hazard_photo"),
    path("facilities/", facility_views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", facility_views.facility_detail, name="facility_detail"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
]
