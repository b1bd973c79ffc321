"""Sign-in for a page served to a team (docs/deploy.md).

When ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's built-in OpenID
Connect login against the site's identity provider), every page asks for a signed-in
user first (:func:`required`, :func:`sign_in_page`), and each user's plans and variants are kept apart
(:func:`user_key`). Behind an authenticating reverse proxy instead, the user is the one
the proxy names in a header (:data:`ENV_USER_HEADER`). Without either nothing changes:
one local user, ``local``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

#: the user key when sign-in is not configured (or nobody is signed in)
LOCAL = "local"
#: the request header in which an authenticating reverse proxy names the user (e.g.
#: ``X-Forwarded-Email`` of oauth2-proxy); trusted only when set, so set it only when
#: the app listens on loopback behind that proxy (docs/deploy.md)
ENV_USER_HEADER = "LOGISTICS_APP_USER_HEADER"


def _auth_section() -> Mapping[str, Any] | None:
    try:
        if "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except Exception:  # no secrets file at all, or one that does not parse
        return None
    return section if isinstance(section, Mapping) else None


def configured() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in the secrets)."""
    return _auth_section() is not None


def provider() -> str | None:
    """The provider to sign in with: ``None`` when ``[auth]`` holds the provider's
    settings itself, else the first named provider section (``[auth.<name>]``)."""
    section = _auth_section()
    if section is None or "client_id" in section:
        return None
    return next((k for k, v in section.items() if isinstance(v, Mapping)), None)


def logged_in() -> bool:
    """Whether a user is signed in (never, when sign-in is not configured)."""
    if not configured():
        return False
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:
        return False


def proxy_user() -> str | None:
    """The user an authenticating reverse proxy names in the request header
    :data:`ENV_USER_HEADER` names (``None`` when that is not set or the header absent)."""
    header = os.environ.get(ENV_USER_HEADER, "").strip()
    if not header:
        return None
    try:
        v = st.context.headers.get(header)
    except Exception:
        return None
    return v.strip() if isinstance(v, str) and v.strip() else None


def user_name() -> str | None:
    """The signed-in user's e-mail (else the subject id), ``None`` when nobody is."""
    if not logged_in():
        return proxy_user()
    for claim in ("email", "sub"):
        v = st.user.get(claim)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def safe_key(name: str) -> str:
    """``name`` as one folder name: letters, digits and ``@._+-`` kept, the rest ``_``."""
    key = re.sub(r"[^A-Za-z0-9@._+-]", "_", name.strip()).strip(".")
    return key[:120] or "user"


def user_key() -> str:
    """Whose plans these are: the signed-in user's e-mail as a folder name, else
    :data:`LOCAL`."""
    name = user_name()
    return LOCAL if name is None else safe_key(name.lower())


def required() -> bool:
    """Whether the page must ask for a sign-in first (configured, nobody signed in)."""
    return configured() and not logged_in()


def sign_in_page() -> None:
    """The only page shown before a sign-in: what this is, and the sign-in button."""
    st.title("Airlift planner")
    st.markdown("Sign in to plan: this server keeps each planner's plans and variants apart.")
    name = provider()
    st.button("Sign in", type="primary", icon=":material/login:", key="sign_in",
              on_click=st.login, args=(name,) if name else ())


def sidebar() -> None:
    """Who is signed in, and a sign-out button (nothing when sign-in is not configured)."""
    if not logged_in():
        if proxy_user():
            st.caption(f"Signed in as {proxy_user()} (by the site's proxy)")
        return
    st.caption(f"Signed in as {user_name() or 'a user'}")
    st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=st.logout)
