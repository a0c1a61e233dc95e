from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core import keys
from grassroots.core.envfile import ensure_dev_env, new_field_key, new_key_id


class Command(BaseCommand):
    help = "Field-encryption keys: generate, add, rotate (re-encrypt everything), retire. See docs/operations.md."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="create .env with fresh keys if missing; else print new key material")
        sub.add_parser("add", help="stage a new key (readable everywhere, not yet used for sealing)")
        rotate = sub.add_parser("rotate", help="activate the newest key and re-encrypt every value")
        rotate.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("retire", help="remove keys no value is sealed under any more")
        sub.add_parser("status", help="how many values each key seals")

    def handle(self, *args, action: str, **options):
        env_file = settings.ENV_FILE
        if action == "generate":
            if ensure_dev_env(env_file):
                self.stdout.write(self.style.SUCCESS(_("已生成密钥：%(path)s") % {"path": env_file}))
            else:
                self.stdout.write(_("%(path)s 已有密钥。供生产环境使用的新密钥：") % {"path": env_file})
                self.stdout.write(f"GRASSROOTS_FIELD_KEYS={new_key_id()}:{new_field_key()}")
                self.stdout.write(f"GRASSROOTS_BLIND_INDEX_KEY={new_field_key()}")
        elif action == "add":
            kid = keys.add_key(env_file)
            self.stdout.write(self.style.SUCCESS(f"staged key {kid}; reload the servers, then run `keys rotate`"))
        elif action == "rotate":
            old, new = keys.activate_newest(env_file)
            done = keys.reseal_all(options["batch_size"], progress=lambda m, c, n: self.stdout.write(f"  {m}.{c}: {n}"))
            record(
                actor=None,
                event=AuditEvent.KEYS_ROTATED,
                target_type="core.keys",
                extra={"from": old, "to": new, "resealed": dict(done)},
            )
            self.stdout.write(self.style.SUCCESS(f"active key {old} → {new}; re-encrypted {sum(done.values())} values"))
        elif action == "retire":
            retired = keys.retire_unused(env_file)
            self.stdout.write(self.style.SUCCESS(f"retired: {', '.join(retired) or 'none'}"))
        else:
            for kid, n in sorted(keys.keys_in_use().items()):
                mark = " (active)" if kid == settings.ACTIVE_FIELD_KEY else ""
                self.stdout.write(f"{kid}{mark}: {n} values")
