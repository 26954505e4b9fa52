"""The CRM's state: sales reps, companies, contacts, leads, deals with line items, products and activities.

Open deals move through the stages prospecting -> qualification -> proposal -> negotiation one step at a time
(moving back is allowed) and close as closed_won (from negotiation only) or closed_lost; closed deals stay closed.
A rep may own companies and deals only in the regions of their territory. Deal amounts are in the deal's currency;
once a deal has line items its amount is their sum. Reps' quotas and attainment are in USD.
"""

import random
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
RepId = Annotated[str, Entity("crm_rep"), _ID]
CompanyId = Annotated[str, Entity("crm_company"), _ID]
ContactId = Annotated[str, Entity("crm_contact"), _ID]
LeadId = Annotated[str, Entity("crm_lead"), _ID]
DealId = Annotated[str, Entity("crm_deal"), _ID]
ActivityId = Annotated[str, Entity("crm_activity"), _ID]
ProductId = Annotated[str, Entity("crm_product"), _ID]

Region = Literal["NA-East", "NA-West", "EMEA", "APAC", "LATAM"]
Industry = Literal[
    "software", "healthcare", "manufacturing", "financial_services", "retail", "logistics", "education", "energy"
]
Currency = Literal["USD", "EUR", "GBP"]
RepRole = Literal["account_executive", "senior_account_executive", "sales_manager"]
AccountType = Literal["prospect", "customer", "partner", "churned"]
CompanySize = Literal["small", "mid_market", "enterprise"]
LeadSource = Literal["web_form", "referral", "trade_show", "cold_outreach", "partner", "webinar"]
LeadStatus = Literal["new", "working", "qualified", "disqualified", "converted"]
OpenStage = Literal["prospecting", "qualification", "proposal", "negotiation"]
Stage = Literal["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"]
ActivityType = Literal["call", "email", "meeting", "note"]
ProductFamily = Literal["platform", "add_on", "support", "services"]

OPEN_STAGES: tuple[OpenStage, ...] = ("prospecting", "qualification", "proposal", "negotiation")
STAGE_PROBABILITY: dict[str, int] = {
    "prospecting": 10, "qualification": 20, "proposal": 50, "negotiation": 75, "closed_won": 100, "closed_lost": 0,
}
USD_PER_UNIT: dict[str, float] = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}
"""Fixed exchange rates used to report quota attainment in USD."""
MAX_CLOSE_HORIZON_DAYS = 730


def company_size(employees: int) -> CompanySize:
    """The size band of a company with `employees` staff."""
    if employees < 200:
        return "small"
    return "mid_market" if employees < 2000 else "enterprise"


class SalesRep(BaseModel):
    rep_id: RepId
    name: str
    email: str
    role: RepRole
    territories: list[Region]
    annual_quota_usd: float
    max_discount_pct: float = Field(description="The largest line-item discount this rep may give on their deals.")
    active: bool = Field(description="False while the rep is on leave: they cannot be given new records.")


class Company(BaseModel):
    company_id: CompanyId
    name: str
    domain: str
    industry: Industry
    employee_count: int
    size: CompanySize
    region: Region
    city: str | None
    country: str
    account_type: AccountType
    owner_id: RepId
    created_on: date


class Contact(BaseModel):
    contact_id: ContactId
    company_id: CompanyId
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str
    do_not_contact: bool = Field(description="True: no calls, emails or meetings may be logged with this person.")
    created_on: date


class Lead(BaseModel):
    lead_id: LeadId
    first_name: str
    last_name: str
    email: str
    title: str
    company_name: str
    industry: Industry
    employee_count: int
    region: Region
    country: str
    source: LeadSource
    status: LeadStatus
    score: int = Field(description="Fit and engagement score, 0-100.")
    owner_id: RepId
    created_on: date
    status_reason: str | None = Field(None, description="Why the lead was disqualified.")
    converted_on: date | None = None
    converted_company_id: CompanyId | None = None
    converted_contact_id: ContactId | None = None
    converted_deal_id: DealId | None = None


class LineItem(BaseModel):
    line_number: int
    product_id: ProductId
    quantity: int
    unit_price: float
    discount_pct: float
    total: float


