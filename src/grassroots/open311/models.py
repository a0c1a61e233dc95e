import hashlib

from django.db import models


class ApiKey(models.Model):
    """A client application allowed to POST service requests (GeoReport v2 `api_key`). Only the hash is kept."""

    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Submission(models.Model):
    """Which key filed which request: a token (GeoReport v2 `GET tokens/{token}`) answers only to that key."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311_submission")
    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="submissions")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key_id} → {self.case_id}"
