"""/api/: the schema, its docs page, and version 1 of the API."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from . import cases, register, visits

router = SimpleRouter()
router.register("communities", register.CommunityViewSet, basename="communities")
router.register("grids", register.GridViewSet, basename="grids")
router.register("buildings", register.BuildingViewSet, basename="buildings")
router.register("households", register.HouseholdViewSet, basename="households")
router.register("residents", register.ResidentViewSet, basename="residents")
router.register("shops", register.ShopViewSet, basename="shops")
router.register("visits", visits.VisitViewSet, basename="visits")
router.register("follow-ups", visits.FollowUpViewSet, basename="follow-ups")
router.register("cases", cases.CaseViewSet, basename="cases")

# The schema and its page describe the API, not anyone's data: open to all, like a manual.
schema_view = SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny])
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/docs.html", authentication_classes=[], permission_classes=[AllowAny]
)

app_name = "api"
urlpatterns = [
    path("schema/", login_not_required(schema_view), name="schema"),
    path("docs/", login_not_required(docs_view), name="docs"),
    path("v1/", include(router.urls)),
]
