"""merge the revisions of the second scope (security, gate book, alarms, front desk, guard
post, devices) into one head

They were made side by side off 0005_merge_areas; from here on there is one line again.

Revision ID: 0007_merge_issues
Revises: 0006_alarms, 0006_desk, 0006_devices, 0006_gate, 0006_guard, 0006_sec
Create Date: 2026-12-01
"""

revision = "0007_merge_issues"
down_revision = ("0006_alarms", "0006_desk", "0006_devices", "0006_gate", "0006_guard", "0006_sec")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
