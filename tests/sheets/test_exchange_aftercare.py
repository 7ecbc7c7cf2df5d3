"""The loose ends an import ties up, where they meet each other."""

from __future__ import annotations

from carerdesk.exchange import list_conflicts
from carerdesk.models import Carer
from carerdesk.services import carers, erasure

from .test_exchange import exchange, join, register, snapshot


def test_an_erasure_reaching_a_record_with_a_conflict_waiting_imports(desk, tmp_path):
    site_a, outbox = desk, tmp_path / "files"
    outbox.mkdir()
    carer_id = register(site_a, "Connie", "Testclash")
    site_b = join(site_a, tmp_path / "b")
    try:
        for site, town in ((site_a, "Hitchin"), (site_b, "Watford")):
            with site.transaction() as tx:
                carers.update(tx, carer_id, carers.CarerFields(town=town))
        exchange(site_a, site_b, outbox)
        with site_b.read() as tx:
            assert [c.record_id for c in list_conflicts(tx)] == [carer_id]
        with site_a.transaction() as tx:  # A erases the person before B settles it
            erasure.erase_carer(tx, carer_id)
        exchange(site_a, site_b, outbox)  # the erasure settles the conflict, and drops it
        with site_b.read() as tx:
            assert tx.session.get(Carer, carer_id).deleted
            assert list_conflicts(tx) == []
        exchange(site_b, site_a, outbox)
        assert snapshot(site_a) == snapshot(site_b)
    finally:
        site_b.close()
