"""CRM tools: find companies, contacts, leads, deals, reps and products; qualify and convert leads; create deals,
move them through the pipeline, price them with line items; reassign account owners and log sales activities."""

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Name, ServerDef, ShortText, ToolError, require
from mcp_servers.crm.world import (
    MAX_CLOSE_HORIZON_DAYS,
    OPEN_STAGES,
    STAGE_PROBABILITY,
    USD_PER_UNIT,
    AccountType,
    Activity,
    ActivityType,
    Company,
    CompanyId,
    Contact,
    ContactId,
    CrmWorld,
    Currency,
    Deal,
    DealId,
    Industry,
    Lead,
    LeadId,
    LeadSource,
    LeadStatus,
    LineItem,
    Product,
    ProductFamily,
    ProductId,
    Region,
    RepId,
    SalesRep,
    Stage,
    company_size,
    currency_for,
)

server = ServerDef(
    "crm",
    CrmWorld,
    group="crm",
    description=(
        "B2B sales CRM: companies and their contacts, leads to qualify and convert, a deal pipeline with ordered "
        "stages and priced line items, sales reps with territories, quotas and discount limits, and logged calls, "
        "emails, meetings and notes."
    ),
)

IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Query = Annotated[str, Field(max_length=120)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
Phone = Annotated[str, Field(max_length=40)]
Title = Annotated[str, Field(max_length=120)]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
DiscountPct = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
DealAmount = Annotated[float, Field(gt=0, le=100_000_000, allow_inf_nan=False)]
Score = Annotated[int, Field(ge=0, le=100)]

_FIND_COMPANY = "Use search_crm_companies to find the company id."
_FIND_CONTACT = "Use search_crm_contacts to find the contact id."
_FIND_LEAD = "Use list_crm_leads to find the lead id."
_FIND_DEAL = "Use list_deals_by_stage to find the deal id."
_FIND_REP = "Use list_crm_reps to see the sales reps."
_FIND_PRODUCT = "Use list_crm_products to see the price book."


# ----- result models -----


class CompanySummary(Company):
    owner_name: str
    contact_count: int
    open_deal_count: int


class CompanyList(BaseModel):
    companies: list[CompanySummary]
    total_matched: int


class DealSummary(BaseModel):
    deal_id: DealId
    name: str
    company_id: CompanyId
    company_name: str
    primary_contact_id: ContactId
    owner_id: RepId
    owner_name: str
    amount: float
    currency: Currency
    stage: Stage
    probability: int
    close_date: date
    overdue: bool = Field(description="True for an open deal whose expected close date has passed.")


class CompanyDetails(BaseModel):
    company: Company
    owner: SalesRep
    contacts: list[Contact]
    deals: list[DealSummary]


class ContactView(Contact):
    company_name: str


class ContactList(BaseModel):
    contacts: list[ContactView]
    total_matched: int


class LeadList(BaseModel):
    leads: list[Lead]
    total_matched: int


class DealList(BaseModel):
    deals: list[DealSummary]
    total_matched: int
    total_amount_usd: float = Field(description="Sum of the matched deals' amounts, converted to USD.")
    weighted_amount_usd: float = Field(description="Sum of amount times probability, converted to USD.")


class DealDetails(BaseModel):
    deal: Deal
    company_name: str
    primary_contact: Contact
    owner: SalesRep
    next_stages: list[Stage] = Field(description="The stages this deal may move to now.")
    activities: list[Activity]


class ActivityList(BaseModel):
    activities: list[Activity]
    total_matched: int


class RepView(SalesRep):
    won_this_year_usd: float
    quota_attainment_pct: float
    open_pipeline_usd: float
    company_count: int


class RepList(BaseModel):
    reps: list[RepView]


class ProductList(BaseModel):
    products: list[Product]


class LeadConversion(BaseModel):
    lead: Lead
    company_id: CompanyId
    contact_id: ContactId
    deal: Deal
    created_company: bool
    created_contact: bool


class LineItemResult(BaseModel):
    deal: Deal
    line_item: LineItem


class OwnerAssignment(BaseModel):
    company: Company
    previous_owner_id: RepId
    reassigned_deal_ids: list[DealId]


# ----- lookups and checks shared by the tools -----


def _company(world: CrmWorld, company_id: str) -> Company:
    return require(world.companies, company_id, "company", _FIND_COMPANY)


def _contact(world: CrmWorld, contact_id: str) -> Contact:
    return require(world.contacts, contact_id, "contact", _FIND_CONTACT)


def _lead(world: CrmWorld, lead_id: str) -> Lead:
    return require(world.leads, lead_id, "lead", _FIND_LEAD)


def _deal(world: CrmWorld, deal_id: str) -> Deal:
    return require(world.deals, deal_id, "deal", _FIND_DEAL)


def _rep(world: CrmWorld, rep_id: str) -> SalesRep:
    return require(world.reps, rep_id, "sales rep", _FIND_REP)


def _usd(amount: float, currency: str) -> float:
    return amount * USD_PER_UNIT[currency]


def _close_date(world: CrmWorld, text: str) -> date:
    """A close date for an open deal: a real date from today up to two years ahead."""
    try:
        when = date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"{text} is not a calendar date; use YYYY-MM-DD.") from None
    if when < world.today:
        raise ToolError(
            f"The close date {when} is in the past; an open deal needs a close date on or after today ({world.today})."
        )
    if when > world.today + timedelta(days=MAX_CLOSE_HORIZON_DAYS):
        raise ToolError(f"The close date {when} is more than two years away; pick a date before "
                        f"{world.today + timedelta(days=MAX_CLOSE_HORIZON_DAYS)}.")
    return when


