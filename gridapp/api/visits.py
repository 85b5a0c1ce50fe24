"""Visits (list, read, log) and follow-ups (list), through ``visits.scope`` and
``visits.services.log_visit``: the visit's ``client_id`` is the idempotency key."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gridapp import scope
from gridapp.accounts.privacy import Seen
from visits import scope as visit_scope
from visits.models import Condition, Purpose, ResidentSeen, Visit
from visits.services import NewFollowUp, log_visit

from .base import ApiView, Conflict, int_param


class SeenSerializer(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1)
    condition = serializers.ChoiceField(choices=Condition.choices)


class FollowUpInSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=300)
    due_on = serializers.DateField()


class VisitSerializer(serializers.ModelSerializer):
    purposes = serializers.SerializerMethodField()
    residents_seen = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "client_id", "worker", "grid", "household", "shop", "visited_at", "purposes", "notes"]
        fields += ["residents_seen", "version", "created_at"]

    def get_purposes(self, visit) -> list[str]:
        return [p.purpose for p in visit.purposes.all()]

    def get_residents_seen(self, visit) -> list[dict]:
        return [{"resident": s.resident_id, "condition": s.condition} for s in visit.residents_seen.all()]


class VisitInSerializer(serializers.Serializer):
    """A visit to log: one household or one shop the user sees, when, why, who was seen and how."""

    client_id = serializers.UUIDField(
        help_text=_("A UUID the client makes for this visit: sending it again returns the visit already saved.")
    )
    household = serializers.IntegerField(min_value=1, required=False)
    shop = serializers.IntegerField(min_value=1, required=False)
    visited_at = serializers.DateTimeField()
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Purpose.choices), min_length=1, max_length=len(Purpose.choices)
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    residents_seen = SeenSerializer(many=True, required=False, max_length=200)
    follow_up = FollowUpInSerializer(required=False)

    def validate_visited_at(self, value):
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise serializers.ValidationError(_("A visit cannot be in the future."))
        return value

    def validate(self, data):
        user = self.context["request"].user
        if ("household" in data) == ("shop" in data):
            raise serializers.ValidationError({"household": [_("Give a household or a shop, not both.")]})
        if "household" in data:
            data["household"] = _in_scope(scope.households(user), data["household"], "household")
            residents = {r.pk: r for r in data["household"].residents.filter(archived_at__isnull=True)}
        else:
            data["shop"] = _in_scope(scope.shops(user), data["shop"], "shop")
            residents = {}
        conditions = {}
        for item in data.get("residents_seen", ()):
            if item["resident"] not in residents:
                raise serializers.ValidationError({"residents_seen": [_("Only residents of the visited household.")]})
            conditions[residents[item["resident"]]] = item["condition"]
        data["conditions"] = conditions
        return data


def _in_scope(queryset, pk, field):
    obj = queryset.filter(pk=pk).first()
    if obj is None:  # another grid's or none at all: the same words either way
        raise serializers.ValidationError({field: [_("No such record among those you see.")]})
    return obj


def _visits(user):
    return visit_scope.visits(user).prefetch_related(
        "purposes", Prefetch("residents_seen", queryset=ResidentSeen.objects.order_by("pk"))
    )


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("grid", int), OpenApiParameter("household", int)]),
    create=extend_schema(request=VisitInSerializer, responses={200: VisitSerializer, 201: VisitSerializer, 409: None}),
)
class VisitViewSet(ApiView, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer

    def get_queryset(self):
        qs = _visits(self.request.user)
        for name in ("grid", "household"):
            if (value := int_param(self.request, name)) is not None:
                qs = qs.filter(**{f"{name}_id": value})
        return qs.order_by("-visited_at", "-pk")

    def get_object(self):
        return scope.get_or_404(_visits(self.request.user), self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self.log_read([Seen(v.grid.community_id) for v in page], "visits")
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        visit = self.get_object()
        self.log_read([Seen(visit.grid.community_id)], "visits")
        return Response(VisitSerializer(visit).data)

    def create(self, request, *args, **kwargs):
        """201 with the new visit; 200 with the same visit when its client_id was sent before by
        this user; 409 when another user's visit holds it."""
        given = VisitInSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        existing = Visit.objects.filter(client_id=data["client_id"]).first()
        if existing is not None and existing.worker_id != request.user.pk:
            raise Conflict(_("This client_id belongs to another user's visit."), None)
        follow_up = data.get("follow_up")
        visit, created = log_visit(
            worker=request.user,
            client_id=data["client_id"],
            visited_at=data["visited_at"],
            household=data.get("household"),
            shop=data.get("shop"),
            purposes=data["purposes"],
            conditions=data["conditions"],
            notes=data["notes"],
            follow_up=follow_up
            and NewFollowUp(what=follow_up["what"], due_on=follow_up["due_on"], assignee=request.user),
        )
        if visit.worker_id != request.user.pk:  # two users racing with one key
            raise Conflict(_("This client_id belongs to another user's visit."), None)
        visit = _visits(request.user).get(pk=visit.pk)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_id")
    grid = serializers.IntegerField(source="grid_id")
    household = serializers.IntegerField(source="visit.household_id", allow_null=True)
    shop = serializers.IntegerField(source="visit.shop_id", allow_null=True)
    what = serializers.CharField()
    due_on = serializers.DateField()
    assignee = serializers.IntegerField(source="assignee_id")
    done_at = serializers.DateTimeField(allow_null=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("open", bool, description="true: only those not done yet")],
    )
)
class FollowUpViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        qs = visit_scope.follow_ups(self.request.user)
        if self.request.query_params.get("open", "").lower() == "true":
            qs = qs.filter(done_at__isnull=True)
        return qs.order_by("due_on", "pk")
