"""The catalogue as DCAT-AP-style JSON-LD (W3C DCAT 3): shared datasets, and the public open-data releases.

Shared datasets carry their fields and levels; their one distribution is the grant-key API. Open-data
releases are datasets too, published by the platform, with a CSV, a JSON and an XLSX download each.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from grassroots.sharing.catalogue import visible_datasets
from grassroots.sharing.models import Dataset, OpenRelease

MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_RELEASES = 500


def _text(value: str) -> dict:
    return {"@language": "zh-Hans", "@value": value}


def _shared(dataset: Dataset, base_url: str) -> dict:
    return {
        "@id": base_url + reverse("sharing:dataset", args=[dataset.pk]),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.code,
        "dct:title": _text(dataset.title),
        "dct:description": _text(dataset.description),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": dataset.department.name},
        "dcat:contactPoint": {"@type": "vcard:Individual", "vcard:fn": str(dataset.owner)},
        "dct:accrualPeriodicity": {
            "@id": f"http://publications.europa.eu/resource/authority/frequency/{dataset.frequency}"
        },
        "dct:accessRights": dataset.get_sharing_class_display(),
        "grassroots:sharingClass": dataset.sharing_class,
        "grassroots:conditions": dataset.conditions,
        "grassroots:legalBasis": dataset.legal_basis,
        "dct:modified": dataset.updated_at.date().isoformat(),
        "grassroots:fields": [
            {
                "name": f.name,
                "label": f.label,
                "sensitivity": f.sensitivity,
                "personal": bool(f.pii_kind),
                "graded": f.graded_at is not None,
            }
            for f in dataset.fields.all()
        ],
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": r.title,
                "dcat:accessURL": base_url + reverse("api-v1:sharing_data"),
                "dcat:mediaType": "application/json",
                "grassroots:resource": r.pk,
                "grassroots:kind": r.kind,
            }
            for r in dataset.resources.all()
        ],
    }


def _release(release: OpenRelease, base_url: str) -> dict:
    page = base_url + reverse("open:release", args=[release.pk])
    return {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": f"open-{release.kind}-{release.period}-{release.pk}",
        "dct:title": _text(release.title),
        "dct:issued": release.published_at.date().isoformat(),
        "dct:temporal": {"@type": "dct:PeriodOfTime", "rdfs:label": release.period},
        "dct:accessRights": {"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
        "dcat:landingPage": page,
        "grassroots:kind": release.kind,
        "grassroots:threshold": release.threshold,
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:format": fmt.upper(),
                "dcat:mediaType": media,
                "dcat:downloadURL": base_url + reverse("open:download", args=[release.pk, fmt]),
            }
            for fmt, media in MEDIA_TYPES.items()
        ],
    }


def dcat_catalogue(actor, base_url: str) -> dict:
    """Everything the actor may see in the catalogue, and every open-data release (public anyway)."""
    datasets = visible_datasets(actor).prefetch_related("resources")
    releases = OpenRelease.objects.all()[:MAX_RELEASES]
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "grassroots": base_url + "/sharing/ns#",
        },
        "@type": "dcat:Catalog",
        "dct:title": gettext("政务数据共享目录"),
        "dcat:dataset": [_shared(d, base_url) for d in datasets] + [_release(r, base_url) for r in releases],
    }
