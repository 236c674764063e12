"""peer support, self-scans, scaling decisions, traject closing

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('peer_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('peer_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('started_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('ended_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_message_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('feedback', bot.db.types.SecretText(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_peer_contacts_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['peer_id'], ['people.id'], name=op.f('fk_peer_contacts_peer_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_peer_contacts_proposed_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_contacts'))
    )
    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_contacts_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_peer_contacts_peer_status', ['peer_id', 'status'], unique=False)

    op.create_table('peer_profiles',
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('story', bot.db.types.SecretText(), nullable=True),
    sa.Column('themes', sa.String(length=200), nullable=False),
    sa.Column('availability', bot.db.types.SecretText(), nullable=True),
    sa.Column('max_peers', sa.Integer(), nullable=False),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_peer_profiles_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_peer_profiles'))
    )
    op.create_table('peer_waiting_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=True),
    sa.Column('preference', bot.db.types.SecretText(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_peer_waiting_list_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_waiting_list'))
    )
    with op.batch_alter_table('peer_waiting_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_waiting_list_client_id'), ['client_id'], unique=False)

    op.create_table('relation_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_relation_scores_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relation_scores'))
    )
    with op.batch_alter_table('relation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relation_scores_client_id'), ['client_id'], unique=False)

    op.create_table('scale_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('suggestion', sa.String(length=12), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('reason', bot.db.types.SecretText(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_scale_decisions_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_scale_decisions_worker_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale_decisions'))
    )
    with op.batch_alter_table('scale_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scale_decisions_household_id'), ['household_id'], unique=False)

    op.create_table('self_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('by_role', sa.String(length=16), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['people.id'], name=op.f('fk_self_scans_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_self_scans_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_scans'))
    )
    with op.batch_alter_table('self_scans', schema=None) as batch_op:
        batch_op.create_index('ix_self_scans_client_at', ['client_id', 'at'], unique=False)

    op.create_table('tool_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('text', bot.db.types.SecretText(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('decided_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_tool_proposals_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['helper_id'], ['people.id'], name=op.f('fk_tool_proposals_helper_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_proposals'))
    )
    with op.batch_alter_table('tool_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_proposals_client_id'), ['client_id'], unique=False)

    op.create_table('traject_closings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_traject_closings_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_traject_closings_worker_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traject_closings'))
    )
    with op.batch_alter_table('traject_closings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traject_closings_household_id'), ['household_id'], unique=False)

    op.create_table('misuse_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('text', bot.db.types.SecretText(), nullable=True),
    sa.Column('handled_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['peer_contacts.id'], name=op.f('fk_misuse_reports_contact_id_peer_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['people.id'], name=op.f('fk_misuse_reports_reporter_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_misuse_reports'))
    )
    op.create_table('relay_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=True),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('text', bot.db.types.SecretText(), nullable=True),
    sa.Column('file_id', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['peer_contacts.id'], name=op.f('fk_relay_messages_contact_id_peer_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_id'], ['people.id'], name=op.f('fk_relay_messages_from_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_messages'))
    )
    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.create_index('ix_relay_messages_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_relay_messages_contact_id'), ['contact_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relay_contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_scan_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_next_scan_at'), ['next_scan_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_next_scan_at'))
        batch_op.drop_column('next_scan_at')
        batch_op.drop_column('relay_contact_id')

    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_messages_contact_id'))
        batch_op.drop_index('ix_relay_messages_at')

    op.drop_table('relay_messages')
    op.drop_table('misuse_reports')
    with op.batch_alter_table('traject_closings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_traject_closings_household_id'))

    op.drop_table('traject_closings')
    with op.batch_alter_table('tool_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_proposals_client_id'))

    op.drop_table('tool_proposals')
    with op.batch_alter_table('self_scans', schema=None) as batch_op:
        batch_op.drop_index('ix_self_scans_client_at')

    op.drop_table('self_scans')
    with op.batch_alter_table('scale_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scale_decisions_household_id'))

    op.drop_table('scale_decisions')
    with op.batch_alter_table('relation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relation_scores_client_id'))

    op.drop_table('relation_scores')
    with op.batch_alter_table('peer_waiting_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_waiting_list_client_id'))

    op.drop_table('peer_waiting_list')
    op.drop_table('peer_profiles')
    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_contacts_peer_status')
        batch_op.drop_index(batch_op.f('ix_peer_contacts_client_id'))

    op.drop_table('peer_contacts')
