"""Live sites report back: a public id per site, the form inbox (leads) and first-party visitor analytics.

* :mod:`.registry` gives each site a public id (never the session id, which
  is a secret) and answers "which tenant, owner, live version and origins does
  this site id have" from a short in-memory cache;
* :mod:`.leads` checks, stores, lists, exports and forgets form submissions
  and emails the owner (failed sends go through the email retry queue);
* :mod:`.visitors` checks beacon batches, hashes visitors with a salt that
  rotates daily (the IP is never stored) and records the events;
* :mod:`.beacon` is the tiny script every site carries.

The HTTP side is :mod:`faibric_kernel.api.forms`; what a build puts into a
site is :mod:`faibric_kernel.sitefeedback`.
"""
