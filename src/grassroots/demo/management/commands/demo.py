import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.core.envfile import read_env, write_env
from grassroots.demo.environment import FIRM_USERNAME
from grassroots.demo.loader import load


def demo_passwords() -> tuple[str, str]:
    """Admin and staff passwords for the demo, generated once into .env (never committed)."""
    env = read_env(settings.ENV_FILE)
    changed = False
    for key in ("GRASSROOTS_DEMO_ADMIN_PASSWORD", "GRASSROOTS_DEMO_STAFF_PASSWORD"):
        if key not in env:
            env[key] = secrets.token_urlsafe(9)
            changed = True
    if changed:
        write_env(settings.ENV_FILE, env)
    return env["GRASSROOTS_DEMO_ADMIN_PASSWORD"], env["GRASSROOTS_DEMO_STAFF_PASSWORD"]


class Command(BaseCommand):
    help = "Load the demo district (东城区; synthetic grids, houses and people labelled 演示数据). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "medium", "large"], default="medium")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale: str, seed: int, quiet: bool, **options):
        admin_pw, staff_pw = demo_passwords()
        try:
            counts = load(
                scale,
                seed=seed,
                admin_password=admin_pw,
                staff_password=staff_pw,
                progress=(lambda msg: None) if quiet else self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(_("演示数据（%(scale)s）：%(counts)s") % {"scale": scale, "counts": counts})
        )
        self._logins(admin_pw, staff_pw)

    def _logins(self, admin_pw: str, staff_pw: str) -> None:
        self.stdout.write(_("管理员登录：admin / %(password)s") % {"password": admin_pw})
        staff = _(
            "演示员工（密码同为 %(password)s）：qu_leader, jd001_leader, jd001_staff, "
            "sq<社区代码后6位>, wg<网格代码后9位>，详见 docs/demo.md"
        )
        self.stdout.write(staff % {"password": staff_pw})
        firm = _("企业联系人（排污口运营企业，密码同上）：%(username)s")
        self.stdout.write(firm % {"username": FIRM_USERNAME})
