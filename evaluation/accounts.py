"""Portal accounts: admins and raters, passwords hashed with Argon2id (argon2-cffi), never stored or logged
in clear. Rater attributes (clinical role, specialty, years of experience, optional self-described
demographics with the time consent was given) are what agreement is grouped by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from constellation.errors import UserError
from constellation.storage import repository
from constellation.storage.models import Rater

_HASHER = PasswordHasher()
MIN_PASSWORD = 10
CLINICAL_ROLES = ("RN", "LPN", "NP", "PA", "MD", "DO", "PharmD", "other")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def create_account(session: Session, username: str, password: str, *, role: str = "rater",
                   clinical_role: str | None = None, specialty: str | None = None,
                   years_experience: float | None = None, demographics: dict[str, Any] | None = None,
                   consent: bool = False) -> Rater:
    username = username.strip().lower()
    if not username or len(username) > 150:
        raise UserError("a username of 1 to 150 characters is needed")
    if role not in ("admin", "rater"):
        raise UserError(f"role must be admin or rater, not {role!r}")
    if clinical_role is not None and clinical_role not in CLINICAL_ROLES:
        raise UserError(f"clinical role must be one of {', '.join(CLINICAL_ROLES)}")
    if demographics and not consent:
        raise UserError("demographics are recorded only with the rater's consent")
    if repository.get_rater(session, username) is not None:
        raise UserError(f"the username {username!r} is taken")
    return repository.upsert_rater(
        session, username, password_hash=hash_password(password), role=role, clinical_role=clinical_role,
        specialty=specialty, years_experience=years_experience, demographics=demographics or {},
        consent_at=dt.datetime.now(dt.UTC) if consent else None)


def authenticate(session: Session, username: str, password: str) -> Rater | None:
    """The account when the password matches (re-hashing an outdated hash); None otherwise, same cost."""
    rater = repository.get_rater(session, username.strip().lower())
    if rater is None or not rater.active:
        try:  # spend the same time as a real check, so a missing user is not visible by timing
            _HASHER.verify(_DUMMY, password)
        except VerificationError:
            pass
        return None
    try:
        _HASHER.verify(rater.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(rater.password_hash):
        rater.password_hash = _HASHER.hash(password)
    return rater


_DUMMY = _HASHER.hash("not a real password, only for timing")
