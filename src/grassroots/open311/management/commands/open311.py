import secrets

from django.core.management.base import BaseCommand, CommandError

from grassroots.open311.models import ApiKey


class Command(BaseCommand):
    help = "Open311 API keys: `open311 key create NAME` (prints the key once), `open311 key revoke NAME`."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["key"])
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?")

    def handle(self, *args, what, action, name, **options):
        if action == "list":
            for key in ApiKey.objects.order_by("name"):
                self.stdout.write(f"{key.name}\t{'active' if key.is_active else 'revoked'}\t{key.created_at:%Y-%m-%d}")
            return
        if not name:
            raise CommandError("name is required")
        if action == "create":
            secret = "o311_" + secrets.token_urlsafe(24)
            ApiKey.objects.create(name=name, key_hash=ApiKey.hash_key(secret))
            self.stdout.write(secret)
        elif not ApiKey.objects.filter(name=name).update(is_active=False):
            raise CommandError(f"no key named {name}")