def _check_owner(rep: SalesRep, region: str) -> None:
    """`rep` may be given a record in `region`: active, and the region is in their territory."""
    if not rep.active:
        raise ToolError(
            f"Sales rep {rep.rep_id} ({rep.name}) is on leave and cannot be given new records; choose an active rep "
            "(see list_crm_reps)."
        )
    if region not in rep.territories:
        raise ToolError(
            f"Sales rep {rep.rep_id} ({rep.name}) covers {', '.join(rep.territories)}, not {region}. "
            "Use list_crm_reps with that region to find a rep who covers it."
        )


def _check_open(deal: Deal, action: str) -> None:
    if not deal.is_open:
        raise ToolError(
            f"Deal {deal.deal_id} is {deal.stage} (closed on {deal.close_date}); {action}. Closed deals cannot be "
            "reopened: create a new deal with create_crm_deal."
        )


def _email_owner(world: CrmWorld, email: str) -> Contact | None:
    needle = email.lower()
    return next((contact for contact in world.contacts.values() if contact.email == needle), None)


def _next_stages(deal: Deal) -> list[Stage]:
    """Where an open deal may go: any earlier open stage, the next one, closed_lost, and closed_won from negotiation."""
    if not deal.is_open:
        return []
    index = OPEN_STAGES.index(deal.stage)  # type: ignore[arg-type]
    allowed: list[Stage] = [stage for stage in OPEN_STAGES[: index + 2] if stage != deal.stage]
    if deal.stage == "negotiation":
        allowed.append("closed_won")
    allowed.append("closed_lost")
    return allowed


def _summary(world: CrmWorld, deal: Deal) -> DealSummary:
    return DealSummary(
        deal_id=deal.deal_id,
        name=deal.name,
        company_id=deal.company_id,
        company_name=world.companies[deal.company_id].name,
        primary_contact_id=deal.primary_contact_id,
        owner_id=deal.owner_id,
        owner_name=world.reps[deal.owner_id].name,
        amount=deal.amount,
        currency=deal.currency,
        stage=deal.stage,
        probability=deal.probability,
        close_date=deal.close_date,
        overdue=deal.is_open and deal.close_date < world.today,
    )


def _new_activity(
    world: CrmWorld, kind: ActivityType, subject: str, notes: str, rep_id: str, **links: str | None
) -> Activity:
    activity = Activity(
        activity_id=world.next_id("ACT"),
        type=kind,
        subject=subject,
        notes=notes,
        occurred_at=world.now,
        rep_id=rep_id,
        **links,
    )
    world.activities[activity.activity_id] = activity
    return activity


# ----- discovery -----