class Deal(BaseModel):
    deal_id: DealId
    name: str
    company_id: CompanyId
    primary_contact_id: ContactId
    owner_id: RepId
    amount: float
    currency: Currency
    stage: Stage
    probability: int = Field(description="Win probability in percent, set by the stage.")
    close_date: date = Field(description="Expected close date while open; the actual one once closed.")
    created_on: date
    stage_changed_on: date
    lost_reason: str | None = None
    source_lead_id: LeadId | None = None
    line_items: list[LineItem] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class Product(BaseModel):
    product_id: ProductId
    name: str
    family: ProductFamily
    unit: str
    prices: dict[Currency, float] = Field(description="List price per unit in each currency.")
    active: bool = Field(description="Retired products cannot be added to deals.")


class Activity(BaseModel):
    activity_id: ActivityId
    type: ActivityType
    subject: str
    notes: str
    occurred_at: datetime
    rep_id: RepId
    company_id: CompanyId | None = None
    contact_id: ContactId | None = None
    deal_id: DealId | None = None
    lead_id: LeadId | None = None


# ----- generation data -----

_REP_PLAN: tuple[tuple[RepRole, tuple[Region, ...], float, float], ...] = (
    ("sales_manager", ("NA-East", "NA-West"), 2_000_000, 25.0),
    ("account_executive", ("NA-East",), 900_000, 10.0),
    ("senior_account_executive", ("NA-East",), 1_200_000, 15.0),
    ("account_executive", ("NA-West",), 900_000, 10.0),
    ("senior_account_executive", ("NA-West",), 1_200_000, 15.0),
    ("sales_manager", ("EMEA",), 1_600_000, 25.0),
    ("account_executive", ("EMEA",), 900_000, 10.0),
    ("senior_account_executive", ("APAC", "LATAM"), 1_100_000, 15.0),
)
_MAY_BE_ON_LEAVE = (1, 3, 6)
"""Indexes in `_REP_PLAN` of reps whose region keeps another rep when they are on leave."""

_PRODUCTS: tuple[tuple[str, ProductFamily, str, float, bool], ...] = (
    ("Core Platform - Standard", "platform", "seat/year", 480, True),
    ("Core Platform - Enterprise", "platform", "seat/year", 900, True),
    ("Analytics Add-on", "add_on", "seat/year", 180, True),
    ("Workflow Automation Add-on", "add_on", "seat/year", 240, True),
    ("API Access Pack", "add_on", "org/year", 6000, True),
    ("Standard Support", "support", "org/year", 4000, True),
    ("Premium Support", "support", "org/year", 12000, True),
    ("Implementation Services", "services", "day", 1800, True),
    ("Training Workshop", "services", "session", 2500, True),
    ("Data Migration", "services", "project", 15000, True),
    ("Legacy Reporting Module", "add_on", "seat/year", 150, False),
    ("Core Platform - Starter (2023)", "platform", "seat/year", 300, False),
)
_UNIT_QUANTITY: dict[str, tuple[int, int]] = {
    "seat/year": (10, 400), "org/year": (1, 1), "day": (5, 40), "session": (1, 4), "project": (1, 1),
}

