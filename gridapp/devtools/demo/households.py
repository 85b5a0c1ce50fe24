"""The households of the register and their residents, drawn in memory before they are saved.

Mostly elderly, as in Dongluchi: the kinds of household and how often each occurs, the health
notes a visitor must know, the landlords of rented flats. Person categories and household tags
follow from who lives there (one elderly person alone: living alone; only elderly: empty nest).
"""

from dataclasses import dataclass, field

from gridapp.models import (
    Household,
    HouseholdTag,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Sex,
    Tenure,
)

HEALTH_NOTES = (
    "高血压，需按时服药。",
    "糖尿病，每日注射胰岛素。",
    "腿脚不便，行走需拄拐杖。",
    "听力较差，敲门请大声并多等一会儿。",
    "轻度认知障碍，外出需家人陪同。",
    "心脏支架术后，定期到区医院复查。",
    "白内障术后，视力较差。",
    "腰椎间盘突出，不宜搬重物。",
    "冠心病，家中备有速效救心丸。",
    "骨质疏松，曾跌倒骨折，注意防滑。",
)
OXYGEN_NOTE = "慢阻肺，依赖家用制氧机，停电时需关注。"
DISABILITY_NOTES = (
    "中风后遗症，左侧肢体活动不便（肢体残疾三级）。",
    "视力残疾二级，独自外出困难。",
    "听力残疾三级，沟通请写字或面对面慢说。",
)
LANDLORD_ADDRESSES = (
    "萧山区城厢街道育才路{n}号",
    "萧山区北干街道金城花园{n}幢",
    "萧山区宁围街道{n}号",
    "滨江区西兴街道江南星座{n}幢",
    "临浦镇通一路{n}号",
    "上城区钱江新城{n}号",
    "余杭区良渚街道{n}号",
)
# Household kinds of the register and how often each occurs (mostly elderly).
OWNER_KINDS = {
    "alone_elderly": 20,
    "elderly_couple": 36,
    "elderly_with_child": 12,
    "three_generations": 10,
    "middle_aged_family": 10,
    "young_family": 6,
    "single_middle_aged": 3,
}
TENANT_KINDS = {"tenant_single": 4, "tenant_couple": 4, "tenant_family": 2}


