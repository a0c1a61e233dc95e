"""Only the tag vocabulary is edited in the admin. People are deliberately absent: the admin would show
decrypted personal data without masking or audit; staff use the registry pages instead."""

from django.contrib import admin

from grassroots.registry.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "applies_to", "description")
    list_filter = ("applies_to",)
