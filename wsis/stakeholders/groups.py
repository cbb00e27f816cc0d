"""The seven stakeholder groups of UN multistakeholder processes, Member States first."""

GROUPS = [
    ("member_state", "Member State"),
    ("observer_state", "Observer State"),
    ("un_system", "UN system and intergovernmental organisation"),
    ("private_sector", "Private sector"),
    ("civil_society", "Civil society"),
    ("technical", "Technical community"),
    ("academic", "Academic community"),
]


def ensure_groups(StakeholderGroup):
    """Create or update the groups; takes the model so a migration can pass its frozen one."""
    for order, (code, name) in enumerate(GROUPS, start=1):
        StakeholderGroup.objects.update_or_create(
            code=code, defaults={"name": name, "order": order}
        )