_PLACES: dict[Region, tuple[tuple[str, str, str], ...]] = {
    "NA-East": (("New York", "US", "+1-212"), ("Boston", "US", "+1-617"), ("Atlanta", "US", "+1-404"),
                ("Toronto", "CA", "+1-416")),
    "NA-West": (("San Francisco", "US", "+1-415"), ("Seattle", "US", "+1-206"), ("Denver", "US", "+1-303"),
                ("Vancouver", "CA", "+1-604")),
    "EMEA": (("London", "GB", "+44-20"), ("Berlin", "DE", "+49-30"), ("Paris", "FR", "+33-1"),
             ("Amsterdam", "NL", "+31-20"), ("Dublin", "IE", "+353-1")),
    "APAC": (("Singapore", "SG", "+65"), ("Sydney", "AU", "+61-2"), ("Tokyo", "JP", "+81-3")),
    "LATAM": (("Sao Paulo", "BR", "+55-11"), ("Mexico City", "MX", "+52-55")),
}
_REGION_WEIGHTS: tuple[tuple[Region, int], ...] = (
    ("NA-East", 30), ("NA-West", 30), ("EMEA", 22), ("APAC", 10), ("LATAM", 8),
)
_STEMS = (
    "Northwind", "Bluepeak", "Ironclad", "Silverline", "Brightwater", "Redwood", "Summit", "Lakeshore", "Granite",
    "Harborview", "Clearpath", "Evergreen", "Keystone", "Meridian", "Oakridge", "Pinecrest", "Quantum", "Riverbend",
    "Stonebridge", "Trailhead", "Vantage", "Westfield", "Zenith", "Amberly", "Beacon", "Cobalt", "Driftwood",
    "Emberline", "Foxglove", "Goldcrest", "Highmark", "Juniper", "Kestrel", "Lumen", "Mariner", "Nimbus", "Orchard",
    "Polaris", "Ravenwood", "Sequoia", "Tidewater", "Upland", "Verity", "Willowbrook", "Yellowstone", "Altura",
    "Boreal", "Cascadia", "Delta Ridge", "Fairhaven", "Glacier", "Horizon", "Ironwood", "Larkspur", "Monarch",
    "Novaterra", "Opal", "Prairie", "Redstone", "Sapphire", "Thornbury", "Crescent", "Halcyon", "Sterling",
    "Bramble", "Copperfield", "Elmstead", "Ridgeway", "Solstice", "Waypoint", "Arcadia", "Briarwood",
)
_SUFFIXES: dict[Industry, tuple[str, ...]] = {
    "software": ("Software", "Labs", "Systems", "Cloud"),
    "healthcare": ("Health", "Medical", "Clinics", "Biotech"),
    "manufacturing": ("Manufacturing", "Industries", "Fabrication", "Components"),
    "financial_services": ("Capital", "Financial", "Insurance", "Bancorp"),
    "retail": ("Retail", "Outfitters", "Markets", "Goods"),
    "logistics": ("Logistics", "Freight", "Shipping", "Transport"),
    "education": ("Learning", "Academy", "Education", "Schools"),
    "energy": ("Energy", "Power", "Solar", "Utilities"),
}
_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Logan",
    "Amelia", "James", "Harper", "Benjamin", "Evelyn", "Elijah", "Abigail", "Daniel", "Grace", "Henry", "Sofia",
    "Jackson", "Chloe", "Samuel", "Priya", "Arjun", "Mei", "Wei", "Carlos", "Lucia", "Mateo", "Fatima", "Omar",
    "Aisha", "Hiroshi", "Yuki", "Dmitri", "Elena", "Kwame", "Amara", "Sean", "Niamh", "Lars", "Ingrid", "Rafael",
    "Camila", "Tomas", "Hana", "Jonas", "Freya", "Marco", "Chiara", "Ravi", "Ananya",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
    "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Patel",
    "Kim", "Chen", "Okafor", "Novak", "Sullivan", "Rossi", "Tanaka", "Haddad", "Kowalski", "Schmidt", "Dubois",
    "Jansen", "Murphy", "Silva", "Costa", "Sato", "Mehta",
)
_TITLES = (
    "VP of Sales", "VP of Operations", "Chief Financial Officer", "Chief Technology Officer", "IT Director",
    "Head of Procurement", "Operations Manager", "Director of Engineering", "Head of Data", "Finance Manager",
    "Chief Operating Officer", "Procurement Specialist", "Project Manager", "Head of Customer Success",
)
_DEAL_PURPOSES = (
    "Platform Rollout", "Expansion", "Renewal", "Analytics Upgrade", "Automation Pilot", "Enterprise Migration",
    "Support Upgrade", "New Division", "Multi-year Agreement", "Proof of Concept",
)
_LOST_REASONS = (
    "Chose a competitor", "No budget this year", "Project put on hold", "Price too high", "No decision made",
)
_DISQUALIFY_REASONS = (
    "No budget", "Student or job seeker", "Too small for our offering", "Competitor researching us",
    "Duplicate of an existing account",
)
_SUBJECTS: dict[ActivityType, tuple[str, ...]] = {
    "call": ("Discovery call", "Pricing follow-up call", "Check-in call", "Intro call", "Technical Q&A call"),
    "email": ("Sent proposal", "Follow-up email", "Shared case study", "Sent pricing sheet", "Meeting recap email"),
    "meeting": ("Product demo", "Quarterly business review", "Contract negotiation", "Onsite workshop",
                "Security review"),
    "note": ("Budget confirmed", "Champion changed roles", "Competitor in the deal", "Legal review pending",
             "Prefers contact via partner"),
}
_OUTCOMES = (
    "", "Positive, next step agreed.", "Needs sign-off from finance.", "Asked for a revised quote.",
    "Left a voicemail.", "Interested in a pilot.",
)


def currency_for(country: str) -> Currency:
    """The currency deals with a company in `country` are made in."""
    if country == "GB":
        return "GBP"
    return "EUR" if country in ("DE", "FR", "NL", "IE") else "USD"


