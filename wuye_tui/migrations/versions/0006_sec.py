"""sec: login throttles (growing delays instead of a hard lock)

Revision ID: 0006_sec
Revises: 0005_merge_areas
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision = "0006_sec"
down_revision = "0005_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auth_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('unknown_names', sa.Integer(), nullable=False),
    sa.Column('next_allowed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_auth_throttle'))
    )


def downgrade() -> None:
    op.drop_table('auth_throttle')
