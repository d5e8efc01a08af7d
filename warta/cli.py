"""The ``warta`` command: Django's manage.py, with Warta's own commands listed first."""

import os
import sys


def main() -> None:
    """Run a management command; ``warta --help`` lists Warta's commands before Django's."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    from django.core.management import ManagementUtility, get_commands

    argv = sys.argv[:]
    argv[0] = "warta"
    if len(argv) == 1 or argv[1] in {"help", "--help", "-h"} and len(argv) <= 2:
        import django

        django.setup()
        own = sorted(name for name, app in get_commands().items() if app.startswith("warta."))
        print("Perintah Warta / Warta commands:")
        for name in own:
            print(f"    {name}")
        print()
        print("Bantuan satu perintah / help on one command: warta help <perintah>")
        print()
        print("Perintah Django dan pustaka / Django and library commands:")
        others = sorted(name for name, app in get_commands().items() if not app.startswith("warta."))
        for name in others:
            print(f"    {name}")
        return
    ManagementUtility(argv).execute()


if __name__ == "__main__":
    main()