class CrmWorld(World):
    server: ClassVar[str] = "crm"

    reps: dict[str, SalesRep] = Field(default_factory=dict)
    products: dict[str, Product] = Field(default_factory=dict)
    companies: dict[str, Company] = Field(default_factory=dict)
    contacts: dict[str, Contact] = Field(default_factory=dict)
    leads: dict[str, Lead] = Field(default_factory=dict)
    deals: dict[str, Deal] = Field(default_factory=dict)
    activities: dict[str, Activity] = Field(default_factory=dict)

    # ----- bookkeeping used by the tools (line items also by the generator) -----

    @property
    def today(self) -> date:
        return self.now.date()

    def line_item(self, deal: Deal, product: Product, quantity: int, discount_pct: float) -> LineItem:
        """Append a priced line to `deal` and make the deal's amount the sum of its lines; no checks."""
        unit_price = product.prices[deal.currency]
        item = LineItem(
            line_number=len(deal.line_items) + 1,
            product_id=product.product_id,
            quantity=quantity,
            unit_price=unit_price,
            discount_pct=round(discount_pct, 2),
            total=round(unit_price * quantity * (1 - discount_pct / 100), 2),
        )
        deal.line_items.append(item)
        deal.amount = round(sum(line.total for line in deal.line_items), 2)
        return item

    def set_stage(self, deal: Deal, stage: Stage) -> None:
        """Move `deal` to `stage` as of today; closing sets the close date to today and wins the company over."""
        deal.stage = stage
        deal.probability = STAGE_PROBABILITY[stage]
        deal.stage_changed_on = self.today
        if not deal.is_open:
            deal.close_date = self.today
        if stage == "closed_won":
            company = self.companies[deal.company_id]
            if company.account_type in ("prospect", "churned"):
                company.account_type = "customer"

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_reps(rng)
        self._generate_products()
        stems = list(_STEMS)
        rng.shuffle(stems)
        names = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
        rng.shuffle(names)
        self._generate_companies(rng, stems[:40])
        self._generate_contacts(rng, names)
        self._generate_deals(rng)
        self._generate_leads(rng, stems[40:], names[len(self.contacts):])
        self._generate_activities(rng)

    def _days_ago(self, rng: random.Random, low: int, high: int) -> date:
        return self.today - timedelta(days=rng.randint(low, high))

    def _generate_reps(self, rng: random.Random) -> None:
        people = rng.sample([(f, last) for f in _FIRST_NAMES for last in _LAST_NAMES], len(_REP_PLAN))
        on_leave = rng.choice(_MAY_BE_ON_LEAVE)
        for index, ((role, territories, quota, discount), (first, last)) in enumerate(zip(_REP_PLAN, people)):
            rep = SalesRep(
                rep_id=self.next_id("REP", 2),
                name=f"{first} {last}",
                email=f"{first}.{last}@salesco.example".lower(),
                role=role,
                territories=list(territories),
                annual_quota_usd=quota,
                max_discount_pct=discount,
                active=index != on_leave,
            )
            self.reps[rep.rep_id] = rep

    def _generate_products(self) -> None:
        for name, family, unit, usd, active in _PRODUCTS:
            product = Product(
                product_id=self.next_id("PRD", 3),
                name=name,
                family=family,
                unit=unit,
                prices={"USD": float(usd), "EUR": float(round(usd * 0.92)), "GBP": float(round(usd * 0.79))},
                active=active,
            )
            self.products[product.product_id] = product

    def _pick_region(self, rng: random.Random) -> Region:
        regions, weights = zip(*_REGION_WEIGHTS)
        return rng.choices(regions, weights)[0]

    def _owner_for(self, rng: random.Random, region: str) -> str:
        return rng.choice([rep.rep_id for rep in self.reps.values() if region in rep.territories])

    def _generate_companies(self, rng: random.Random, stems: list[str]) -> None:
        industries: list[Industry] = list(_SUFFIXES)
        for stem in stems:
            industry = rng.choice(industries)
            name = f"{stem} {rng.choice(_SUFFIXES[industry])}"
            region = self._pick_region(rng)
            city, country, _ = rng.choice(_PLACES[region])
            employees = rng.choice((rng.randint(20, 199), rng.randint(200, 1999), rng.randint(2000, 40000)))
            roll = rng.random()
            account_type: AccountType = (
                "prospect" if roll < 0.45 else "customer" if roll < 0.85 else "partner" if roll < 0.9 else "churned"
            )
            company = Company(
                company_id=self.next_id("CMP"),
                name=name,
                domain=f"{name.replace(' ', '').lower()}.example",
                industry=industry,
                employee_count=employees,
                size=company_size(employees),
                region=region,
                city=city,
                country=country,
                account_type=account_type,
                owner_id=self._owner_for(rng, region),
                created_on=self._days_ago(rng, 120, 1500),
            )
            self.companies[company.company_id] = company

    def _generate_contacts(self, rng: random.Random, names: list[tuple[str, str]]) -> None:
        companies = list(self.companies.values())
        plan = companies + [rng.choice(companies) for _ in range(120 - len(companies))]
        for company, (first, last) in zip(sorted(plan, key=lambda c: c.company_id), names):
            phone_prefix = next(p for city, country, p in _PLACES[company.region] if country == company.country)
            contact = Contact(
                contact_id=self.next_id("CON"),
                company_id=company.company_id,
                first_name=first,
                last_name=last,
                title=rng.choice(_TITLES),
                email=f"{first}.{last}@{company.domain}".lower(),
                phone=f"{phone_prefix}-555-{rng.randrange(10000):04d}",
                do_not_contact=rng.random() < 0.1,
                created_on=company.created_on + timedelta(days=rng.randint(0, 100)),
            )
            self.contacts[contact.contact_id] = contact

    def _generate_deals(self, rng: random.Random) -> None:
        contacts_of: dict[str, list[str]] = {}
        for contact in self.contacts.values():
            contacts_of.setdefault(contact.company_id, []).append(contact.contact_id)
        candidates = [company for company in self.companies.values() if company.account_type != "churned"]
        stages: list[Stage] = (
            ["prospecting"] * 12 + ["qualification"] * 12 + ["proposal"] * 12 + ["negotiation"] * 10
            + ["closed_won"] * 14 + ["closed_lost"] * 10
        )
        rng.shuffle(stages)
        active_products = [product for product in self.products.values() if product.active]
        for stage in stages:
            company = rng.choice(candidates)
            created = self._days_ago(rng, 20, 300)
            deal = Deal(
                deal_id=self.next_id("DEAL"),
                name=f"{company.name} - {rng.choice(_DEAL_PURPOSES)}",
                company_id=company.company_id,
                primary_contact_id=rng.choice(contacts_of[company.company_id]),
                owner_id=company.owner_id if rng.random() < 0.8 else self._owner_for(rng, company.region),
                amount=0.0,
                currency=currency_for(company.country),
                stage=stage,
                probability=STAGE_PROBABILITY[stage],
                close_date=self.today,
                created_on=created,
                stage_changed_on=created + timedelta(days=rng.randint(0, (self.today - created).days)),
            )
            limit = self.reps[deal.owner_id].max_discount_pct
            for product in rng.sample(active_products, rng.randint(1, 3)):
                low, high = _UNIT_QUANTITY[product.unit]
                discount = rng.choice((0.0, 0.0, 5.0, limit / 2, limit))
                self.line_item(deal, product, rng.randint(low, high), discount)
            if deal.is_open:
                overdue = rng.random() < 0.15
                deal.close_date = self._days_ago(rng, 2, 30) if overdue else self.today + timedelta(rng.randint(5, 150))
            else:
                deal.close_date = deal.stage_changed_on
                if stage == "closed_lost":
                    deal.lost_reason = rng.choice(_LOST_REASONS)
            self.deals[deal.deal_id] = deal
        for deal in self.deals.values():
            company = self.companies[deal.company_id]
            if deal.stage == "closed_won" and company.account_type == "prospect":
                company.account_type = "customer"

    def _generate_leads(self, rng: random.Random, stems: list[str], names: list[tuple[str, str]]) -> None:
        statuses: list[LeadStatus] = (
            ["new"] * 16 + ["working"] * 15 + ["qualified"] * 12 + ["disqualified"] * 10 + ["converted"] * 7
        )
        rng.shuffle(statuses)
        convertible = [deal for deal in self.deals.values() if deal.created_on < self.today - timedelta(days=30)]
        existing = list(self.companies.values())
        industries: list[Industry] = list(_SUFFIXES)
        for index, status in enumerate(statuses):
            if status == "converted":
                deal = convertible.pop(rng.randrange(len(convertible)))
                self._lead_from_deal(rng, deal)
                continue
            if rng.random() < 0.2:
                company = rng.choice(existing)
                company_name, domain, industry = company.name, company.domain, company.industry
                region, country, employees = company.region, company.country, company.employee_count
            else:
                industry = rng.choice(industries)
                company_name = f"{stems[index % len(stems)]} {rng.choice(_SUFFIXES[industry])}"
                domain = f"{company_name.replace(' ', '').lower()}.example"
                region = self._pick_region(rng)
                country = rng.choice(_PLACES[region])[1]
                employees = rng.randint(10, 8000)
            first, last = names[index]
            lead = Lead(
                lead_id=self.next_id("LEAD"),
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@{domain}".lower(),
                title=rng.choice(_TITLES),
                company_name=company_name,
                industry=industry,
                employee_count=employees,
                region=region,
                country=country,
                source=rng.choice(("web_form", "referral", "trade_show", "cold_outreach", "partner", "webinar")),
                status=status,
                score=rng.randint(5, 35) if status == "disqualified" else rng.randint(25, 98),
                owner_id=self._owner_for(rng, region),
                created_on=self._days_ago(rng, 1, 90),
            )
            if status == "disqualified":
                lead.status_reason = rng.choice(_DISQUALIFY_REASONS)
            self.leads[lead.lead_id] = lead

    def _lead_from_deal(self, rng: random.Random, deal: Deal) -> None:
        """A lead that was converted into `deal`: it names the deal's primary contact and company."""
        contact = self.contacts[deal.primary_contact_id]
        company = self.companies[deal.company_id]
        lead = Lead(
            lead_id=self.next_id("LEAD"),
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            title=contact.title,
            company_name=company.name,
            industry=company.industry,
            employee_count=company.employee_count,
            region=company.region,
            country=company.country,
            source=rng.choice(("web_form", "referral", "trade_show", "webinar")),
            status="converted",
            score=rng.randint(60, 98),
            owner_id=deal.owner_id,
            created_on=deal.created_on - timedelta(days=rng.randint(3, 30)),
            converted_on=deal.created_on,
            converted_company_id=company.company_id,
            converted_contact_id=contact.contact_id,
            converted_deal_id=deal.deal_id,
        )
        deal.source_lead_id = lead.lead_id
        self.leads[lead.lead_id] = lead

    def _generate_activities(self, rng: random.Random) -> None:
        planned: list[tuple[datetime, dict[str, str | None]]] = []
        for deal in self.deals.values():
            for _ in range(rng.choice((0, 1, 1, 2))):
                contact = self.contacts[deal.primary_contact_id]
                kind: ActivityType = "note" if contact.do_not_contact else rng.choice(("call", "email", "meeting"))
                planned.append(self._planned_activity(rng, kind, deal.owner_id, deal.company_id, contact, deal, None))
        for lead in self.leads.values():
            if lead.status in ("working", "qualified", "disqualified") and rng.random() < 0.7:
                kind = rng.choice(("call", "email"))
                planned.append(self._planned_activity(rng, kind, lead.owner_id, None, None, None, lead))
        planned.sort(key=lambda pair: pair[0])
        for occurred_at, fields in planned:
            activity = Activity(activity_id=self.next_id("ACT"), occurred_at=occurred_at, **fields)
            self.activities[activity.activity_id] = activity

    def _planned_activity(
        self,
        rng: random.Random,
        kind: ActivityType,
        rep_id: str,
        company_id: str | None,
        contact: Contact | None,
        deal: Deal | None,
        lead: Lead | None,
    ) -> tuple[datetime, dict[str, str | None]]:
        """When and what of an activity at a working hour in the last 60 days (ids are given later, in time order)."""
        moment = datetime.combine(self._days_ago(rng, 1, 60), datetime.min.time(), self.now.tzinfo)
        moment += timedelta(hours=rng.randint(8, 17), minutes=rng.choice((0, 15, 30, 45)))
        subject = rng.choice(_SUBJECTS[kind])
        who = contact.first_name if contact else lead.first_name if lead else ""
        return moment, {
            "type": kind,
            "subject": f"{subject} with {who}" if kind in ("call", "meeting") and who else subject,
            "notes": rng.choice(_OUTCOMES),
            "rep_id": rep_id,
            "company_id": company_id,
            "contact_id": contact.contact_id if contact else None,
            "deal_id": deal.deal_id if deal else None,
            "lead_id": lead.lead_id if lead else None,
        }
