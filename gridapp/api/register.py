"""The places and the register, read-only: communities, grids, buildings, households, residents
(ID numbers and phones masked, as on the lists of the pages) and shops, each through the scope."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from gridapp import scope
from gridapp.accounts.privacy import Seen
from gridapp.core.display import mask_id, mask_phone
from gridapp.models import Building, Community, Grid, Household, Resident, Shop

from .base import ApiView, int_param


class Masked(serializers.CharField):
    """A phone or ID number, masked (``gridapp.core.display``): 138****5678, 3301**********1234."""

    def __init__(self, mask, **kwargs):
        self.mask = mask
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return self.mask(value)


class CommunitySerializer(serializers.ModelSerializer):
    town = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "name", "code", "town"]


class GridSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "community", "number", "name"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "community", "grid", "road", "number", "name", "year_built", "floors", "version"]


class HouseholdSerializer(serializers.ModelSerializer):
    phone = Masked(mask_phone)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "grid",
            "building",
            "address",
            "unit",
            "room",
            "head_name",
            "phone",
            "tenure",
            "tags",
            "version",
        ]

    def get_tags(self, household) -> list[str]:
        return [link.tag for link in household.tags.all()]


class ResidentSerializer(serializers.ModelSerializer):
    mobile = Masked(mask_phone)
    id_number = Masked(mask_id)
    age = serializers.IntegerField(read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = ["id", "household", "name", "sex", "age", "is_head", "relation_to_head", "mobile", "id_number"]
        fields += ["categories", "version"]

    def get_categories(self, resident) -> list[str]:
        return [link.category for link in resident.categories.all()]


class ShopSerializer(serializers.ModelSerializer):
    phone = Masked(mask_phone)

    class Meta:
        model = Shop
        fields = ["id", "grid", "building", "name", "address", "business_type", "street_front", "operator_name"]
        fields += ["phone", "licence_number", "version"]


class ScopedViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """A list from the scope's list, narrowed by ``?grid=``; one record from the scope's getter
    (404 outside the user's grids). ``personal``: reads are written to the access log."""

    listing = None  # scope.households …
    getter = None  # scope.get_household …
    grid_path = "grid"
    personal = False

    def get_queryset(self):
        qs = type(self).listing(self.request.user)
        if (grid := int_param(self.request, "grid")) is not None:
            qs = qs.filter(**{f"{self.grid_path}_id": grid})
        return qs.order_by("pk")

    def get_object(self):
        return type(self).getter(self.request.user, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.personal:
            self.log_read([self.seen(obj) for obj in self._page], self.basename)
        return response

    def paginate_queryset(self, queryset):
        self._page = super().paginate_queryset(queryset)
        return self._page

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        if self.personal:
            self.log_read([self.seen(obj, one=True)], self.basename)
        return Response(self.get_serializer(obj).data)

    def seen(self, obj, one=False):
        return Seen(obj.grid.community_id)


GRID_PARAM = extend_schema(parameters=[OpenApiParameter("grid", int, description="Only this grid's.")])


class CommunityViewSet(ScopedViewSet):
    serializer_class = CommunitySerializer
    listing = staticmethod(scope.communities)
    getter = staticmethod(scope.get_community)

    def get_queryset(self):
        return scope.communities(self.request.user).order_by("pk")


@extend_schema_view(list=GRID_PARAM)
class GridViewSet(ScopedViewSet):
    serializer_class = GridSerializer
    listing = staticmethod(scope.grids)
    getter = staticmethod(scope.get_grid)
    grid_path = "id"

    def get_queryset(self):
        qs = scope.grids(self.request.user)
        if (grid := int_param(self.request, "grid")) is not None:
            qs = qs.filter(pk=grid)
        return qs.order_by("pk")


@extend_schema_view(list=GRID_PARAM)
class BuildingViewSet(ScopedViewSet):
    serializer_class = BuildingSerializer
    listing = staticmethod(scope.buildings)
    getter = staticmethod(scope.get_building)


@extend_schema_view(list=GRID_PARAM)
class HouseholdViewSet(ScopedViewSet):
    serializer_class = HouseholdSerializer
    listing = staticmethod(scope.households)
    getter = staticmethod(scope.get_household)
    personal = True

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("grid", int, description="Only this grid's."),
            OpenApiParameter("household", int, description="Only this household's."),
        ]
    )
)
class ResidentViewSet(ScopedViewSet):
    serializer_class = ResidentSerializer
    listing = staticmethod(scope.residents)
    getter = staticmethod(scope.get_resident)
    grid_path = "household__grid"
    personal = True

    def get_queryset(self):
        qs = super().get_queryset().prefetch_related("categories")
        if (household := int_param(self.request, "household")) is not None:
            qs = qs.filter(household_id=household)
        return qs

    def seen(self, obj, one=False):
        # One resident read: an entry naming them; a list: one entry per community and page.
        return Seen(obj.household.grid.community_id, obj.pk if one else None)


@extend_schema_view(list=GRID_PARAM)
class ShopViewSet(ScopedViewSet):
    serializer_class = ShopSerializer
    listing = staticmethod(scope.shops)
    getter = staticmethod(scope.get_shop)
    personal = True