@server.read
def search_crm_companies(
    world: CrmWorld,
    query: Query = "",
    industry: Industry | None = None,
    region: Region | None = None,
    account_type: AccountType | None = None,
    owner_id: RepId | None = None,
    limit: Count = 20,
) -> CompanyList:
    """Find companies (accounts) by name, web domain or city, with optional filters.

    Matching is case-insensitive and by substring; an empty query lists every company that passes the filters.

    Args:
        query: Part of the company's name, domain or city; empty for all.
        industry: Only companies in this industry.
        region: Only companies in this sales region.
        account_type: Only prospects, customers, partners or churned customers.
        owner_id: Only companies owned by this sales rep.
        limit: Most companies to return.
    """
    needle = query.strip().lower()
    contacts: dict[str, int] = {}
    for contact in world.contacts.values():
        contacts[contact.company_id] = contacts.get(contact.company_id, 0) + 1
    open_deals: dict[str, int] = {}
    for deal in world.deals.values():
        if deal.is_open:
            open_deals[deal.company_id] = open_deals.get(deal.company_id, 0) + 1
    matches = [
        company
        for company in world.companies.values()
        if (needle in company.name.lower() or needle in company.domain or needle in (company.city or "").lower())
        and industry in (None, company.industry)
        and region in (None, company.region)
        and account_type in (None, company.account_type)
        and owner_id in (None, company.owner_id)
    ]
    summaries = [
        CompanySummary(
            **company.model_dump(),
            owner_name=world.reps[company.owner_id].name,
            contact_count=contacts.get(company.company_id, 0),
            open_deal_count=open_deals.get(company.company_id, 0),
        )
        for company in matches[:limit]
    ]
    return CompanyList(companies=summaries, total_matched=len(matches))


@server.read
def get_crm_company(world: CrmWorld, company_id: CompanyId) -> CompanyDetails:
    """Show one company with its owner, all its contacts and all its deals (open and closed).

    Args:
        company_id: The company to show.
    """
    company = _company(world, company_id)
    deals = [deal for deal in world.deals.values() if deal.company_id == company_id]
    deals.sort(key=lambda deal: (not deal.is_open, deal.close_date, deal.deal_id))
    return CompanyDetails(
        company=company,
        owner=world.reps[company.owner_id],
        contacts=[contact for contact in world.contacts.values() if contact.company_id == company_id],
        deals=[_summary(world, deal) for deal in deals],
    )


@server.read
def search_crm_contacts(
    world: CrmWorld,
    query: Query = "",
    company_id: CompanyId | None = None,
    include_do_not_contact: bool = True,
    limit: Count = 20,
) -> ContactList:
    """Find contacts (people at companies) by name, email, job title or phone number.

    Matching is case-insensitive and by substring; phone numbers match on their digits. Each contact shows whether
    it is marked do-not-contact.

    Args:
        query: Part of the contact's full name, email, title or phone number; empty for all.
        company_id: Only contacts at this company.
        include_do_not_contact: False to leave out contacts marked do-not-contact.
        limit: Most contacts to return.
    """
    if company_id is not None:
        _company(world, company_id)
    needle = query.strip().lower()
    digits = "".join(ch for ch in query if ch.isdigit())
    matches = [
        contact
        for contact in world.contacts.values()
        if company_id in (None, contact.company_id)
        and (include_do_not_contact or not contact.do_not_contact)
        and (
            needle in f"{contact.first_name} {contact.last_name}".lower()
            or needle in contact.email
            or needle in contact.title.lower()
            or (len(digits) >= 4 and digits in "".join(ch for ch in contact.phone if ch.isdigit()))
        )
    ]
    views = [
        ContactView(**contact.model_dump(), company_name=world.companies[contact.company_id].name)
        for contact in matches[:limit]
    ]
    return ContactList(contacts=views, total_matched=len(matches))


@server.read
def list_crm_leads(
    world: CrmWorld,
    status: LeadStatus | None = None,
    source: LeadSource | None = None,
    owner_id: RepId | None = None,
    region: Region | None = None,
    min_score: Score = 0,
    query: Query = "",
    limit: Count = 20,
) -> LeadList:
    """List leads, highest score first, with optional filters.

    Args:
        status: Only leads in this status (new, working, qualified, disqualified, converted).
        source: Only leads from this source.
        owner_id: Only leads owned by this sales rep.
        region: Only leads in this sales region.
        min_score: Only leads scoring at least this (0-100).
        query: Part of the lead's name, email or company name; empty for all.
        limit: Most leads to return.
    """
    needle = query.strip().lower()
    matches = [
        lead
        for lead in world.leads.values()
        if status in (None, lead.status)
        and source in (None, lead.source)
        and owner_id in (None, lead.owner_id)
        and region in (None, lead.region)
        and lead.score >= min_score
        and (
            needle in f"{lead.first_name} {lead.last_name}".lower()
            or needle in lead.email
            or needle in lead.company_name.lower()
        )
    ]
    matches.sort(key=lambda lead: (-lead.score, lead.lead_id))
    return LeadList(leads=matches[:limit], total_matched=len(matches))


