"""the invoice's, the collection's and the attempt's states refused by the database outside
domain/lifecycle.py; credit notes (their lines, taxes and own numbering), refunds, and what credit
notes took off an invoice (issue 10 items 1-2)

Downgrading drops the credit notes, their refunds and what they took off each invoice.

Revision ID: 0018
Revises: 0017
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# Written out rather than imported: a migration keeps the states of its day.
INVOICE = "status IN ('open', 'paid', 'void', 'credited', 'uncollectible')"
COLLECTION = "state IN ('collecting', 'paid', 'failed', 'cancelled')"
ATTEMPT = "outcome IN ('pending', 'succeeded', 'declined', 'unknown')"


def upgrade() -> None:
    # Every invoice so far is uncredited (0); every stored state is one of these (the code wrote no
    # other), so the constraints hold on existing rows: a database where they do not stops here.
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_credited', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_check_constraint('status', INVOICE)
        batch_op.create_check_constraint('amount_credited', 'amount_credited >= 0 AND amount_credited <= total')
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.create_check_constraint('state', COLLECTION)
        batch_op.create_check_constraint('method', "method IN ('card', 'bank_transfer')")
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.create_check_constraint('outcome', ATTEMPT)

    op.create_table(
        'credit_note_sequences',
        sa.Column('issuer_id', sa.String(length=32), nullable=False),
        sa.Column('last_sequence', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_credit_note_sequences_issuer_id_issuers')),
        sa.PrimaryKeyConstraint('issuer_id', name=op.f('pk_credit_note_sequences')),
    )
    op.create_table(
        'credit_notes',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('issuer_id', sa.String(length=32), nullable=False),
        sa.Column('sequence', sa.BigInteger(), nullable=False),
        sa.Column('invoice_id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('subtotal', sa.BigInteger(), nullable=False),
        sa.Column('tax_total', sa.BigInteger(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('points_back', sa.BigInteger(), nullable=False),
        sa.Column('refund_due', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('issued_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('total > 0 AND total = subtotal + tax_total', name=op.f('ck_credit_notes_total')),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_credit_notes_account_id_accounts')),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_credit_notes_invoice_id_invoices')),
        sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_credit_notes_issuer_id_issuers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_notes')),
        sa.UniqueConstraint('issuer_id', 'sequence', name=op.f('uq_credit_notes_issuer_id_sequence')),
        sa.UniqueConstraint('number', name=op.f('uq_credit_notes_number')),
    )
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_notes_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_notes_invoice_id'), ['invoice_id'], unique=False)
    op.create_table(
        'credit_note_lines',
        sa.Column('credit_note_id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('invoice_position', sa.Integer(), nullable=True),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('tax_rate_ppm', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['credit_note_id'], ['credit_notes.id'], name=op.f('fk_credit_note_lines_credit_note_id_credit_notes')
        ),
        sa.PrimaryKeyConstraint('credit_note_id', 'position', name=op.f('pk_credit_note_lines')),
    )
    op.create_table(
        'credit_note_taxes',
        sa.Column('credit_note_id', sa.String(length=36), nullable=False),
        sa.Column('tax_rate_ppm', sa.Integer(), nullable=False),
        sa.Column('taxable_amount', sa.BigInteger(), nullable=False),
        sa.Column('tax', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ['credit_note_id'], ['credit_notes.id'], name=op.f('fk_credit_note_taxes_credit_note_id_credit_notes')
        ),
        sa.PrimaryKeyConstraint('credit_note_id', 'tax_rate_ppm', name=op.f('pk_credit_note_taxes')),
    )
    op.create_table(
        'refunds',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('invoice_id', sa.String(length=36), nullable=False),
        sa.Column('credit_note_id', sa.String(length=36), nullable=True),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('payment_reference', sa.String(length=100), nullable=True),
        sa.Column('reference', sa.String(length=200), nullable=True),
        sa.Column('idempotency_key', sa.String(length=100), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=True),
        sa.Column('message', sa.String(length=300), nullable=True),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('created_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'succeeded', 'failed', 'unknown')", name=op.f('ck_refunds_state')),
        sa.CheckConstraint("method IN ('card', 'points', 'bank_transfer')", name=op.f('ck_refunds_method')),
        sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount')),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_refunds_account_id_accounts')),
        sa.ForeignKeyConstraint(
            ['credit_note_id'], ['credit_notes.id'], name=op.f('fk_refunds_credit_note_id_credit_notes')
        ),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_refunds_invoice_id_invoices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_refunds_idempotency_key')),
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_invoice_id'), ['invoice_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_invoice_id'))
    op.drop_table('refunds')
    op.drop_table('credit_note_taxes')
    op.drop_table('credit_note_lines')
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_notes_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_credit_notes_account_id'))
    op.drop_table('credit_notes')
    op.drop_table('credit_note_sequences')
    # The short names: the naming convention makes them ck_<table>_<name>, as upgrade() did.
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_constraint('outcome', type_='check')
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.drop_constraint('method', type_='check')
        batch_op.drop_constraint('state', type_='check')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint('amount_credited', type_='check')
        batch_op.drop_constraint('status', type_='check')
        batch_op.drop_column('amount_credited')
