"""The API token page: a revoke id that is not a number is a clear 400 (it was a 500) and revokes nothing."""

from grassroots.accounts import services
from grassroots.accounts.models import ApiToken
from grassroots.conftest import PASSWORD


def test_a_bad_revoke_id_is_a_400_and_revokes_nothing(cast, client):
    token, _secret = services.issue_api_token(cast.staff_s1, name="报表")
    client.post("/accounts/login/", {"username": cast.staff_s1.username, "password": PASSWORD})
    for bad in ("abc", "1.5", "1e3"):
        assert client.post("/accounts/tokens/", {"revoke": bad}).status_code == 400, bad
    for unknown in ("", "9" * 30):  # a number naming no token of one's own
        assert client.post("/accounts/tokens/", {"revoke": unknown}).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    client.post("/accounts/tokens/", {"revoke": str(token.pk)})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
