"""outbox: messages about a client refer (ref, about_id, scope); sent rows keep no text

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('about_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=24), nullable=True))
        batch_op.alter_column('payload',
               existing_type=sa.TEXT(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_outbox_about_id'), ['about_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_about_id_people'), 'people', ['about_id'], ['id'], ondelete='CASCADE')
    # What was delivered (or given up on) before this revision keeps no copy of what it said.
    op.execute("UPDATE outbox SET payload = NULL WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL")


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE payload IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_about_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_about_id'))
        batch_op.alter_column('payload',
               existing_type=sa.TEXT(),
               nullable=False)
        batch_op.drop_column('scope')
        batch_op.drop_column('about_id')
        batch_op.drop_column('ref')
