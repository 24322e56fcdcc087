"""merge the area branches (gate, complaints, guard) into one head

Each area was built as its own branch off 0001_core; from here on there is one line of
revisions again, so a new migration has a single parent.

Revision ID: 0005_merge_areas
Revises: 0002_gate, 0003_complaints, 0004_guard
Create Date: 2026-11-27
"""

revision = "0005_merge_areas"
down_revision = ("0002_gate", "0003_complaints", "0004_guard")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
