"""`grassroots` console script: Django's management commands with the project's settings.

`grassroots --help` lists them; the project's own are demo, regions, keys and serve.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "grassroots"
    if len(args) == 1 or args[1] in ("-h", "--help"):
        args[1:] = ["help"]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
