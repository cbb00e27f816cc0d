import pytest

from wsis.reports.compilation import Options, collect, input_hash


def test_it_orders_proposals_by_group_then_organisation(version, entries):
    compilation = collect(version)
    op26 = next(block for block in compilation.blocks if block.label == "OP26")
    names = [item.entry.organisation.name for item in op26.items]
    # Member States first (Brazil, Kenya alphabetically), then the UPU, then civil society.
    assert names == ["Brazil", "Kenya", "Universal Postal Union", "Access Now"]
    assert [g.group.code for g in op26.groups] == ["member_state", "un_system", "civil_society"]


def test_it_labels_a_new_paragraph_bis_after_its_paragraph(version, entries):
    labels = [block.label for block in collect(version).blocks]
    assert labels.index("OP31 bis") == labels.index("OP31") + 1
    assert labels.count("OP31 bis") == 1


def test_it_keeps_every_paragraph_in_document_order(version, entries):
    labels = [block.label for block in collect(version).blocks if not block.is_new]
    assert labels == [p.anchor for p in version.paragraphs.order_by("order")]


def test_by_default_it_compiles_published_entries_only(version, entries):
    texts = [item.entry.text for item in collect(version).items]
    assert "Post offices connect the unconnected." in texts
    for left_out in (
        "Pending comment from Brazil.",
        "Rejected off-topic text.",
        "Hidden spam text.",
        "Unsent draft text.",
    ):
        assert left_out not in texts
    assert not any(item.pending for item in collect(version).items)


def test_it_adds_pending_entries_marked_when_asked_but_never_rejected_or_hidden(version, entries):
    items = collect(version, Options(with_pending=True)).items
    pending = [item.entry.text for item in items if item.pending]
    assert pending == ["Pending comment from Brazil."]
    texts = [item.entry.text for item in items]
    assert "Post offices connect the unconnected." in texts
    assert "Rejected off-topic text." not in texts and "Hidden spam text." not in texts


def test_it_filters_groups_and_sections(version, entries):
    compilation = collect(version, Options(groups=("civil_society",)))
    assert {item.entry.organisation.acronym for item in compilation.items} == {"ACCESS"}
    section = version.paragraphs.get(label="26").section.order
    compilation = collect(version, Options(first_section=section, last_section=section))
    assert {s.order for s in compilation.sections} == {section}
    assert "OP26" in [block.label for block in compilation.blocks]


def test_it_counts_entries_by_group(version, entries):
    counts = {group.code: (orgs, n) for group, orgs, n in collect(version).counts}
    assert counts == {"member_state": (2, 3), "un_system": (1, 1), "civil_society": (1, 1)}
    counts = {
        group.code: (orgs, n)
        for group, orgs, n in collect(version, Options(with_pending=True)).counts
    }
    assert counts["member_state"] == (2, 4)


def test_it_lists_supporters(version, entries):
    upu = next(i for i in collect(version).items if i.entry == entries["upu_26"])
    assert upu.supporters == ["Kenya (Member State)"]


def test_its_input_hash_changes_with_a_decision(version, entries):
    def fingerprint():
        return input_hash("compilation", "pdf", version, Options(), None, "en")

    before = fingerprint()
    assert fingerprint() == before
    entries["kenya_26"].decision = "partial"
    entries["kenya_26"].save()
    assert fingerprint() != before


def test_its_input_hash_tells_a_compilation_with_pending_entries_from_one_without(version, entries):
    def fingerprint(options):
        return input_hash("compilation", "pdf", version, options, None, "en")

    assert fingerprint(Options(with_pending=True)) != fingerprint(Options())
    # Even when there is no pending entry to tell them apart.
    entries["brazil_pending"].moderation = "published"
    entries["brazil_pending"].save()
    assert fingerprint(Options(with_pending=True)) != fingerprint(Options())


def shape(compilation):
    return [
        (
            s.heading,
            s.order,
            s.continued,
            [(b.label, b.anchor, b.is_new) for b in s.blocks],
        )
        for s in compilation.sections
    ]


@pytest.mark.parametrize("options", [Options(), Options(with_pending=True)])
def test_a_light_collection_has_the_same_blocks_and_counts(version, entries, options):
    full, light = collect(version, options), collect(version, options, light=True)
    assert shape(light) == shape(full)
    assert light.counts == full.counts and light.items == []
    assert "OP31 bis" in [block.label for block in light.blocks]


def test_a_part_collects_only_its_paragraphs_and_knows_a_section_began_before(version, entries):
    full = collect(version)
    section = version.paragraphs.get(label="26").section
    first, second = list(section.paragraphs.order_by("order")[:2])
    last = max(b.paragraph.order for b in full.blocks)
    part = collect(version, orders=(second.order, last))
    assert [b.label for b in part.blocks] == [
        b.label for b in full.blocks if b.paragraph.order >= second.order
    ]
    assert {item.entry.pk for item in part.items} == {
        item.entry.pk for item in full.items if item.entry.paragraph.order >= second.order
    }
    assert "OP31 bis" in [b.label for b in part.blocks]
    assert part.sections[0].continued
    assert all(not section.continued for section in part.sections[1:])
    assert not collect(version, orders=(first.order, last)).sections[0].continued
