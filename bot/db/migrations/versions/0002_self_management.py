"""self-management tools, deletion and deactivation dates

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phase_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_phase_checkins_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_checkins'))
    )
    with op.batch_alter_table('phase_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_phase_checkins_client_at', ['client_id', 'at'], unique=False)

    op.create_table('tool_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('content', bot.db.types.SecretText(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_tool_drafts_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_drafts')),
    sa.UniqueConstraint('client_id', 'kind', name='uq_tool_drafts_client_kind')
    )
    with op.batch_alter_table('tool_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_drafts_client_id'), ['client_id'], unique=False)

    op.create_table('tool_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', bot.db.types.SecretText(), nullable=False),
    sa.Column('saved_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_tool_versions_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['people.id'], name=op.f('fk_tool_versions_saved_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_versions')),
    sa.UniqueConstraint('client_id', 'kind', 'version', name='uq_tool_versions_client_kind_version')
    )
    with op.batch_alter_table('tool_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_versions_client_id'), ['client_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_rhythm', sa.String(length=12), server_default='daily', nullable=False))
        batch_op.add_column(sa.Column('next_checkin_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('deletion_due_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('deactivated_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_deletion_due_at'), ['deletion_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_next_checkin_at'), ['next_checkin_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_next_checkin_at'))
        batch_op.drop_index(batch_op.f('ix_people_deletion_due_at'))
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('deletion_due_at')
        batch_op.drop_column('next_checkin_at')
        batch_op.drop_column('checkin_rhythm')

    with op.batch_alter_table('tool_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_versions_client_id'))

    op.drop_table('tool_versions')
    with op.batch_alter_table('tool_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_drafts_client_id'))

    op.drop_table('tool_drafts')
    with op.batch_alter_table('phase_checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_phase_checkins_client_at')

    op.drop_table('phase_checkins')
