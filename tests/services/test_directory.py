"""What `houvast workers` and `houvast households` read: ids, first names and roles, and an audit row."""
import sqlalchemy as sa

from bot.db.models import AuditEntry
from bot.services import directory
from tests.services.test_gdpr import NAME, OTHER_NAME, WORKER, seed


async def test_households_and_staff_name_first_names_roles_and_ids_only(svc):
    await seed(svc)
    [anna] = await directory.staff(svc)
    assert (anna.telegram_id, anna.first_name, anna.role, anna.active) == (WORKER, "Anna", "worker", True)
    households = await directory.households(svc)
    assert sorted(member for row in households for member in row.members) == sorted([NAME, OTHER_NAME])
    assert all(row.team == (("Anna", "coordinating", WORKER),) for row in households)
    assert set(anna.coordinating) == {row.id for row in households}
    assert await directory.households(svc, worker_telegram_id=12345) == []
    assert await directory.household_exists(svc, households[0].id) and not await directory.household_exists(svc, 999)
    async with svc.unit() as session:
        actions = (await session.execute(sa.select(AuditEntry.action).where(AuditEntry.action.like("cli_%")))).scalars()
        assert sorted(actions) == ["cli_list_households", "cli_list_households", "cli_list_staff"]