@server.read
def list_deals_by_stage(
    world: CrmWorld,
    stage: Stage | Literal["open", "any"] = "open",
    owner_id: RepId | None = None,
    company_id: CompanyId | None = None,
    region: Region | None = None,
    overdue_only: bool = False,
    closing_within_days: Annotated[int, Field(ge=1, le=730)] | None = None,
    limit: Count = 50,
) -> DealList:
    """List deals in a pipeline stage, soonest close date first, with pipeline totals in USD.

    Args:
        stage: A single stage, "open" for every stage before closing, or "any" for all deals.
        owner_id: Only deals owned by this sales rep.
        company_id: Only deals with this company.
        region: Only deals with companies in this sales region.
        overdue_only: Only open deals whose expected close date has already passed.
        closing_within_days: Only deals whose close date is at most this many days from today (past dates included).
        limit: Most deals to return.
    """
    horizon = world.today + timedelta(days=closing_within_days) if closing_within_days is not None else None
    matches = [
        deal
        for deal in world.deals.values()
        if (stage == "any" or deal.stage == stage or (stage == "open" and deal.is_open))
        and owner_id in (None, deal.owner_id)
        and company_id in (None, deal.company_id)
        and region in (None, world.companies[deal.company_id].region)
        and (not overdue_only or (deal.is_open and deal.close_date < world.today))
        and (horizon is None or deal.close_date <= horizon)
    ]
    matches.sort(key=lambda deal: (deal.close_date, deal.deal_id))
    total = sum(_usd(deal.amount, deal.currency) for deal in matches)
    weighted = sum(_usd(deal.amount, deal.currency) * deal.probability / 100 for deal in matches)
    return DealList(
        deals=[_summary(world, deal) for deal in matches[:limit]],
        total_matched=len(matches),
        total_amount_usd=round(total, 2),
        weighted_amount_usd=round(weighted, 2),
    )


@server.read
def get_crm_deal(world: CrmWorld, deal_id: DealId) -> DealDetails:
    """Show one deal in full: line items, primary contact, owner, the stages it may move to, and its activities.

    Args:
        deal_id: The deal to show.
    """
    deal = _deal(world, deal_id)
    activities = [activity for activity in world.activities.values() if activity.deal_id == deal_id]
    activities.sort(key=lambda activity: (activity.occurred_at, activity.activity_id), reverse=True)
    return DealDetails(
        deal=deal,
        company_name=world.companies[deal.company_id].name,
        primary_contact=world.contacts[deal.primary_contact_id],
        owner=world.reps[deal.owner_id],
        next_stages=_next_stages(deal),
        activities=activities,
    )


@server.read
def list_crm_activities(
    world: CrmWorld,
    company_id: CompanyId | None = None,
    contact_id: ContactId | None = None,
    deal_id: DealId | None = None,
    lead_id: LeadId | None = None,
    rep_id: RepId | None = None,
    activity_type: ActivityType | None = None,
    days: Annotated[int, Field(ge=1, le=365)] = 90,
    limit: Count = 50,
) -> ActivityList:
    """List logged calls, emails, meetings and notes, newest first.

    A company's activities include those logged on its deals and contacts.

    Args:
        company_id: Only activities about this company, its contacts or its deals.
        contact_id: Only activities with this contact.
        deal_id: Only activities on this deal.
        lead_id: Only activities on this lead.
        rep_id: Only activities logged by this sales rep.
        activity_type: Only calls, emails, meetings or notes.
        days: Only activities from the last this many days.
        limit: Most activities to return.
    """
    since = world.now - timedelta(days=days)
    matches = [
        activity
        for activity in world.activities.values()
        if activity.occurred_at >= since
        and company_id in (None, activity.company_id)
        and contact_id in (None, activity.contact_id)
        and deal_id in (None, activity.deal_id)
        and lead_id in (None, activity.lead_id)
        and rep_id in (None, activity.rep_id)
        and activity_type in (None, activity.type)
    ]
    matches.sort(key=lambda activity: (activity.occurred_at, activity.activity_id), reverse=True)
    return ActivityList(activities=matches[:limit], total_matched=len(matches))


