from django.conf import settings


def site(request):
    """Values every page needs: elder mode (长者模式) and whether the data shown is demo data."""
    return {
        "elder_mode": request.COOKIES.get("elder_mode") == "1",
        "grassroots_env": settings.GRASSROOTS_ENV,
    }
