"""The REST API (issue 18, docs/api.md): the register read-only, visits, follow-ups and cases, for
systems an admin registered (``gridapp.models.ApiClient``). Every read and write goes through the
same scope module and services as the pages; it acts as the client's bound user."""
