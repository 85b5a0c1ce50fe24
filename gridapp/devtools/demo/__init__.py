"""The demo world of DOMAIN.md, built by ``manage.py seed_demo`` (``seed.seed``).

Linpu Town → Dongluchi Community → Grid 1 (Wu Jiadong's: 307 households, 92 shops, mostly
elderly) and Grid 2 (Chen's, smaller), with the places and people of the six stories and one demo
account per role. Everything comes from ``random.Random(SEED)``, so two runs on the same day build
the same register; ages are counted from ``timezone.localdate()``, so dates of birth (and the ID
numbers that embed them) follow the calendar and Ren Aixiang stays 86.

The visit history of the last 45 days (Wu's and Chen's check-ins and shop inspections, Ren
Aixiang's ventilator follow-up, the shop campaign at 61 of 92) comes from its own generator,
``random.Random(VISITS_SEED)``, and is logged through ``visits.services.log_visit``.

The cases of the last 90 days (stories 3, 4 and 5 and some sixty others, in every state) come
from ``random.Random(CASES_SEED)`` and are taken through ``cases.services`` step by step, so
each timeline is made of real CaseEvents; the town's departments and their accounts are
ensured like the other accounts.

The modules, in the order the world is built:

- ``seed``: the entry point, one transaction; ``accounts``: the demo accounts and departments;
- the register: ``places`` (streets, buildings, story places), ``people`` (names, ID numbers,
  phones), ``households`` (who lives together), ``world`` (shops, the stories' households, the
  bulk creation);
- the visits: ``visit_data`` (cadences, notes), ``visit_plan`` (who is visited when),
  ``visits`` (logging and dating back);
- the cases: ``case_kinds`` and ``case_data`` (what is reported, the scenarios, the notes),
  ``case_plans`` (every case's intake), ``case_stories`` (stories 3-5), ``case_steps`` and
  ``case_plays`` (each case's life through ``cases.services``), ``cases`` (all of it, then the
  overdue sweep and the numbering).
"""
