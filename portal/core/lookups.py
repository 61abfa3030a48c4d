"""``<json list field>__has_item=value``: the JSON list holds ``value`` (a whole item).

PostgreSQL tests containment on the ``jsonb`` value (``@>``), which is exact and cheap; other
databases (SQLite) look for the quoted item in the stored JSON text, which is how Django writes
lists of strings (``["cscs", "dbs"]``). Registered on ``JSONField`` in ``CoreConfig.ready``.
"""

import json

from django.db.models import Lookup


class HasItem(Lookup):
    lookup_name = "has_item"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        quoted = json.dumps(str(self.rhs))
        pattern = "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return f"{lhs} LIKE %s ESCAPE '\\'", (*params, pattern)

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", (*params, json.dumps([str(self.rhs)]))
