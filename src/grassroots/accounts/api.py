from django.http import HttpRequest
from ninja import Router, Status

from grassroots.accounts import services
from grassroots.accounts.models import ApiToken
from grassroots.accounts.roles import Role
from grassroots.accounts.schemas import MeOut, TokenIn, TokenIssuedOut, TokenOut
from grassroots.accounts.scope import grants

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "grants": [
            {"role": g.role, "role_label": str(Role(g.role).label), "region_path": g.path} for g in grants(user)
        ],
    }


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest):
    return ApiToken.objects.filter(user=request.auth).order_by("-id")


@router.post("/tokens", response={201: TokenIssuedOut})
def issue_token(request: HttpRequest, payload: TokenIn):
    token, secret = services.issue_api_token(request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int):
    return services.revoke_api_token(request.auth, token_id)
