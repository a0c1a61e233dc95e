"""Sharing models: the open-data releases, the departmental catalogue, and requests, grants and uses."""

from grassroots.sharing.models.catalogue import (
    Dataset,
    DatasetField,
    Frequency,
    Resource,
    ResourceRow,
    Sensitivity,
    SharingClass,
)
from grassroots.sharing.models.exchange import (
    DataErrorReport,
    GrantUse,
    RequestStatus,
    RequestStep,
    ShareGrant,
    ShareRequest,
    StepKind,
)
from grassroots.sharing.models.open_data import OpenRelease, ReleaseFeedback

__all__ = [
    "DataErrorReport",
    "Dataset",
    "DatasetField",
    "Frequency",
    "GrantUse",
    "OpenRelease",
    "ReleaseFeedback",
    "RequestStatus",
    "RequestStep",
    "Resource",
    "ResourceRow",
    "Sensitivity",
    "ShareGrant",
    "ShareRequest",
    "SharingClass",
    "StepKind",
]
