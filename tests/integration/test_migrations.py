"""One Alembic head; upgrade from empty and downgrade to base on both databases."""
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.migrate import alembic_config, downgrade, upgrade


def test_single_alembic_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


def test_upgrade_then_downgrade_round_trip(tmp_path, request):
    import tests.conftest as c

    urls = [f"sqlite:///{tmp_path / 'm.db'}"]
    pg_db = None
    if c._pg_reachable():
        import uuid

        pg_db = f"formloom_mig_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(c.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{pg_db}"'))
        urls.append(c.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_db}")
    elif c.REQUIRE_SERVICES:
        raise AssertionError("PostgreSQL required")
    try:
        for url in urls:
            upgrade(url)
            from app.db import get_engine

            tables = set(sa.inspect(get_engine(url)).get_table_names())
            assert {"workspaces", "users", "memberships", "departments", "api_tokens", "apps",
                    "audit_log", "user_departments"} <= tables
            downgrade(url, "base")
            assert set(sa.inspect(get_engine(url)).get_table_names()) <= {"alembic_version"}
            upgrade(url)
    finally:
        if pg_db:
            from app.db import dispose_all

            dispose_all()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)'))
