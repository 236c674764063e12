"""safety plans: the hoopbox, trusted people and the noodbericht

The two plans themselves are tool versions and drafts like the signaleringsplan (kinds "veiligheidsplan" and
"thuisplan"); these tables hold the rest.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('emergency_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_emergency_sends_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_sends'))
    )
    with op.batch_alter_table('emergency_sends', schema=None) as batch_op:
        batch_op.create_index('ix_emergency_sends_client_at', ['client_id', 'at'], unique=False)

    op.create_table('emergency_settings',
    sa.Column('client_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', bot.db.types.SecretText(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_emergency_settings_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_emergency_settings'))
    )
    op.create_table('hope_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', bot.db.types.SecretText(), nullable=True),
    sa.Column('file_id', bot.db.types.SecretText(), nullable=True),
    sa.Column('file_unique_id', bot.db.types.SecretText(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_hope_items_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hope_items'))
    )
    with op.batch_alter_table('hope_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hope_items_client_id'), ['client_id'], unique=False)

    op.create_table('trusted_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', bot.db.types.SecretText(), nullable=True),
    sa.Column('phone', bot.db.types.SecretText(), nullable=True),
    sa.Column('consented_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_trusted_people_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_trusted_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_people'))
    )
    with op.batch_alter_table('trusted_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trusted_people_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trusted_people_person_id'), ['person_id'], unique=False)

    op.create_table('emergency_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('send_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', bot.db.types.SecretText(), nullable=True),
    sa.Column('route', sa.String(length=12), nullable=False),
    sa.Column('outbox_key', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_emergency_deliveries_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['send_id'], ['emergency_sends.id'], name=op.f('fk_emergency_deliveries_send_id_emergency_sends'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_deliveries'))
    )
    with op.batch_alter_table('emergency_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_deliveries_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_deliveries_send_id'), ['send_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('emergency_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_deliveries_send_id'))
        batch_op.drop_index(batch_op.f('ix_emergency_deliveries_person_id'))

    op.drop_table('emergency_deliveries')
    with op.batch_alter_table('trusted_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trusted_people_person_id'))
        batch_op.drop_index(batch_op.f('ix_trusted_people_client_id'))

    op.drop_table('trusted_people')
    with op.batch_alter_table('hope_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hope_items_client_id'))

    op.drop_table('hope_items')
    op.drop_table('emergency_settings')
    with op.batch_alter_table('emergency_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_emergency_sends_client_at')

    op.drop_table('emergency_sends')