@server.read
def list_crm_reps(world: CrmWorld, region: Region | None = None, include_on_leave: bool = True) -> RepList:
    """List sales reps with their territories, discount limits, quotas and attainment this calendar year (USD).

    Args:
        region: Only reps whose territory covers this region.
        include_on_leave: False to leave out reps who are on leave.
    """
    won: dict[str, float] = {}
    pipeline: dict[str, float] = {}
    for deal in world.deals.values():
        if deal.stage == "closed_won" and deal.close_date.year == world.today.year:
            won[deal.owner_id] = won.get(deal.owner_id, 0.0) + _usd(deal.amount, deal.currency)
        elif deal.is_open:
            pipeline[deal.owner_id] = pipeline.get(deal.owner_id, 0.0) + _usd(deal.amount, deal.currency)
    companies: dict[str, int] = {}
    for company in world.companies.values():
        companies[company.owner_id] = companies.get(company.owner_id, 0) + 1
    reps = [
        RepView(
            **rep.model_dump(),
            won_this_year_usd=round(won.get(rep.rep_id, 0.0), 2),
            quota_attainment_pct=round(100 * won.get(rep.rep_id, 0.0) / rep.annual_quota_usd, 1),
            open_pipeline_usd=round(pipeline.get(rep.rep_id, 0.0), 2),
            company_count=companies.get(rep.rep_id, 0),
        )
        for rep in world.reps.values()
        if region in (None, *rep.territories) and (include_on_leave or rep.active)
    ]
    return RepList(reps=reps)


@server.read
def list_crm_products(
    world: CrmWorld, family: ProductFamily | None = None, include_retired: bool = False
) -> ProductList:
    """List the price book: products that can be added to deals, with list prices per currency.

    Args:
        family: Only products of this family.
        include_retired: Also list retired products, which can no longer be sold.
    """
    products = [
        product
        for product in world.products.values()
        if family in (None, product.family) and (include_retired or product.active)
    ]
    return ProductList(products=products)


# ----- contacts and leads -----


@server.write
def create_crm_contact(
    world: CrmWorld,
    company_id: CompanyId,
    first_name: Name,
    last_name: Name,
    email: Email,
    title: Title = "",
    phone: Phone = "",
) -> Contact:
    """Add a contact (a person) at a company. Email addresses are unique across all contacts.

    Args:
        company_id: The company the person works at.
        first_name: The person's first name.
        last_name: The person's last name.
        email: The person's work email address.
        title: The person's job title.
        phone: The person's phone number.
    """
    company = _company(world, company_id)
    existing = _email_owner(world, email)
    if existing is not None:
        raise ToolError(
            f"A contact with email {existing.email} already exists: {existing.contact_id} "
            f"({existing.first_name} {existing.last_name}, {world.companies[existing.company_id].name})."
        )
    contact = Contact(
        contact_id=world.next_id("CON"),
        company_id=company.company_id,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        title=title.strip(),
        email=email.lower(),
        phone=phone.strip(),
        do_not_contact=False,
        created_on=world.today,
    )
    world.contacts[contact.contact_id] = contact
    return contact


@server.write
def update_lead_status(
    world: CrmWorld,
    lead_id: LeadId,
    status: Literal["working", "qualified", "disqualified"],
    reason: ShortText = "",
) -> Lead:
    """Move a lead to working, qualified or disqualified.

    A disqualified lead must be reopened as working before it can be qualified; converted leads cannot change.

    Args:
        lead_id: The lead to update.
        status: The new status.
        reason: Why the lead is disqualified (required when disqualifying).
    """
    lead = _lead(world, lead_id)
    if lead.status == "converted":
        raise ToolError(f"Lead {lead_id} was converted on {lead.converted_on} into deal {lead.converted_deal_id}; "
                        "its status can no longer change.")
    if lead.status == status:
        raise ToolError(f"Lead {lead_id} is already {status}.")
    if lead.status == "disqualified" and status == "qualified":
        raise ToolError(f"Lead {lead_id} is disqualified ({lead.status_reason}); reopen it as working first.")
    if status == "disqualified" and not reason.strip():
        raise ToolError("Give a reason to disqualify the lead.")
    lead.status = status
    lead.status_reason = reason.strip() if status == "disqualified" else None
    return lead


def _conversion_company(world: CrmWorld, lead: Lead, company_id: str | None) -> Company | None:
    """The existing company a lead converts into: the one given, else one with the lead's company name."""
    if company_id is not None:
        return _company(world, company_id)
    name = lead.company_name.lower()
    return next((company for company in world.companies.values() if company.name.lower() == name), None)


