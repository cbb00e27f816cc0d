"""Negotiating groups speak for their members in the rolling text (issue #17, part 1)."""

import pytest

from tests.comments.test_rolling import block, first_words, rolling
from wsis.comments.models import Support

pytestmark = pytest.mark.django_db


def postal(version):
    words = first_words(version)
    return lambda text: text.replace(words, f"{words} postal", 1)


def test_a_group_and_its_member_proposing_the_same_change_show_as_the_group(
    version, propose, g77, org_a, org_b, capsys
):
    propose(g77, edit=postal(version))
    propose(org_a, edit=postal(version))
    propose(org_b, edit=postal(version))
    assert "[postal – G77, UPU]" in block(rolling(capsys), "OP 26")


def test_a_member_supporting_its_groups_proposal_is_spoken_for(
    version, propose, g77, org_a, delegate_a, capsys
):
    entry = propose(g77, edit=postal(version))
    Support.objects.create(entry=entry, organisation=org_a, user=delegate_a.user)
    assert "[postal – G77]" in block(rolling(capsys), "OP 26")


def test_a_member_proposing_alone_keeps_its_own_acronym(version, propose, g77, org_a, capsys):
    propose(org_a, edit=postal(version))
    assert "[postal – KEN]" in block(rolling(capsys), "OP 26")


def test_an_organisation_outside_the_group_is_not_spoken_for(version, propose, g77, japan, capsys):
    propose(g77, edit=postal(version))
    propose(japan, edit=postal(version))
    assert "[postal – G77, JPN]" in block(rolling(capsys), "OP 26")
