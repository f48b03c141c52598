"""`luoshi manage issue_token USERNAME [--name NAME]`: make an API token and print its key once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.org.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户生成接口令牌并显示一次 (issue an API token for a user; the key is shown once)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="用途，如 数据同步 (what the token is for)")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有用户 {username} (no such user)") from None
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用 (user is inactive)")
        token, key = ApiToken.issue(user, name=name[:60])
        # only the hash is stored, so this is the one time the key can be seen
        self.stdout.write(key)
        self.stderr.write(
            f"令牌 #{token.pk} 已为 {username}（{user.get_role_display()}）生成，只显示这一次，请妥善保存。"
            f"\n用法 (usage): Authorization: Bearer <key>"
        )
