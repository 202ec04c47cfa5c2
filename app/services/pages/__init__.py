"""Appendix 1 of the regulation: the official pages of the administration and of the head.

One module per part of the department's work, no Qt here:

* :mod:`.access` — who may read and change what (the curator and the page's people edit, the head
  reads);
* :mod:`.registry` — the registry of pages (clauses 1–3), archiving, the page of an incident's link;
* :mod:`.weeks` — the weekly rule (clause 5): the week-by-week grid and the reminder on the last
  working day of a week;
* :mod:`.publications` — the publication log and the content plan (clauses 5, 8, 10);
* :mod:`.law_info` — the 8-FZ art. 13 part 1 checklist (clause 6);
* :mod:`.description` — the one approved description and the pages that differ (clause 9);
* :mod:`.verification` — the special mark, its history and the application to the ESIA operator
  (clauses 11–13);
* :mod:`.moderation` — removed comments and the black list (clause 14);
* :mod:`.subscriptions` — the administration pages × head's pages matrix (clause 15).
"""
