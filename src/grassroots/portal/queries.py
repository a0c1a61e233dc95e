"""What the residents' pages look up before acting: cases a new report probably repeats."""

from __future__ import annotations

from grassroots.cases import duplicates, intake
from grassroots.cases.intake import Report
from grassroots.cases.models import Category
from grassroots.core.errors import DomainError


def likely_duplicates(user, data: dict) -> list[dict]:
    """Offer 我也遇到 before creating a case that probably exists already (title, status, distance: no details)."""
    text = f"{data.get('title') or ''}。{data['description']}"
    code = data.get("category")
    if not code:
        from grassroots.cases.classify import predict

        code, _confidence = predict(text)
    category = Category.objects.filter(code=code).first()
    lng, lat = data.get("lng"), data.get("lat")
    if (lng is None or lat is None) and data.get("door_number"):
        try:
            _grid, house = intake.locate(Report(title="-", description="-", door_number=data["door_number"]))
            lng, lat = (house.lng, house.lat) if house else (None, None)
        except DomainError:  # an unknown door: no offer, and intake says why when the case is filed
            return []
    if category is None or lng is None or lat is None:
        return []
    return duplicates.offers(user, category, lng, lat, text)