def weighted(rng, weights):
    """One key of ``weights`` (key → relative frequency)."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def other_sex(sex):
    return Sex.FEMALE if sex == Sex.MALE else Sex.MALE


@dataclass
class Member:
    """A resident to be, before the household is saved."""

    age: int
    sex: str
    relation: str
    surname: str | None = None
    migrant: bool = False
    categories: set = field(default_factory=set)
    health_notes: str = ""
    name: str = ""


class Households:
    """Builds the households, residents, tags and categories of the register in memory."""

    def __init__(self, people):
        self.people = people
        self.rng = people.rng
        self.medical_equipment_left = 3  # residents besides Ren Aixiang on home oxygen
        self.households = []
        self.residents = []
        self.household_tags = []
        self.resident_categories = []

    def members_for(self, kind):
        """The members of a household of ``kind``, head first."""
        rng = self.rng
        if kind == "alone_elderly":
            sex = Sex.FEMALE if rng.random() < 0.7 else Sex.MALE
            return [Member(rng.randint(68, 95), sex, "户主")]
        if kind == "elderly_couple":
            husband = rng.randint(62, 92)
            wife = max(60, husband - rng.randint(0, 5))
            surname = self.people.surname()
            return [Member(husband, Sex.MALE, "户主", surname), Member(wife, Sex.FEMALE, "配偶")]
        if kind == "elderly_with_child":
            head_sex = Sex.FEMALE if rng.random() < 0.6 else Sex.MALE
            head = Member(rng.randint(70, 93), head_sex, "户主")
            head.surname = self.people.surname()
            members = [head]
            if rng.random() < 0.4:
                members.append(Member(max(62, head.age - rng.randint(-4, 4)), other_sex(head_sex), "配偶"))
            child_sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
            child_surname = head.surname if head_sex == Sex.MALE else None
            members.append(
                Member(
                    head.age - rng.randint(24, 34),
                    child_sex,
                    "儿子" if child_sex == Sex.MALE else "女儿",
                    child_surname,
                )
            )
            return members
        if kind == "three_generations":
            head_age = rng.randint(42, 58)
            surname = self.people.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 4), Sex.FEMALE, "配偶"),
            ]
            grandparent_sex = Sex.FEMALE if rng.random() < 0.65 else Sex.MALE
            members.append(
                Member(
                    min(95, head_age + rng.randint(24, 32)),
                    grandparent_sex,
                    "母亲" if grandparent_sex == Sex.FEMALE else "父亲",
                    None if grandparent_sex == Sex.FEMALE else surname,
                )
            )
            if rng.random() < 0.6:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(
                        max(8, head_age - rng.randint(24, 32)),
                        child_sex,
                        "儿子" if child_sex == Sex.MALE else "女儿",
                        surname,
                    )
                )
            return members
        if kind == "middle_aged_family":
            head_age = rng.randint(45, 62)
            surname = self.people.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 4), Sex.FEMALE, "配偶"),
            ]
            if rng.random() < 0.5:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(
                        head_age - rng.randint(24, 30), child_sex, "儿子" if child_sex == Sex.MALE else "女儿", surname
                    )
                )
            return members
        if kind == "young_family":
            head_age = rng.randint(27, 40)
            surname = self.people.surname()
            members = [
                Member(head_age, Sex.MALE, "户主", surname),
                Member(head_age - rng.randint(0, 3), Sex.FEMALE, "配偶"),
            ]
            if rng.random() < 0.7:
                child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    Member(rng.randint(1, 12), child_sex, "儿子" if child_sex == Sex.MALE else "女儿", surname)
                )
            return members
        if kind == "single_middle_aged":
            return [Member(rng.randint(40, 59), rng.choice((Sex.MALE, Sex.FEMALE)), "户主")]
        # Tenants: working-age people from other provinces.
        head_sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        head = Member(rng.randint(22, 55), head_sex, "户主", self.people.surname(migrant=True), migrant=True)
        members = [head]
        if kind in ("tenant_couple", "tenant_family"):
            members.append(Member(max(20, head.age - rng.randint(-3, 4)), other_sex(head_sex), "配偶", migrant=True))
        if kind == "tenant_family":
            child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
            members.append(
                Member(
                    rng.randint(3, 14),
                    child_sex,
                    "儿子" if child_sex == Sex.MALE else "女儿",
                    head.surname if head_sex == Sex.MALE else None,
                    migrant=True,
                )
            )
        for member in members:
            member.categories.add(PersonCategory.TENANT)
        return members

    def add_household(self, grid, *, building=None, unit="", room="", address="", rented=False, members=None, **extra):
        """Add one household with its residents, person categories and household tags."""
        rng = self.rng
        if members is None:
            members = self.members_for(weighted(self.rng, TENANT_KINDS if rented else OWNER_KINDS))
        household = Household(grid=grid, building=building, unit=unit, room=room, address=address, **extra)
        if building is not None:
            household.address = household.compose_address()
        tags = set()
        everyone_elderly = all(m.age >= 60 for m in members)
        if not rented and everyone_elderly and len(members) == 1:
            tags.add(HouseholdTag.LIVING_ALONE)
            members[0].categories.add(PersonCategory.ELDERLY_ALONE)
        elif not rented and everyone_elderly:
            tags.add(HouseholdTag.EMPTY_NEST)
            for member in members:
                member.categories.add(PersonCategory.EMPTY_NEST)
        for member in members:
            if member.name:  # the stories' people keep exactly the categories they are given
                continue
            self.give_health(member, tags)
            if member.age >= 30 and not member.migrant and rng.random() < 0.05:
                member.categories.add(PersonCategory.PARTY_MEMBER)
            if member.sex == Sex.MALE and member.age >= 60 and rng.random() < 0.04:
                member.categories.add(PersonCategory.VETERAN)
        if everyone_elderly and not rented and not members[0].name and rng.random() < 0.05:
            tags.add(HouseholdTag.LOW_INCOME)
            members[0].categories.add(PersonCategory.LOW_INCOME)
        if HouseholdTag.LIVING_ALONE in tags and members[0].age >= 80:
            tags.add(HouseholdTag.KEY_CARE)
        if any(PersonCategory.MEDICAL_EQUIPMENT in m.categories for m in members):
            tags.add(HouseholdTag.KEY_CARE)
        if rented:
            household.tenure = Tenure.RENTED
            if not household.landlord_name:
                household.landlord_name = self.people.person_name(
                    rng.choice((Sex.MALE, Sex.FEMALE)), rng.randint(45, 75), surname=self.people.surname()
                )
                household.landlord_phone = self.people.mobile()
                household.landlord_address = rng.choice(LANDLORD_ADDRESSES).format(n=rng.randint(1, 188))

        residents = self.add_residents(household, members)
        if not household.phone:
            with_mobile = [r.mobile for r in residents if r.mobile]
            if with_mobile and (not everyone_elderly or rng.random() < 0.35):
                household.phone = with_mobile[0]
            else:
                household.phone = self.people.landline()
        household.head_name = residents[0].name
        self.households.append(household)
        self.household_tags.extend(HouseholdTagLink(household=household, tag=tag) for tag in sorted(tags))
        return household, residents

    def give_health(self, member, tags):
        rng = self.rng
        if member.health_notes:
            return
        if member.age >= 55 and rng.random() < 0.03:
            member.health_notes = rng.choice(DISABILITY_NOTES)
            member.categories.add(PersonCategory.DISABLED)
            tags.add(HouseholdTag.DISABILITY)
        elif member.age >= 70 and self.medical_equipment_left and rng.random() < 0.02:
            self.medical_equipment_left -= 1
            member.health_notes = OXYGEN_NOTE
            member.categories.add(PersonCategory.MEDICAL_EQUIPMENT)
        elif member.age >= 65 and rng.random() < 0.35:
            member.health_notes = rng.choice(HEALTH_NOTES)

    def add_residents(self, household, members):
        rng = self.rng
        residents = []
        head_surname = members[0].surname or self.people.surname(members[0].migrant)
        members[0].surname = head_surname
        # One emergency contact per elderly household: usually a son or daughter living elsewhere.
        contact = None
        if all(m.age >= 60 for m in members) or any(m.age >= 75 for m in members):
            oldest = max(m.age for m in members)
            roll = rng.random()
            if roll < 0.5:
                contact = (self.people.person_name(Sex.MALE, oldest - 28, head_surname), "儿子")
            elif roll < 0.9:
                contact = (self.people.person_name(Sex.FEMALE, oldest - 28, head_surname), "女儿")
            else:
                contact = (self.people.person_name(Sex.MALE, rng.randint(40, 60)), rng.choice(("侄子", "邻居")))
            contact = (*contact, self.people.mobile())
        for index, member in enumerate(members):
            name = member.name or self.people.person_name(member.sex, member.age, member.surname, member.migrant)
            date_of_birth = self.people.date_of_birth(member.age)
            has_mobile = member.age >= 14 and (
                member.migrant or rng.random() < (0.95 if member.age < 75 else 0.6 if member.age < 86 else 0.3)
            )
            resident = Resident(
                household=household,
                name=name,
                sex=member.sex,
                date_of_birth=date_of_birth,
                id_number=self.people.id_number(date_of_birth, member.sex, member.migrant),
                mobile=self.people.mobile() if has_mobile else "",
                is_head=index == 0,
                relation_to_head=member.relation,
                health_notes=member.health_notes,
            )
            if contact and member.age >= 60:
                (
                    resident.emergency_contact_name,
                    resident.emergency_contact_relation,
                    resident.emergency_contact_phone,
                ) = contact
            residents.append(resident)
            self.resident_categories.extend(
                ResidentCategoryLink(resident=resident, category=category) for category in sorted(member.categories)
            )
        self.residents.extend(residents)
        return residents
