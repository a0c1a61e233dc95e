import json

from django.core.management.base import BaseCommand, CommandError

from grassroots.audit import log
from grassroots.audit.models import AuditEntry, Checkpoint
from grassroots.audit.verify import verify
from grassroots.core.errors import DomainError


class Command(BaseCommand):
    help = "Audit log: verify (recompute everything), checkpoint (sign the tree head), prove ENTRY, export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every leaf and checkpoint root; check every signature")
        sub.add_parser("checkpoint", help="sign the current tree head now")
        prove = sub.add_parser("prove", help="inclusion proof of one entry (by leaf index) against a checkpoint")
        prove.add_argument("leaf_index", type=int)
        prove.add_argument("--size", type=int, help="the checkpoint to prove against (default: the latest)")
        consistency = sub.add_parser("consistency", help="consistency proof between two checkpoints (by size)")
        consistency.add_argument("old_size", type=int)
        consistency.add_argument("new_size", type=int)
        export = sub.add_parser("export", help="print a signed checkpoint (the latest by default) and the public key")
        export.add_argument("--size", type=int)
        export.add_argument("--all", action="store_true", help="every checkpoint, oldest first")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as error:  # a missing key, an entry not covered yet, a damaged log
            raise CommandError(error.message) from None

    def do_verify(self, **options):
        report = verify()
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(str(problem)))
        summary = f"{report.entries} entries, {report.checkpoints} checkpoints"
        if not report.ok:
            raise CommandError(f"audit log verification FAILED ({summary}, {len(report.problems)} problems)")
        self.stdout.write(self.style.SUCCESS(f"audit log verified: {summary}"))

    def do_checkpoint(self, **options):
        self.stdout.write(log.make_checkpoint().note)

    def _checkpoint(self, size: int | None) -> Checkpoint:
        cp = Checkpoint.objects.filter(size=size).first() if size is not None else log.latest_checkpoint()
        if cp is None:
            what = f"no checkpoint of size {size}" if size is not None else "no checkpoint yet"
            raise CommandError(f"{what}: see `grassroots audit export --all`, or run `grassroots audit checkpoint`")
        return cp

    def do_prove(self, *, leaf_index: int, size: int | None, **options):
        entry = AuditEntry.objects.filter(leaf_index=leaf_index).first()
        if entry is None:
            raise CommandError(f"no entry #{leaf_index}")
        body = log.prove(entry, self._checkpoint(size))
        self.stdout.write(body.pop("checkpoint"))
        self.stdout.write(json.dumps({**body, "entry": log.entry_data(entry)}, indent=1, ensure_ascii=False))

    def do_consistency(self, *, old_size: int, new_size: int, **options):
        body = log.prove_consistency(self._checkpoint(old_size), self._checkpoint(new_size))
        self.stdout.write(body.pop("old_checkpoint"))
        self.stdout.write(body.pop("new_checkpoint"))
        self.stdout.write(json.dumps(body, indent=1))

    def do_export(self, *, size: int | None, all: bool, **options):
        checkpoints = list(Checkpoint.objects.order_by("seq")) if all else [self._checkpoint(size)]
        if not checkpoints:
            raise CommandError("no checkpoint yet: run `grassroots audit checkpoint`")
        for cp in checkpoints:
            self.stdout.write(cp.note)
        self.stdout.write(log.public_key_line(), ending="")
