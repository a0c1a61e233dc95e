"""Audit event types: one enum with stable numeric codes (never renumber; append new ones)."""

from enum import IntEnum


class AuditEvent(IntEnum):
    # areas 100–199
    REGION_IMPORTED = 101
    REGION_EXPORTED = 102
    REGION_UPDATED = 103
    # registry 200–299
    PERSON_CREATED = 201
    PERSON_UPDATED = 202
    PERSON_VIEWED = 203
    PERSON_LISTED = 204
    PERSON_REVEALED = 205
    PERSON_SEARCHED = 206
    HOUSE_CREATED = 211
    HOUSE_VIEWED = 212
    HOUSE_SEARCHED = 213
    HOUSEHOLD_CREATED = 215
    LEGAL_PERSON_CREATED = 221
    LEGAL_PERSON_VIEWED = 222
    TAG_ADDED = 231
    TAG_REMOVED = 232
    REGISTRY_EXPORTED = 241
    # accounts 300–399
    MEMBERSHIP_GRANTED = 301
    MEMBERSHIP_REVOKED = 302
    API_TOKEN_ISSUED = 311
    API_TOKEN_REVOKED = 312
    # keys and system 900–999
    KEYS_ROTATED = 901
    DEMO_LOADED = 902
