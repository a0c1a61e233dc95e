import json

from django.core.management.base import BaseCommand, CommandError

from grassroots.audit import log
from grassroots.audit.models import AuditEntry, Checkpoint


class Command(BaseCommand):
    help = "Audit log: verify (recompute everything), checkpoint (sign the tree head), prove ENTRY, export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every leaf and checkpoint root; check every signature")
        sub.add_parser("checkpoint", help="sign the current tree head now")
        prove = sub.add_parser("prove", help="inclusion proof of one entry (by leaf index)")
        prove.add_argument("leaf_index", type=int)
        consistency = sub.add_parser("consistency", help="consistency proof between two tree sizes")
        consistency.add_argument("old_size", type=int)
        consistency.add_argument("new_size", type=int)
        export = sub.add_parser("export", help="print a signed checkpoint (the latest by default) and the public key")
        export.add_argument("--size", type=int)

    def handle(self, *args, action: str, **options):
        if action == "verify":
            report = log.verify()
            for problem in report.problems:
                self.stdout.write(self.style.ERROR(problem))
            summary = f"{report.entries} entries, {report.checkpoints} checkpoints"
            if not report.ok:
                raise CommandError(f"audit log verification FAILED ({summary}, {len(report.problems)} problems)")
            self.stdout.write(self.style.SUCCESS(f"audit log verified: {summary}"))
        elif action == "checkpoint":
            cp = log.make_checkpoint()
            self.stdout.write(cp.note)
        elif action == "prove":
            entry = AuditEntry.objects.filter(leaf_index=options["leaf_index"]).first()
            if entry is None:
                raise CommandError(f"no entry #{options['leaf_index']}")
            self.stdout.write(json.dumps(log.inclusion(entry), indent=1))
        elif action == "consistency":
            try:
                self.stdout.write(json.dumps(log.consistency(options["old_size"], options["new_size"]), indent=1))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            qs = Checkpoint.objects.all()
            cp = qs.filter(size=options["size"]).first() if options["size"] else qs.first()
            if cp is None:
                raise CommandError("no checkpoint yet: run `grassroots audit checkpoint`")
            self.stdout.write(cp.note)
            self.stdout.write(
                f"# public key ({log.settings.AUDIT_KEY_NAME}, Ed25519, base64): "
                f"{log.base64.b64encode(log.public_key()).decode()}"
            )
