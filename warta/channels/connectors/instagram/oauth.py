"""Instagram through Facebook Login for Business: Meta's dialog with Instagram's permissions.

The person authorises the app on Facebook; each Page they manage may have an Instagram
professional account linked (``instagram_business_account``). The Instagram account is then
used with the linked Page's token, which does not expire (see :mod:`..facebook.oauth`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from warta.channels.connectors.base import AppConfig, DiscoveredAccount, TokenSet
from warta.channels.connectors.facebook.oauth import ACCOUNT_FIELDS, MetaOAuth, page_token_extra

IG_FIELDS = f"{ACCOUNT_FIELDS},instagram_business_account{{id,username,name}}"


class InstagramOAuth(MetaOAuth):
    platform: ClassVar[str] = "instagram"
    default_scopes: ClassVar[tuple[str, ...]] = (
        "instagram_basic", "instagram_content_publish", "instagram_manage_comments", "instagram_manage_insights",
        "pages_show_list", "pages_read_engagement",
    )

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        """Return the Instagram accounts linked to the person's Pages, each with its Page's token."""
        accounts = []
        for page in self._pages(app, tokens, IG_FIELDS):
            ig = page.get("instagram_business_account")
            if not isinstance(ig, Mapping) or not ig.get("id") or not page.get("access_token"):
                continue
            username = str(ig.get("username") or ig["id"])
            extra = page_token_extra(tokens.extra, str(page["id"]), tokens.access_token, tokens.expires_at)
            accounts.append(DiscoveredAccount(
                platform=self.platform, external_id=str(ig["id"]), handle=username,
                display_name=str(ig.get("name") or page.get("name") or ""),
                url=f"https://www.instagram.com/{username}/",
                tokens=TokenSet(access_token=str(page["access_token"]), expires_at=None, scopes=tokens.scopes,
                                extra=extra),
            ))
        return tuple(accounts)
