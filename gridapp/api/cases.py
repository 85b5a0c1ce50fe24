"""Cases: list, report (the intake form and service the pages use), read with the public timeline,
and each action of the lifecycle table (``cases.workflow``) through ``cases.services.perform``
with the version check: a stale version answers 409 with the case as it is now."""

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import scope as case_scope
from cases import services, workflow
from cases.forms import ActionForm, CaseIntakeForm
from cases.models import Channel, Priority, State
from gridapp.accounts.privacy import Seen

from .base import ApiView, Conflict, int_param, invalid

STALE_CASE = _lazy("The case changed since you read it. Nothing was done.")


class CaseListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    category = serializers.IntegerField(source="category_id")
    priority = serializers.CharField()
    channel = serializers.CharField()
    state = serializers.CharField()
    level = serializers.CharField()
    community = serializers.IntegerField(source="community_id")
    grid = serializers.IntegerField(source="grid_id")
    due_at = serializers.DateTimeField(allow_null=True)
    reported_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class EntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    level = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_label(self, entry) -> str:
        return str(workflow.entry_label(entry.action))


class CaseSerializer(CaseListSerializer):
    description = serializers.CharField()
    timeline = serializers.SerializerMethodField(help_text="The public entries only, oldest first.")
    actions = serializers.SerializerMethodField(help_text="The actions the client's user may take now.")

    def get_timeline(self, case) -> list[dict]:
        return EntrySerializer(case.events.filter(public=True).order_by("created_at", "pk"), many=True).data

    def get_actions(self, case) -> list[str]:
        return [row.name for row in workflow.available_actions(self.context["user"], case)]


class CaseInSerializer(serializers.Serializer):
    """What the intake form asks (``cases.forms.CaseIntakeForm``), as JSON."""

    title = serializers.CharField(max_length=100)
    category = serializers.IntegerField()
    description = serializers.CharField(max_length=4000)
    priority = serializers.ChoiceField(choices=Priority.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    grid = serializers.IntegerField()
    complainant = serializers.IntegerField(required=False, help_text="A registered resident's id")
    complainant_name = serializers.CharField(required=False)
    complainant_phone = serializers.CharField(required=False)
    anonymous = serializers.BooleanField(required=False)
    households = serializers.ListField(child=serializers.IntegerField(), required=False)
    shops = serializers.ListField(child=serializers.IntegerField(), required=False)
    building = serializers.IntegerField(required=False)


class ActionInSerializer(serializers.Serializer):
    """What an action is given: the version the client last read, a note, whether its timeline
    entry is public (no: internal, unless asked), and the fields the action's row asks for."""

    version = serializers.IntegerField()
    note = serializers.CharField(required=False)
    public = serializers.BooleanField(required=False, default=False)
    category = serializers.IntegerField(required=False)
    priority = serializers.CharField(required=False)
    department = serializers.IntegerField(required=False)
    proposed_due = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False)
    close_reason = serializers.CharField(required=False)
    duplicate_of = serializers.CharField(required=False, help_text="The number of the case it repeats")
    satisfaction = serializers.CharField(required=False)


def _form_data(data):
    """JSON as a form's data: lists stay lists, one value becomes a list of one."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    out = MultiValueDict()
    for key, value in data.items():
        out.setlist(key, [str(v) for v in value] if isinstance(value, list) else [value])
    return out


def _form_errors(form):
    return exceptions.ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("grid", int), OpenApiParameter("state", str)]),
    create=extend_schema(request=CaseInSerializer, responses={201: CaseSerializer}),
    retrieve=extend_schema(responses=CaseSerializer),
)
class CaseViewSet(ApiView, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CaseListSerializer

    def get_queryset(self):
        qs = case_scope.cases(self.request.user)
        if (grid := int_param(self.request, "grid")) is not None:
            qs = qs.filter(grid_id=grid)
        if state := self.request.query_params.get("state"):
            if state not in State.values:
                raise invalid("state", _("Choose one of: %(states)s.") % {"states": ", ".join(State.values)})
            qs = qs.filter(state=state)
        return qs.order_by("-reported_at", "-pk")

    def _detail(self, case):
        return CaseSerializer(case, context={"user": self.request.user}).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self.log_read([Seen(c.community_id) for c in page], "cases")
        return self.get_paginated_response(CaseListSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = case_scope.get_case(request.user, kwargs["pk"])
        self.log_read([Seen(case.community_id, case.complainant_id)], "cases")
        return Response(self._detail(case))

    def create(self, request, *args, **kwargs):
        """Report a case, as the intake page does (the same form, the same service)."""
        form = CaseIntakeForm(_form_data(request.data), MultiValueDict(), user=request.user)
        if not form.is_valid():
            raise _form_errors(form)
        case = services.case_report(by=request.user, visit_id=None, **form.cleaned_data)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ActionInSerializer,
        responses={200: CaseSerializer, 409: None},
        parameters=[
            OpenApiParameter(
                "action_name", str, OpenApiParameter.PATH, enum=[*workflow.ACTIONS], description="The action"
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]{1,30})")
    def act(self, request, pk=None, action_name=None):
        """Take one action of the lifecycle table. A version other than the case's is a 409 with
        the case as it is now; an action this user may not take now is a 403 saying why."""
        case = case_scope.get_case(request.user, pk)
        if action_name not in workflow.ACTIONS:
            raise exceptions.NotFound(_("No such action."))
        data = _form_data(request.data)
        try:
            version = int(data.get("version"))
        except (TypeError, ValueError):
            raise invalid("version", _("Send the version of the case you last read.")) from None
        if version != case.version:
            raise Conflict(STALE_CASE, self._detail(case))
        if not workflow.allowed(request.user, case, action_name):
            raise exceptions.PermissionDenied(str(workflow.refusal(action_name)))
        form = ActionForm(data, MultiValueDict(), action=workflow.ACTIONS[action_name], case=case, user=request.user)
        if not form.is_valid():
            raise _form_errors(form)
        try:
            services.perform(
                case=case,
                action_name=action_name,
                by=request.user,
                version=version,
                change=services.Change(**form.change_fields()),
            )
        except services.CaseChanged as changed:
            raise Conflict(
                _("The case changed since you read it. Nothing was done."), self._detail(changed.case)
            ) from None
        return Response(self._detail(case_scope.get_case(request.user, pk)))
