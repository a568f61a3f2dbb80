from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from qorgau.accounts import selectors, services
from qorgau.accounts.models import Membership
from qorgau.accounts.schemas import MeOut, RegionOut, TokenCreatedOut, TokenIn, TokenOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = Membership.objects.filter(user_id=user.pk or 0, is_active=True).select_related(
        "organisation"
    )
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.get_full_name(),  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "role": m.role,
            }
            for m in memberships
        ],
    }


@router.get("/regions", response=list[RegionOut], auth=None)
def regions(request: HttpRequest) -> object:
    """The current regions and cities of republican significance (public reference data)."""
    return selectors.current_regions()


@router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> object:
    return selectors.tokens_of(user=request.user)  # type: ignore[arg-type]


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    token, raw = services.api_token_create(
        actor=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_at=payload.expires_at,
    )
    return 201, {**TokenOut.from_orm(token).dict(), "token": raw}


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int) -> tuple[int, None]:
    token = selectors.access_api_token(
        user=request.user,  # type: ignore[arg-type]
        pk=token_id,
        action="api_token.manage",
    )
    services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    return 204, None
