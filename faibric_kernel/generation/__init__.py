"""Generation: from a prompt to a validated multi-file React site, and targeted changes to it.

Modules: :mod:`.brief` (what a prompt asks for), :mod:`.copydeck` and
:mod:`.compose` (the offline provider's sites), :mod:`.prompts` (the cached
constraints and task messages), :mod:`.parsing` (files out of an answer),
:mod:`.edits` (search/replace changes, all or nothing), :mod:`.validation`
(tree-sitter, imports, security rules, cheap fixes), :mod:`.safety` (paths
and limits), :mod:`.pipeline` (model calls with continuation, repair, the one
fix). The build itself is :mod:`faibric_kernel.build`.
"""
