"""sec: login throttles (growing delays instead of a hard lock); audit rows cover register rows

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
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('covers', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_column('covers')
    op.drop_table('auth_throttle')
