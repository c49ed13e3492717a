"""Print the demo accounts with which to sign in after `tinhso seed`."""

from typing import Any

from django.core.management.base import BaseCommand

from tinhso.directory.seeding import DEMO_ACCOUNTS, DEMO_CITIZEN, DEMO_PASSWORD, OPERATOR


class Command(BaseCommand):
    help = "Print the demo accounts (username, role, organ) and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Tài khoản demo / demo accounts (mật khẩu / password: {DEMO_PASSWORD})")
        self.stdout.write(f"  {OPERATOR[0]:<22} {OPERATOR[1]} (/admin/)")
        for username, full_name, position, ident, _roles, _subtree in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<22} {full_name}, {position} [{ident}]")
        self.stdout.write(
            f"  {DEMO_CITIZEN[0]:<22} {DEMO_CITIZEN[1]}, công dân (/dich-vu-cong/ho-so/)"
        )
        self.stdout.write("Back office: http://127.0.0.1:8000/backoffice/")
