"""The web pages: stories, cases, sources, deliveries, topic tuning and Atom feeds out,
server-rendered over the same store queries as the CLI.

``app`` assembles the routes behind the ``security`` guard; ``server`` runs them (uvicorn on
a thread of its own) for ``monitor run`` and ``monitor web``. One module per page group
(``stories``, ``cases``, ``status``, ``topics``, ``atom``, ``admin``); ``render`` holds the
templates and the filters that keep feed text inert; ``context`` what handlers share. Holds
no logic the CLI lacks.
"""
