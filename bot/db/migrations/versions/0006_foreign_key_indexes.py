"""indexes on foreign keys to people; goals.last_swept_at always set

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Goals from before this revision: their first sweep counts from their creation.
    op.execute("UPDATE goals SET last_swept_at = created_at WHERE last_swept_at IS NULL")
    with op.batch_alter_table('goal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_events_by_id'), ['by_id'], unique=False)

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.alter_column('last_swept_at',
               existing_type=sa.DATETIME(),
               nullable=False)
        batch_op.create_index(batch_op.f('ix_goals_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_proposed_by_id'), ['proposed_by_id'], unique=False)

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invites_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invites_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invites_used_by_id'), ['used_by_id'], unique=False)

    with op.batch_alter_table('misuse_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_misuse_reports_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_misuse_reports_reporter_id'), ['reporter_id'], unique=False)

    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_acknowledged_by_id'), ['acknowledged_by_id'], unique=False)

    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_contacts_proposed_by_id'), ['proposed_by_id'], unique=False)

    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_messages_from_id'), ['from_id'], unique=False)

    with op.batch_alter_table('scale_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scale_decisions_worker_id'), ['worker_id'], unique=False)

    with op.batch_alter_table('self_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_scans_by_id'), ['by_id'], unique=False)

    with op.batch_alter_table('tool_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_proposals_helper_id'), ['helper_id'], unique=False)

    with op.batch_alter_table('tool_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_versions_saved_by_id'), ['saved_by_id'], unique=False)

    with op.batch_alter_table('traject_closings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traject_closings_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('traject_closings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_traject_closings_worker_id'))

    with op.batch_alter_table('tool_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_versions_saved_by_id'))

    with op.batch_alter_table('tool_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_proposals_helper_id'))

    with op.batch_alter_table('self_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_scans_by_id'))

    with op.batch_alter_table('scale_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scale_decisions_worker_id'))

    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_messages_from_id'))

    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_contacts_proposed_by_id'))

    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudges_acknowledged_by_id'))

    with op.batch_alter_table('misuse_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_misuse_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_misuse_reports_contact_id'))

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invites_used_by_id'))
        batch_op.drop_index(batch_op.f('ix_invites_household_id'))
        batch_op.drop_index(batch_op.f('ix_invites_created_by_id'))

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_goals_owner_id'))
        batch_op.alter_column('last_swept_at',
               existing_type=sa.DATETIME(),
               nullable=True)

    with op.batch_alter_table('goal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_events_by_id'))

