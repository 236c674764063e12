"""user_data encrypted at rest

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_data', schema=None) as batch_op:
        batch_op.alter_column('data',
               existing_type=sa.JSON(),
               type_=bot.db.types.SecretText(),
               existing_nullable=False,
               postgresql_using="data::text")  # the JSON stays readable as plain text until rewritten



def downgrade() -> None:
    with op.batch_alter_table('user_data', schema=None) as batch_op:
        batch_op.alter_column('data',
               existing_type=bot.db.types.SecretText(),
               type_=sa.JSON(),
               existing_nullable=False,
               postgresql_using="data::json")

