"""Flag search: the query language of ``/api/admin/search/features`` and its answer."""
