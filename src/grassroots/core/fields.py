"""An encrypted model field: ciphertext in the column, plaintext only in memory, optional blind index.

The model must assign its primary key before the first save (``core.ids.new_id``), because the row id is
part of the associated data. Reading the attribute decrypts lazily; assigning a str marks it for sealing
at save time and refreshes the blind-index column at once, so lookups and saves never disagree.
Queries cannot compare plaintext against the column (``get_prep_value`` refuses it): use the blind index.
"""

from __future__ import annotations

from django.db import models

from grassroots.core import crypto


class Sealed(str):
    """A ciphertext token as stored in the database (as opposed to a plaintext the user assigned)."""


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if not isinstance(value, Sealed):
            return value
        cache = instance.__dict__.setdefault("_gr_plain", {})
        hit = cache.get(self.field.attname)
        if hit is None or hit[0] != value:
            plain = crypto.decrypt(value, **self.field.aad_parts(instance))
            hit = cache[self.field.attname] = (value, plain)
        return hit[1]

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        if self.field.blind_purpose and not isinstance(value, Sealed):
            index = crypto.blind_index(value, purpose=self.field.blind_purpose) if value else None
            instance.__dict__[self.field.blind_attname] = index


class EncryptedTextField(models.TextField):
    descriptor_class = _EncryptedDescriptor

    def __init__(self, *args, blind_index: str | None = None, **kwargs):
        self.blind_purpose = blind_index
        super().__init__(*args, **kwargs)

    @property
    def blind_attname(self) -> str:
        return f"{self.attname}_bidx"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_purpose:
            kwargs["blind_index"] = self.blind_purpose
        return name, path, args, kwargs

    def aad_parts(self, instance) -> dict:
        if instance.pk is None:
            raise crypto.CryptoError(f"{instance._meta.label} needs its id before sealing {self.attname}")
        return {"table": instance._meta.db_table, "column": self.column, "row_id": instance.pk}

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else Sealed(value)

    def seal(self, instance, plaintext: str) -> Sealed:
        return Sealed(crypto.encrypt(plaintext, **self.aad_parts(instance)))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        token = self.seal(model_instance, value)
        model_instance.__dict__[self.attname] = token
        model_instance.__dict__.setdefault("_gr_plain", {})[self.attname] = (token, value)
        return token

    def get_prep_value(self, value):
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        # Reached by filter(name=...) or bulk_update(); either would leak or mismatch plaintext.
        raise crypto.CryptoError(f"refusing to send plaintext for encrypted field {self.name}")
