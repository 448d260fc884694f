"""Background work for the registry (run by `khuyencong db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from khuyencong.core.text import search_key, search_tokens
from khuyencong.establishments.models import Establishment


@task()
def rebuild_search_keys(batch_size: int = 5000) -> int:
    """Recompute every stored search key, e.g. after the abbreviation list in core.text changed.

    Returns how many keys changed. Runs in batches so a national registry does not hold one long
    write transaction.
    """
    changed = 0
    last_pk = 0
    while True:
        batch = list(
            Establishment.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "name", "tax_code", "address", "representative", "search_key", "name_key")[
                :batch_size
            ]
        )
        if not batch:
            return changed
        stale = []
        for est in batch:
            key = search_key(est.name, est.tax_code, est.address, est.representative)
            name_key = " ".join(search_tokens(est.name))
            if key != est.search_key or name_key != est.name_key:
                est.search_key, est.name_key = key, name_key
                stale.append(est)
        with transaction.atomic():
            Establishment.objects.bulk_update(stale, ["search_key", "name_key"])
        changed += len(stale)
        last_pk = batch[-1].pk
