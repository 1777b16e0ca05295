"""The one registry shape every extension point uses."""

from __future__ import annotations

import pytest

from faibric_kernel.deploy import DEPLOYERS
from faibric_kernel.email import BACKENDS
from faibric_kernel.errors import InvalidInputError, UnknownNameError
from faibric_kernel.library.embedders import EMBEDDERS
from faibric_kernel.providers import PROVIDERS
from faibric_kernel.registry import Registry


class Pigeon:
    name = "pigeon"


def test_register_adds_an_entry_under_its_name_and_returns_it():
    birds = Registry("bird")
    assert birds.register(Pigeon) is Pigeon
    assert birds.lookup("pigeon") is Pigeon and list(birds) == ["pigeon"]


def test_an_unknown_name_lists_the_choices_and_the_setting():
    birds = Registry("bird", setting="FAIBRIC_BIRD")
    birds.register(Pigeon)
    with pytest.raises(UnknownNameError, match=r"unknown bird 'crow'; choose one of: pigeon; set FAIBRIC_BIRD") as info:
        birds.lookup("crow")
    assert isinstance(info.value, InvalidInputError) and info.value.details["choices"] == ["pigeon"]


def test_an_entry_without_a_name_is_refused():
    with pytest.raises(ValueError, match="needs a name"):
        Registry("bird").register(object())


def test_every_extension_point_is_a_registry():
    from faibric_kernel.dashboards.catalog import VIEWS

    for registry in (PROVIDERS, DEPLOYERS, BACKENDS, EMBEDDERS, VIEWS):
        assert isinstance(registry, Registry) and len(registry) >= 2
        with pytest.raises(UnknownNameError):
            registry.lookup("no-such-thing")
