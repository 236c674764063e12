"""peer themes encrypted (special-category data), the waiting list's wish dropped, themes out of the trail

Existing themes stay readable as plain text until `houvast rotate-key` encrypts them.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.alter_column('theme',
               existing_type=sa.VARCHAR(length=32),
               type_=bot.db.types.SecretText(),
               existing_nullable=True)

    with op.batch_alter_table('peer_profiles', schema=None) as batch_op:
        batch_op.alter_column('themes',
               existing_type=sa.VARCHAR(length=200),
               type_=bot.db.types.SecretText(),
               existing_nullable=False)

    with op.batch_alter_table('peer_waiting_list', schema=None) as batch_op:
        batch_op.alter_column('theme',
               existing_type=sa.VARCHAR(length=32),
               type_=bot.db.types.SecretText(),
               existing_nullable=True)
        batch_op.drop_column('preference')  # nobody but an admin read it, and now nobody does
    # The trail named the theme of a request in plain text; it keeps that a request happened.
    op.execute("UPDATE audit_log SET scope = NULL WHERE action IN ('peer.proposed', 'peer.waiting')")


def downgrade() -> None:
    with op.batch_alter_table('peer_waiting_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preference', sa.TEXT(), nullable=True))
        batch_op.alter_column('theme',
               existing_type=bot.db.types.SecretText(),
               type_=sa.VARCHAR(length=32),
               existing_nullable=True)

    with op.batch_alter_table('peer_profiles', schema=None) as batch_op:
        batch_op.alter_column('themes',
               existing_type=bot.db.types.SecretText(),
               type_=sa.VARCHAR(length=200),
               existing_nullable=False)

    with op.batch_alter_table('peer_contacts', schema=None) as batch_op:
        batch_op.alter_column('theme',
               existing_type=bot.db.types.SecretText(),
               type_=sa.VARCHAR(length=32),
               existing_nullable=True)
