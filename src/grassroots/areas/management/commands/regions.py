import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.areas import services
from grassroots.areas.models import Region
from grassroots.core.errors import DomainError


class Command(BaseCommand):
    help = "Import or export regions as GeoJSON: `regions import FILE.geojson`, `regions export [--root CODE]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a GeoJSON FeatureCollection (all or nothing)")
        imp.add_argument("file")
        exp = sub.add_parser("export", help="export regions as a GeoJSON FeatureCollection")
        exp.add_argument("--root", help="region code of the subtree to export (default: everything)")
        exp.add_argument("--max-level", type=int, default=4)
        exp.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args, action: str, **options):
        if action == "import":
            path = Path(options["file"])
            if not path.exists():
                raise CommandError(_("找不到文件：%(path)s") % {"path": path})
            try:
                report = services.import_regions(None, path.read_bytes())
            except DomainError as exc:
                lines = [exc.message] + [f"  #{d['feature']}: {d['message']}" for d in exc.details or []]
                raise CommandError("\n".join(lines)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    _("导入完成：新建 %(created)s，更新 %(updated)s") % report
                    + (
                        _("，已修复几何：%(codes)s") % {"codes": ", ".join(report["repaired"])}
                        if report["repaired"]
                        else ""
                    )
                )
            )
            return
        root = None
        if options["root"]:
            root = Region.objects.filter(code=options["root"]).first()
            if root is None:
                raise CommandError(_("未知区划代码：%(code)s") % {"code": options["root"]})
        data = services.export_geojson(None, root, max_level=options["max_level"])
        text = json.dumps(data, ensure_ascii=False)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"{len(data['features'])} features → {options['output']}")
        else:
            sys.stdout.write(text + "\n")