@server.write
def convert_lead_to_deal(
    world: CrmWorld,
    lead_id: LeadId,
    deal_name: Name,
    amount: DealAmount,
    close_date: IsoDate,
    company_id: CompanyId | None = None,
    owner_id: RepId | None = None,
) -> LeadConversion:
    """Convert a qualified lead into a company, a contact and a new deal in the prospecting stage.

    The lead's company is matched by exact name (or given as company_id) and created when it does not exist yet; the
    lead's person becomes a contact there unless a contact with the same email already exists at that company. The
    deal is in the company's currency (GBP for UK, EUR for euro countries, else USD).

    Args:
        lead_id: The qualified lead to convert.
        deal_name: A name for the new deal.
        amount: The deal's estimated amount, in the deal's currency.
        close_date: The expected close date, YYYY-MM-DD, today or later.
        company_id: An existing company to convert into instead of matching by name.
        owner_id: The rep to own the deal (and a new company); defaults to the lead's owner.
    """
    lead = _lead(world, lead_id)
    if lead.status == "converted":
        raise ToolError(f"Lead {lead_id} was already converted on {lead.converted_on} into deal "
                        f"{lead.converted_deal_id}.")
    if lead.status == "disqualified":
        raise ToolError(f"Lead {lead_id} is disqualified ({lead.status_reason}); a disqualified lead cannot be "
                        "converted. Reopen it as working and qualify it first.")
    if lead.status != "qualified":
        raise ToolError(f"Lead {lead_id} is {lead.status}; qualify it with update_lead_status before converting.")
    when = _close_date(world, close_date)
    company = _conversion_company(world, lead, company_id)
    rep = _rep(world, owner_id if owner_id is not None else lead.owner_id)
    region = company.region if company is not None else lead.region
    _check_owner(rep, region)
    contact = _email_owner(world, lead.email)
    if contact is not None and (company is None or contact.company_id != company.company_id):
        holder = world.companies[contact.company_id]
        raise ToolError(
            f"The lead's email {lead.email} already belongs to contact {contact.contact_id} at {holder.name} "
            f"({holder.company_id}); pass company_id={holder.company_id} to convert into that company."
        )
    created_company = company is None
    if company is None:
        company = Company(
            company_id=world.next_id("CMP"),
            name=lead.company_name,
            domain=lead.email.rsplit("@", 1)[1],
            industry=lead.industry,
            employee_count=lead.employee_count,
            size=company_size(lead.employee_count),
            region=lead.region,
            city=None,
            country=lead.country,
            account_type="prospect",
            owner_id=rep.rep_id,
            created_on=world.today,
        )
        world.companies[company.company_id] = company
    created_contact = contact is None
    if contact is None:
        contact = Contact(
            contact_id=world.next_id("CON"),
            company_id=company.company_id,
            first_name=lead.first_name,
            last_name=lead.last_name,
            title=lead.title,
            email=lead.email,
            phone="",
            do_not_contact=False,
            created_on=world.today,
        )
        world.contacts[contact.contact_id] = contact
    deal = Deal(
        deal_id=world.next_id("DEAL"),
        name=deal_name.strip(),
        company_id=company.company_id,
        primary_contact_id=contact.contact_id,
        owner_id=rep.rep_id,
        amount=round(amount, 2),
        currency=currency_for(company.country),
        stage="prospecting",
        probability=STAGE_PROBABILITY["prospecting"],
        close_date=when,
        created_on=world.today,
        stage_changed_on=world.today,
        source_lead_id=lead.lead_id,
    )
    world.deals[deal.deal_id] = deal
    lead.status = "converted"
    lead.converted_on = world.today
    lead.converted_company_id = company.company_id
    lead.converted_contact_id = contact.contact_id
    lead.converted_deal_id = deal.deal_id
    return LeadConversion(
        lead=lead,
        company_id=company.company_id,
        contact_id=contact.contact_id,
        deal=deal,
        created_company=created_company,
        created_contact=created_contact,
    )


# ----- deals -----


