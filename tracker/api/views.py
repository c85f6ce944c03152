"""The token endpoint and `me` (the signed-in user's own profile)."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from sessions.models import Membership
from tracker import login_limits, services
from tracker.api.parsers import JSONParser
from tracker.api.serializers import StrictInputSerializer, StrictModelInputSerializer
from tracker.api.throttling import TokenRequestRateThrottle
from tracker.models import Profile

TOKEN_RESPONSE = inline_serializer(
    name="Token", fields={"token": serializers.CharField(read_only=True)}
)


class CredentialsSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            seconds = login_limits.seconds_locked(username=attrs["username"], request=request)
            if seconds:
                raise SignInLocked(wait=seconds)
            raise serializers.ValidationError("Unable to sign in with that username and password.")
        # No session starts here, so no `user_logged_in`: clear the account's failures directly.
        login_limits.clear_account(username=user.get_username())
        attrs["user"] = user
        return attrs


class SignInLocked(exceptions.APIException):
    """429 with Retry-After: the login limit locked this account or address (any door counts)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "sign_in_locked"

    def __init__(self, *, wait: int):
        super().__init__(detail=login_limits.locked_message(wait))
        self.wait = wait  # the exception handler turns it into Retry-After


class TokenView(GenericAPIView):
    """POST username and password for your API token; DELETE (signed in) revokes it.

    Failed sign-ins here count toward the same limit as the site's and the admin's forms: a
    locked account or address answers 429 with `Retry-After` (seconds), even with the right
    password. Guesses are also throttled per address (the `token` rate)."""

    serializer_class = CredentialsSerializer
    # Form data too: `curl -d username=… -d password=…` is how many scripts ask for a token.
    parser_classes = [JSONParser, FormParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        return [*super().get_throttles(), TokenRequestRateThrottle()]

    @extend_schema(request=CredentialsSerializer, responses={200: TOKEN_RESPONSE}, auth=[])
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.api_token_for(serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipSummarySerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["course", "role"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    display_name = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    memberships = MembershipSummarySerializer(source="user.memberships", many=True, read_only=True)


class MeInputSerializer(StrictModelInputSerializer):
    class Meta:
        model = Profile
        fields = ["display_name", "time_zone"]


class MeView(GenericAPIView):
    """The signed-in user: name, time zone (an IANA name, e.g. Australia/Sydney) and courses."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def get_object(self) -> Profile:
        return services.profile_for(self.request.user)

    def _represent(self) -> dict:
        profile = (
            Profile.objects.select_related("user")
            .prefetch_related("user__memberships__course")
            .get(user=self.request.user)
        )
        return self.get_serializer(profile).data

    def get(self, request):
        self.get_object()
        return Response(self._represent())

    @extend_schema(request=MeInputSerializer)
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=MeInputSerializer)
    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        serializer = MeInputSerializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **serializer.validated_data)
        return Response(self._represent())
