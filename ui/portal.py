"""Shared pieces of the evaluation portal pages: the database, login and role checks.

Login is required for every portal page; the logged-in account's id lives in the Streamlit session only
(passwords are checked with Argon2 and never kept). Pages call `require(role)` first: it stops the page
for anyone not logged in or without the role.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from constellation.storage.models import Rater


def database() -> Any:
    """The app's database (`constellation ui --db`, else the default), opened once per URL."""
    from constellation.storage.database import default_db_url

    return _open(os.environ.get("CONSTELLATION_DB") or default_db_url())


@st.cache_resource
def _open(url: str) -> Any:
    from constellation.storage import open_database

    return open_database(url)


def current_user() -> Rater | None:
    from constellation.storage.models import Rater

    user_id = st.session_state.get("portal_user_id")
    if user_id is None:
        return None
    with database().transaction() as s:
        user = s.get(Rater, user_id)
        if user is None or not user.active:
            st.session_state.pop("portal_user_id", None)
            return None
        s.expunge(user)
        return user


def _login_form() -> None:
    from evaluation.accounts import authenticate

    st.subheader("Log in to the evaluation portal")
    with st.form("portal_login"):
        username = st.text_input("Username", key="portal_username")
        password = st.text_input("Password", type="password", key="portal_password")
        if st.form_submit_button("Log in"):
            with database().transaction() as s:
                user = authenticate(s, username, password)
                if user is None:
                    st.error("Wrong username or password.")
                else:
                    st.session_state.portal_user_id = user.id
                    st.rerun()


def require(role: str | None = None) -> Rater:
    """The logged-in account, or the login form (and the page stops). `role="admin"` refuses raters."""
    user = current_user()
    if user is None:
        _login_form()
        st.stop()
    assert user is not None
    with st.sidebar:
        st.caption(f"Logged in as **{user.username}** ({user.role})")
        if st.button("Log out", key="portal_logout"):
            st.session_state.pop("portal_user_id", None)
            st.rerun()
    if role is not None and user.role != role:
        st.error("This page is for portal administrators.")
        st.stop()
    return user