@server.write
def create_crm_deal(
    world: CrmWorld,
    company_id: CompanyId,
    primary_contact_id: ContactId,
    name: Name,
    amount: DealAmount,
    close_date: IsoDate,
    currency: Currency = "USD",
    owner_id: RepId | None = None,
) -> Deal:
    """Open a new deal with an existing company, in the prospecting stage.

    Args:
        company_id: The company the deal is with.
        primary_contact_id: The main contact for the deal; must work at that company.
        name: A name for the deal.
        amount: The deal's estimated amount, in its currency.
        close_date: The expected close date, YYYY-MM-DD, today or later.
        currency: The deal's currency.
        owner_id: The rep to own the deal; defaults to the company's owner.
    """
    company = _company(world, company_id)
    contact = _contact(world, primary_contact_id)
    if contact.company_id != company_id:
        raise ToolError(
            f"Contact {primary_contact_id} works at {world.companies[contact.company_id].name} "
            f"({contact.company_id}), not {company.name}. Use search_crm_contacts with company_id={company_id}."
        )
    when = _close_date(world, close_date)
    _check_owner(_rep(world, owner_id if owner_id is not None else company.owner_id), company.region)
    deal = Deal(
        deal_id=world.next_id("DEAL"),
        name=name.strip(),
        company_id=company_id,
        primary_contact_id=primary_contact_id,
        owner_id=owner_id if owner_id is not None else company.owner_id,
        amount=round(amount, 2),
        currency=currency,
        stage="prospecting",
        probability=STAGE_PROBABILITY["prospecting"],
        close_date=when,
        created_on=world.today,
        stage_changed_on=world.today,
    )
    world.deals[deal.deal_id] = deal
    return deal


@server.write
def update_deal_stage(world: CrmWorld, deal_id: DealId, stage: Stage, lost_reason: ShortText = "") -> Deal:
    """Move a deal to another pipeline stage; the win probability follows the stage.

    Open stages go prospecting -> qualification -> proposal -> negotiation, one step forward at a time (any step
    back is allowed). A deal can be won only from negotiation and lost from any open stage; closing sets the close
    date to today. Closed deals cannot be reopened. An open deal whose close date has passed must get a new close
    date (update_deal_close_date) before it can move between open stages.

    Args:
        deal_id: The deal to move.
        stage: The stage to move it to.
        lost_reason: Why the deal was lost (required for closed_lost).
    """
    deal = _deal(world, deal_id)
    _check_open(deal, "its stage can no longer change")
    if deal.stage == stage:
        raise ToolError(f"Deal {deal_id} is already in {stage}.")
    if stage not in _next_stages(deal):
        if stage == "closed_won":
            raise ToolError(f"Deal {deal_id} is in {deal.stage}; a deal can be won only from negotiation. "
                            "Move it forward one stage at a time first.")
        following = OPEN_STAGES[OPEN_STAGES.index(deal.stage) + 1]  # type: ignore[arg-type]
        raise ToolError(f"Deal {deal_id} cannot skip stages: from {deal.stage} the next stage is {following}.")
    if stage == "closed_lost" and not lost_reason.strip():
        raise ToolError("Give a lost_reason to close the deal as lost.")
    if stage in OPEN_STAGES and deal.close_date < world.today:
        raise ToolError(f"Deal {deal_id}'s close date {deal.close_date} has passed; set a new one with "
                        "update_deal_close_date before changing its stage.")
    world.set_stage(deal, stage)
    deal.lost_reason = lost_reason.strip() if stage == "closed_lost" else None
    return deal


@server.write
def update_deal_close_date(world: CrmWorld, deal_id: DealId, close_date: IsoDate) -> Deal:
    """Change the expected close date of an open deal.

    Args:
        deal_id: The deal to change.
        close_date: The new expected close date, YYYY-MM-DD, today or later.
    """
    deal = _deal(world, deal_id)
    _check_open(deal, "its close date is final")
    deal.close_date = _close_date(world, close_date)
    return deal


@server.write
def add_deal_line_item(
    world: CrmWorld, deal_id: DealId, product_id: ProductId, quantity: Quantity, discount_pct: DiscountPct = 0.0
) -> LineItemResult:
    """Add a product from the price book to an open deal; the deal's amount becomes the sum of its line items.

    The unit price is the product's list price in the deal's currency. The discount may not exceed the deal
    owner's discount limit (see list_crm_reps).

    Args:
        deal_id: The open deal to add the product to.
        product_id: The product to add.
        quantity: How many units (seats, days, sessions...).
        discount_pct: Discount off the list price, in percent.
    """
    deal = _deal(world, deal_id)
    _check_open(deal, "its line items are final")
    product = require(world.products, product_id, "product", _FIND_PRODUCT)
    if not product.active:
        raise ToolError(f"Product {product_id} ({product.name}) is retired and can no longer be sold. "
                        f"{_FIND_PRODUCT}")
    owner = world.reps[deal.owner_id]
    if discount_pct > owner.max_discount_pct:
        raise ToolError(
            f"A {discount_pct:g}% discount exceeds the {owner.max_discount_pct:g}% limit of the deal owner "
            f"{owner.rep_id} ({owner.name}). Use a smaller discount, or reassign the deal to a rep with a higher "
            "limit."
        )
    item = world.line_item(deal, product, quantity, discount_pct)
    return LineItemResult(deal=deal, line_item=item)


