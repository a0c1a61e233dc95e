from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an Idempotency-Key, replayed for retries of it."""

    key = models.CharField(max_length=80)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    endpoint = models.CharField(max_length=120)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # The replayed response may carry personal data, so it is sealed like any other PII column.
    sealed_body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "endpoint", "key"], name="uniq_idempotency")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


class DemoLoad(models.Model):
    """Which demo scale is loaded, so `grassroots demo` is idempotent."""

    scale = models.CharField(max_length=10)
    seed = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"demo {self.scale} ({self.loaded_at:%Y-%m-%d})"
