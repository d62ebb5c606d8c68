"""Storage: SQLAlchemy models, engines, Alembic migrations and a small repository API.

SQLite (WAL) in the project's data folder is the embedded default; PostgreSQL is the deployment
target. `open_database()` creates or upgrades the schema on first use.
"""

from constellation.storage.database import (
    Database,
    StorageError,
    current,
    default_data_dir,
    default_db_url,
    downgrade,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from constellation.storage.models import (
    Base,
    CallSession,
    CarePlanRecord,
    Draft,
    Escalation,
    Finding,
    Rater,
    Rating,
    RatingForm,
    Turn,
)
from constellation.storage.repository import (
    DraftData,
    EscalationData,
    FindingData,
    TurnData,
    add_escalation,
    add_turn,
    create_session,
    end_session,
    get_care_plan,
    get_rater,
    get_session,
    list_care_plans,
    list_escalations,
    list_ratings,
    save_care_plan,
    save_rating,
    save_rating_form,
    set_escalation_status,
    upsert_rater,
)

__all__ = [
    "Base", "CallSession", "CarePlanRecord", "Database", "Draft", "DraftData", "Escalation", "EscalationData",
    "Finding", "FindingData", "Rater", "Rating", "RatingForm", "StorageError", "Turn", "TurnData",
    "add_escalation", "add_turn", "create_session", "current", "default_data_dir", "default_db_url", "downgrade",
    "end_session", "get_care_plan", "get_rater", "get_session", "head_revision", "list_care_plans",
    "list_escalations", "list_ratings", "make_engine", "open_database", "save_care_plan", "save_rating",
    "save_rating_form", "set_escalation_status", "upgrade", "upsert_rater",
]
