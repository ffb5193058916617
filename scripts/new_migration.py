"""Developer tool: autogenerate a service's Alembic revision against its models.

    python scripts/new_migration.py <service> "<message>" [rev_id]

For a first revision the plumbing tables (outbox, inbox, parked_event, audit_log) are replaced by
`create_plumbing_tables()` / `drop_plumbing_tables()` from services/common/migrations.py."""
import re
import sys
import tempfile
from pathlib import Path

from alembic import command

from services.common.migrations import alembic_config, upgrade

PLUMBING = ("audit_log", "inbox", "outbox", "parked_event")


def _without_plumbing(body):
    blocks = re.split(r"\n(?=    (?:op\.|with op\.|# ###))", body)
    keep = []
    for block in blocks:
        match = re.search(r"(?:create_table|drop_table|batch_alter_table)\('(\w+)'", block)
        if (match and match.group(1) in PLUMBING) or block.strip().startswith("# ###"):
            continue
        if block.strip():
            keep.append(block.rstrip("\n"))
    return "\n".join(keep)


def main(service, message, rev_id=None):
    package = Path("services") / service
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        versions = package / "migrations" / "versions"
        first = not any(versions.glob("*.py"))
        if not first:
            upgrade(package, url)
        script = command.revision(alembic_config(package, url), message=message, autogenerate=True, rev_id=rev_id)
    path = Path(script.path)
    text = path.read_text().replace("services.common.tables.UtcDateTime(timezone=True)", "sa.DateTime(timezone=True)")
    if first:
        head, rest = text.split("def upgrade():\n", 1)
        up, down = rest.split("def downgrade():\n", 1)
        head = head.replace("import sqlalchemy as sa\n", "import sqlalchemy as sa\n\nfrom services.common.migrations "
                                                         "import create_plumbing_tables, drop_plumbing_tables\n")
        text = (head + "def upgrade():\n    create_plumbing_tables()\n" + _without_plumbing(up).lstrip("\n")
                + "\n\n\ndef downgrade():\n" + _without_plumbing(down).rstrip() + "\n    drop_plumbing_tables()\n")
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