@server.write
def assign_crm_owner(
    world: CrmWorld, company_id: CompanyId, rep_id: RepId, include_open_deals: bool = True
) -> OwnerAssignment:
    """Make a sales rep the owner of a company, and by default of its open deals too.

    The rep must be active and cover the company's region.

    Args:
        company_id: The company to reassign.
        rep_id: The rep who becomes the owner.
        include_open_deals: Also hand the company's open deals to the new owner (closed deals keep theirs).
    """
    company = _company(world, company_id)
    rep = _rep(world, rep_id)
    _check_owner(rep, company.region)
    deals = [
        deal
        for deal in world.deals.values()
        if include_open_deals and deal.company_id == company_id and deal.is_open and deal.owner_id != rep_id
    ]
    if company.owner_id == rep_id and not deals:
        raise ToolError(f"{rep.name} ({rep_id}) already owns {company.name} and all its open deals.")
    previous = company.owner_id
    company.owner_id = rep_id
    for deal in deals:
        deal.owner_id = rep_id
    return OwnerAssignment(
        company=company, previous_owner_id=previous, reassigned_deal_ids=[deal.deal_id for deal in deals]
    )


# ----- activities -----


@server.write
def log_crm_activity(
    world: CrmWorld,
    activity_type: ActivityType,
    subject: Name,
    notes: ShortText = "",
    contact_id: ContactId | None = None,
    deal_id: DealId | None = None,
    lead_id: LeadId | None = None,
    company_id: CompanyId | None = None,
) -> Activity:
    """Log a call, email, meeting or note against a contact, deal, lead or company, as of now.

    It is logged for the record's owner. Contacts marked do-not-contact may only get notes. A first call, email or
    meeting with a new lead moves it to working. Name a contact or a lead, optionally with a deal, or just a deal or
    a company.

    Args:
        activity_type: What happened: call, email, meeting, or an internal note.
        subject: A short subject line.
        notes: What was said or agreed.
        contact_id: The contact it was with.
        deal_id: The deal it concerns.
        lead_id: The lead it concerns (leads are not yet contacts).
        company_id: The company it concerns; implied by a contact or deal.
    """
    if contact_id is None and deal_id is None and lead_id is None and company_id is None:
        raise ToolError("Name the record the activity is about: a contact_id, deal_id, lead_id or company_id.")
    if lead_id is not None and (contact_id is not None or deal_id is not None or company_id is not None):
        raise ToolError("A lead is not linked to companies, contacts or deals yet; log lead activities on the lead "
                        "alone.")
    if lead_id is not None:
        lead = _lead(world, lead_id)
        if lead.status == "converted":
            raise ToolError(f"Lead {lead_id} was converted; log the activity on contact {lead.converted_contact_id} "
                            f"or deal {lead.converted_deal_id} instead.")
        if activity_type != "note" and lead.status == "new":
            lead.status = "working"
        return _new_activity(world, activity_type, subject.strip(), notes.strip(), lead.owner_id, lead_id=lead_id)
    deal = _deal(world, deal_id) if deal_id is not None else None
    contact = _contact(world, contact_id) if contact_id is not None else None
    company = _company(world, company_id) if company_id is not None else None
    implied = list(dict.fromkeys(record.company_id for record in (deal, contact, company) if record is not None))
    if len(implied) > 1:
        raise ToolError(f"The records named belong to different companies ({', '.join(implied)}); log the "
                        "activity on records of one company.")
    if contact is not None and contact.do_not_contact and activity_type != "note":
        raise ToolError(
            f"Contact {contact.contact_id} ({contact.first_name} {contact.last_name}) is marked do-not-contact; no "
            f"{activity_type} may be logged with them. Log a note instead, or reach out to another contact at the company."
        )
    owner_id = deal.owner_id if deal is not None else world.companies[implied[0]].owner_id
    return _new_activity(
        world,
        activity_type,
        subject.strip(),
        notes.strip(),
        owner_id,
        company_id=implied[0],
        contact_id=contact_id,
        deal_id=deal_id,
    )
