"""Behaviour of the CRM server, through the public Episode API.

Test data is discovered in the seed-0 world through the discovery tools (or `Episode.snapshot()` where a test needs
a record with a particular property) rather than hard-coded.
"""

from datetime import date, datetime, timedelta
from typing import Any

from mcp_servers import Episode
from tests.helpers import fails, ok, open_server, world_of

SERVER = "crm"


def _today(ep: Episode) -> date:
    return datetime.fromisoformat(world_of(ep)["now"]).date()


def _in_days(ep: Episode, days: int) -> str:
    return (_today(ep) + timedelta(days=days)).isoformat()


def _reps(ep: Episode) -> dict[str, dict[str, Any]]:
    return {rep["rep_id"]: rep for rep in ok(ep, "list_crm_reps")["reps"]}


def _open_deals(ep: Episode, stage: str = "open") -> list[dict[str, Any]]:
    return ok(ep, "list_deals_by_stage", {"stage": stage, "limit": 1000})["deals"]


def _deal(ep: Episode, deal_id: str) -> dict[str, Any]:
    return ok(ep, "get_crm_deal", {"deal_id": deal_id})


def _current_deal(ep: Episode, stage: str) -> dict[str, Any]:
    """An open deal in `stage` whose close date has not passed, owned by an active rep."""
    reps = _reps(ep)
    return next(d for d in _open_deals(ep, stage) if not d["overdue"] and reps[d["owner_id"]]["active"])


def _lead(ep: Episode, status: str, **filters: Any) -> dict[str, Any]:
    return ok(ep, "list_crm_leads", {"status": status, "limit": 100, **filters})["leads"][0]


def _new_company_lead(ep: Episode) -> dict[str, Any]:
    """A qualified lead owned by an active rep whose company is not in the CRM yet."""
    names = {c["name"] for c in ok(ep, "search_crm_companies", {"limit": 1000})["companies"]}
    reps = _reps(ep)
    return next(
        lead
        for lead in ok(ep, "list_crm_leads", {"status": "qualified", "limit": 100})["leads"]
        if lead["company_name"] not in names and reps[lead["owner_id"]]["active"]
    )


def _company_with_contacts(ep: Episode, region: str) -> dict[str, Any]:
    """A company in `region` owned by an active rep, with a contact who may be contacted."""
    reps = _reps(ep)
    return next(
        company
        for company in ok(ep, "search_crm_companies", {"region": region, "limit": 1000})["companies"]
        if reps[company["owner_id"]]["active"]
        and ok(ep, "search_crm_contacts", {"company_id": company["company_id"], "include_do_not_contact": False})[
            "contacts"
        ]
    )


# ----- discovery -----


def test_search_crm_companies_matches_name_domain_and_city_with_filters():
    ep = open_server(SERVER)
    everything = ok(ep, "search_crm_companies", {"limit": 1000})
    assert everything["total_matched"] == len(everything["companies"]) == 40
    company = everything["companies"][5]
    stem = company["name"].split()[0]
    by_name = ok(ep, "search_crm_companies", {"query": stem.upper()})["companies"]
    assert company["company_id"] in [c["company_id"] for c in by_name]
    by_domain = ok(ep, "search_crm_companies", {"query": company["domain"]})["companies"]
    assert [c["company_id"] for c in by_domain] == [company["company_id"]]
    by_city = ok(ep, "search_crm_companies", {"query": company["city"], "limit": 1000})["companies"]
    needle = company["city"].lower()
    assert company["company_id"] in [c["company_id"] for c in by_city]
    assert all(needle in f"{c['name']} {c['domain']} {c['city']}".lower() for c in by_city)
    emea = ok(ep, "search_crm_companies", {"region": "EMEA", "account_type": "customer", "limit": 1000})["companies"]
    assert emea and all(c["region"] == "EMEA" and c["account_type"] == "customer" for c in emea)
    owned = ok(ep, "search_crm_companies", {"owner_id": company["owner_id"], "limit": 1000})["companies"]
    assert owned and all(c["owner_id"] == company["owner_id"] for c in owned)
    assert all(c["owner_name"] for c in owned)
    assert ok(ep, "search_crm_companies", {"query": "zzqx-nothing"}) == {"companies": [], "total_matched": 0}
    assert len(ok(ep, "search_crm_companies", {"limit": 3})["companies"]) == 3


def test_get_crm_company_shows_owner_contacts_and_deals():
    ep = open_server(SERVER)
    deal = _open_deals(ep)[0]
    details = ok(ep, "get_crm_company", {"company_id": deal["company_id"]})
    assert details["company"]["company_id"] == deal["company_id"]
    assert details["owner"]["rep_id"] == details["company"]["owner_id"]
    assert details["contacts"] and {c["company_id"] for c in details["contacts"]} == {deal["company_id"]}
    assert deal["deal_id"] in [d["deal_id"] for d in details["deals"]]
    assert deal["primary_contact_id"] in [c["contact_id"] for c in details["contacts"]]
    summary = ok(ep, "search_crm_companies", {"query": details["company"]["domain"]})["companies"][0]
    assert summary["contact_count"] == len(details["contacts"])
    assert summary["open_deal_count"] == sum(d["stage"] in ("prospecting", "qualification", "proposal",
                                                               "negotiation") for d in details["deals"])


def test_search_crm_contacts_matches_name_email_title_and_phone_and_can_hide_do_not_contact():
    ep = open_server(SERVER)
    contacts = ok(ep, "search_crm_contacts", {"limit": 1000})["contacts"]
    assert len(contacts) == 120
    contact = contacts[7]
    by_name = ok(ep, "search_crm_contacts", {"query": f"{contact['first_name']} {contact['last_name']}".lower()})
    assert contact["contact_id"] in [c["contact_id"] for c in by_name["contacts"]]
    by_email = ok(ep, "search_crm_contacts", {"query": contact["email"].upper()})["contacts"]
    assert [c["contact_id"] for c in by_email] == [contact["contact_id"]]
    digits = "".join(ch for ch in contact["phone"] if ch.isdigit())[-6:]
    by_phone = ok(ep, "search_crm_contacts", {"query": digits})["contacts"]
    assert contact["contact_id"] in [c["contact_id"] for c in by_phone]
    by_title = ok(ep, "search_crm_contacts", {"query": contact["title"], "limit": 1000})["contacts"]
    assert all(c["title"] == contact["title"] for c in by_title)
    at_company = ok(ep, "search_crm_contacts", {"company_id": contact["company_id"]})["contacts"]
    assert {c["company_id"] for c in at_company} == {contact["company_id"]}
    assert at_company[0]["company_name"]
    blocked = [c for c in contacts if c["do_not_contact"]]
    assert blocked
    reachable = ok(ep, "search_crm_contacts", {"include_do_not_contact": False, "limit": 1000})["contacts"]
    assert len(reachable) == 120 - len(blocked) and not any(c["do_not_contact"] for c in reachable)


def test_list_crm_leads_filters_and_sorts_by_score():
    ep = open_server(SERVER)
    leads = ok(ep, "list_crm_leads", {"limit": 1000})["leads"]
    assert len(leads) == 60
    assert [lead["score"] for lead in leads] == sorted((lead["score"] for lead in leads), reverse=True)
    assert {lead["status"] for lead in leads} == {"new", "working", "qualified", "disqualified", "converted"}
    converted = ok(ep, "list_crm_leads", {"status": "converted"})["leads"]
    assert converted and all(lead["converted_deal_id"] for lead in converted)
    hot = ok(ep, "list_crm_leads", {"min_score": 80, "source": "web_form", "limit": 100})["leads"]
    assert all(lead["score"] >= 80 and lead["source"] == "web_form" for lead in hot)
    lead = leads[3]
    mine = ok(ep, "list_crm_leads", {"owner_id": lead["owner_id"], "region": lead["region"], "limit": 100})["leads"]
    assert lead["lead_id"] in [item["lead_id"] for item in mine]
    by_company = ok(ep, "list_crm_leads", {"query": lead["company_name"].lower()})["leads"]
    assert lead["lead_id"] in [item["lead_id"] for item in by_company]


def test_list_deals_by_stage_filters_sorts_and_totals_in_usd():
    ep = open_server(SERVER)
    open_deals = ok(ep, "list_deals_by_stage", {"limit": 1000})
    deals = open_deals["deals"]
    assert deals and open_deals["total_matched"] == len(deals)
    assert {d["stage"] for d in deals} == {"prospecting", "qualification", "proposal", "negotiation"}
    assert [d["close_date"] for d in deals] == sorted(d["close_date"] for d in deals)
    assert open_deals["weighted_amount_usd"] < open_deals["total_amount_usd"]
    assert len(ok(ep, "list_deals_by_stage", {"stage": "any", "limit": 1000})["deals"]) == 70
    won = ok(ep, "list_deals_by_stage", {"stage": "closed_won", "limit": 1000})
    assert won["deals"] and won["total_amount_usd"] == won["weighted_amount_usd"]
    usd = [d for d in won["deals"] if d["currency"] == "USD"]
    usd_only = ok(ep, "list_deals_by_stage", {"stage": "closed_won", "region": "NA-East", "limit": 1000})
    assert all(d["currency"] == "USD" for d in usd_only["deals"]) and usd
    assert usd_only["total_amount_usd"] == round(sum(d["amount"] for d in usd_only["deals"]), 2)
    overdue = ok(ep, "list_deals_by_stage", {"overdue_only": True, "limit": 1000})["deals"]
    assert overdue and all(d["overdue"] and d["close_date"] < _today(ep).isoformat() for d in overdue)
    soon = ok(ep, "list_deals_by_stage", {"closing_within_days": 30, "limit": 1000})["deals"]
    assert all(d["close_date"] <= _in_days(ep, 30) for d in soon)
    deal = deals[0]
    mine = ok(ep, "list_deals_by_stage", {"owner_id": deal["owner_id"], "company_id": deal["company_id"]})["deals"]
    assert deal["deal_id"] in [d["deal_id"] for d in mine]


def test_get_crm_deal_shows_line_items_next_stages_and_activities():
    ep = open_server(SERVER)
    activity = next(a for a in world_of(ep)["activities"].values() if a["deal_id"])
    details = _deal(ep, activity["deal_id"])
    deal = details["deal"]
    assert activity["activity_id"] in [a["activity_id"] for a in details["activities"]]
    assert deal["line_items"] and deal["amount"] == round(sum(line["total"] for line in deal["line_items"]), 2)
    assert details["primary_contact"]["contact_id"] == deal["primary_contact_id"]
    assert details["owner"]["rep_id"] == deal["owner_id"] and details["company_name"]
    proposal = _deal(ep, _current_deal(ep, "proposal")["deal_id"])
    assert proposal["next_stages"] == ["prospecting", "qualification", "negotiation", "closed_lost"]
    negotiation = _deal(ep, _current_deal(ep, "negotiation")["deal_id"])
    assert "closed_won" in negotiation["next_stages"]
    closed = _deal(ep, _open_deals(ep, "closed_lost")[0]["deal_id"])
    assert closed["next_stages"] == [] and closed["deal"]["lost_reason"]


def test_list_crm_activities_filters_newest_first():
    ep = open_server(SERVER)
    everything = ok(ep, "list_crm_activities", {"limit": 1000, "days": 365})
    activities = everything["activities"]
    assert len(activities) == everything["total_matched"] >= 60
    assert [a["occurred_at"] for a in activities] == sorted((a["occurred_at"] for a in activities), reverse=True)
    assert {a["type"] for a in activities} == {"call", "email", "meeting", "note"}
    with_deal = next(a for a in activities if a["deal_id"])
    on_deal = ok(ep, "list_crm_activities", {"deal_id": with_deal["deal_id"]})["activities"]
    assert on_deal and all(a["deal_id"] == with_deal["deal_id"] for a in on_deal)
    on_company = ok(ep, "list_crm_activities", {"company_id": with_deal["company_id"]})["activities"]
    assert with_deal["activity_id"] in [a["activity_id"] for a in on_company]
    on_contact = ok(ep, "list_crm_activities", {"contact_id": with_deal["contact_id"]})["activities"]
    assert with_deal["activity_id"] in [a["activity_id"] for a in on_contact]
    with_lead = next(a for a in activities if a["lead_id"])
    on_lead = ok(ep, "list_crm_activities", {"lead_id": with_lead["lead_id"], "activity_type": with_lead["type"]})
    assert with_lead["activity_id"] in [a["activity_id"] for a in on_lead["activities"]]
    by_rep = ok(ep, "list_crm_activities", {"rep_id": with_lead["rep_id"], "limit": 1000})["activities"]
    assert by_rep and all(a["rep_id"] == with_lead["rep_id"] for a in by_rep)
    recent = ok(ep, "list_crm_activities", {"days": 7, "limit": 1000})["activities"]
    assert len(recent) < len(activities)


def test_list_crm_reps_reports_territories_limits_and_attainment():
    ep = open_server(SERVER)
    reps = ok(ep, "list_crm_reps")["reps"]
    assert len(reps) == 8
    assert sum(not rep["active"] for rep in reps) == 1
    assert {rep["max_discount_pct"] for rep in reps} == {10.0, 15.0, 25.0}
    assert sum(rep["company_count"] for rep in reps) == 40
    for rep in reps:
        assert rep["quota_attainment_pct"] == round(100 * rep["won_this_year_usd"] / rep["annual_quota_usd"], 1)
    emea = ok(ep, "list_crm_reps", {"region": "EMEA"})["reps"]
    assert emea and all("EMEA" in rep["territories"] for rep in emea)
    active = ok(ep, "list_crm_reps", {"include_on_leave": False})["reps"]
    assert len(active) == 7 and all(rep["active"] for rep in active)


def test_list_crm_products_hides_retired_products_unless_asked():
    ep = open_server(SERVER)
    products = ok(ep, "list_crm_products")["products"]
    assert products and all(p["active"] for p in products)
    assert all(set(p["prices"]) == {"USD", "EUR", "GBP"} for p in products)
    every = ok(ep, "list_crm_products", {"include_retired": True})["products"]
    assert len(every) > len(products) and any(not p["active"] for p in every)
    services = ok(ep, "list_crm_products", {"family": "services"})["products"]
    assert services and all(p["family"] == "services" for p in services)


def test_lookups_of_unknown_ids_are_tool_errors():
    ep = open_server(SERVER)
    fails(ep, "get_crm_company", {"company_id": "CMP-9999"}, "Unknown company", "search_crm_companies")
    fails(ep, "get_crm_deal", {"deal_id": "DEAL-9999"}, "Unknown deal", "list_deals_by_stage")
    fails(ep, "search_crm_contacts", {"company_id": "nope"}, "Unknown company")
    fails(ep, "update_lead_status", {"lead_id": "LEAD-9999", "status": "working"}, "Unknown lead", "list_crm_leads")
    deal = _current_deal(ep, "proposal")
    fails(ep, "add_deal_line_item", {"deal_id": deal["deal_id"], "product_id": "PRD-999", "quantity": 1},
          "Unknown product", "list_crm_products")
    fails(ep, "assign_crm_owner", {"company_id": deal["company_id"], "rep_id": "REP-99"}, "Unknown sales rep")


# ----- contacts -----


def test_create_crm_contact_adds_a_findable_contact():
    ep = open_server(SERVER)
    company = ok(ep, "search_crm_companies", {"limit": 1})["companies"][0]
    contact = ok(ep, "create_crm_contact", {
        "company_id": company["company_id"], "first_name": "Ines", "last_name": "Carvalho",
        "email": "Ines.Carvalho@Example.org", "title": "Head of IT", "phone": "+1-555-0100",
    })
    assert contact["email"] == "ines.carvalho@example.org" and not contact["do_not_contact"]
    found = ok(ep, "search_crm_contacts", {"query": "carvalho"})["contacts"]
    assert [c["contact_id"] for c in found] == [contact["contact_id"]]
    details = ok(ep, "get_crm_company", {"company_id": company["company_id"]})
    assert contact["contact_id"] in [c["contact_id"] for c in details["contacts"]]


def test_create_crm_contact_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    existing = ok(ep, "search_crm_contacts", {"limit": 1})["contacts"][0]
    args = {"company_id": existing["company_id"], "first_name": "A", "last_name": "B",
            "email": existing["email"].upper()}
    fails(ep, "create_crm_contact", args, "already exists", existing["contact_id"])
    fails(ep, "create_crm_contact", {**args, "email": "new.person@example.org", "company_id": "CMP-0000"},
          "Unknown company")
    assert ep.call("create_crm_contact", {**args, "email": "not-an-email"}).status == "invalid_arguments"


# ----- leads -----


def test_update_lead_status_qualifies_disqualifies_and_reopens_leads():
    ep = open_server(SERVER)
    lead = _lead(ep, "new")
    assert ok(ep, "update_lead_status", {"lead_id": lead["lead_id"], "status": "qualified"})["status"] == "qualified"
    dropped = ok(ep, "update_lead_status", {"lead_id": lead["lead_id"], "status": "disqualified",
                                             "reason": "No budget until 2027"})
    assert dropped["status_reason"] == "No budget until 2027"
    reopened = ok(ep, "update_lead_status", {"lead_id": lead["lead_id"], "status": "working"})
    assert reopened["status"] == "working" and reopened["status_reason"] is None
    listed = ok(ep, "list_crm_leads", {"status": "working", "query": lead["email"], "limit": 100})["leads"]
    assert [item["lead_id"] for item in listed] == [lead["lead_id"]]


def test_update_lead_status_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    converted = _lead(ep, "converted")
    fails(ep, "update_lead_status", {"lead_id": converted["lead_id"], "status": "working"},
          "converted", converted["converted_deal_id"])
    disqualified = _lead(ep, "disqualified")
    fails(ep, "update_lead_status", {"lead_id": disqualified["lead_id"], "status": "qualified"}, "reopen it as working")
    fails(ep, "update_lead_status", {"lead_id": disqualified["lead_id"], "status": "disqualified", "reason": "x"},
          "already disqualified")
    working = _lead(ep, "working")
    fails(ep, "update_lead_status", {"lead_id": working["lead_id"], "status": "disqualified", "reason": "  "},
          "reason")


def test_convert_lead_to_deal_creates_company_contact_and_deal():
    ep = open_server(SERVER)
    lead = _new_company_lead(ep)
    result = ok(ep, "convert_lead_to_deal", {"lead_id": lead["lead_id"], "deal_name": "First Rollout",
                                              "amount": 42000.0, "close_date": _in_days(ep, 45)})
    assert result["created_company"] and result["created_contact"]
    assert result["lead"]["status"] == "converted" and result["lead"]["converted_deal_id"] == result["deal"]["deal_id"]
    deal = _deal(ep, result["deal"]["deal_id"])
    assert deal["deal"]["stage"] == "prospecting" and deal["deal"]["probability"] == 10
    assert deal["deal"]["amount"] == 42000.0 and deal["deal"]["source_lead_id"] == lead["lead_id"]
    assert deal["deal"]["owner_id"] == lead["owner_id"]
    assert deal["primary_contact"]["email"] == lead["email"]
    company = ok(ep, "get_crm_company", {"company_id": result["company_id"]})["company"]
    assert company["name"] == lead["company_name"] and company["account_type"] == "prospect"
    assert company["region"] == lead["region"] and company["owner_id"] == lead["owner_id"]


def test_convert_lead_to_deal_reuses_an_existing_company_with_the_same_name():
    ep = open_server(SERVER)
    names = {c["name"]: c for c in ok(ep, "search_crm_companies", {"limit": 1000})["companies"]}
    reps = _reps(ep)
    lead = next(
        item for item in ok(ep, "list_crm_leads", {"limit": 1000})["leads"]
        if item["company_name"] in names and item["status"] in ("new", "working")
        and "NA" in names[item["company_name"]]["region"]
    )
    company = names[lead["company_name"]]
    owner = next(rep_id for rep_id, rep in reps.items() if rep["active"] and company["region"] in rep["territories"])
    ok(ep, "update_lead_status", {"lead_id": lead["lead_id"], "status": "qualified"})
    result = ok(ep, "convert_lead_to_deal", {"lead_id": lead["lead_id"], "deal_name": "Upsell", "amount": 5000.0,
                                              "close_date": _in_days(ep, 20), "owner_id": owner})
    assert result["company_id"] == company["company_id"] and not result["created_company"]
    assert result["deal"]["currency"] == "USD" and result["deal"]["owner_id"] == owner
    after = ok(ep, "search_crm_companies", {"limit": 1000})
    assert after["total_matched"] == 40


def test_convert_lead_to_deal_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    base = {"deal_name": "Deal", "amount": 1000.0, "close_date": _in_days(ep, 30)}
    converted = _lead(ep, "converted")
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": converted["lead_id"]}, "already converted",
          converted["converted_deal_id"])
    disqualified = _lead(ep, "disqualified")
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": disqualified["lead_id"]}, "disqualified")
    fresh = _lead(ep, "new")
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": fresh["lead_id"]}, "qualify it", "update_lead_status")
    lead = _new_company_lead(ep)
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"], "close_date": _in_days(ep, -1)},
          "in the past")
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"], "close_date": "2026-02-30"},
          "not a calendar date")
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"], "close_date": _in_days(ep, 800)},
          "two years")
    reps = _reps(ep)
    outsider = next(rep_id for rep_id, rep in reps.items() if rep["active"] and lead["region"] not in rep["territories"])
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"], "owner_id": outsider},
          outsider, "not " + lead["region"], "list_crm_reps")
    on_leave = next(rep_id for rep_id, rep in reps.items() if not rep["active"])
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"], "owner_id": on_leave}, "on leave")
    elsewhere = ok(ep, "search_crm_companies", {"limit": 1})["companies"][0]
    ok(ep, "create_crm_contact", {"company_id": elsewhere["company_id"], "first_name": lead["first_name"],
                                   "last_name": lead["last_name"], "email": lead["email"]})
    fails(ep, "convert_lead_to_deal", {**base, "lead_id": lead["lead_id"]}, "already belongs to contact",
          f"company_id={elsewhere['company_id']}")


def test_convert_lead_to_deal_into_the_company_of_a_matching_contact():
    ep = open_server(SERVER)
    lead = _new_company_lead(ep)
    company = ok(ep, "search_crm_companies", {"region": lead["region"], "limit": 1})["companies"][0]
    contact = ok(ep, "create_crm_contact", {"company_id": company["company_id"], "first_name": lead["first_name"],
                                             "last_name": lead["last_name"], "email": lead["email"]})
    owner = next(r for r, rep in _reps(ep).items() if rep["active"] and lead["region"] in rep["territories"])
    result = ok(ep, "convert_lead_to_deal", {"lead_id": lead["lead_id"], "deal_name": "Deal", "amount": 900.0,
                                              "close_date": _in_days(ep, 10), "company_id": company["company_id"],
                                              "owner_id": owner})
    assert result["contact_id"] == contact["contact_id"] and not result["created_contact"]


# ----- deals -----


def test_create_crm_deal_opens_a_prospecting_deal_for_the_company_owner():
    ep = open_server(SERVER)
    company = _company_with_contacts(ep, "EMEA")
    contact = ok(ep, "search_crm_contacts", {"company_id": company["company_id"]})["contacts"][0]
    deal = ok(ep, "create_crm_deal", {"company_id": company["company_id"], "primary_contact_id": contact["contact_id"],
                                       "name": "Renewal 2027", "amount": 12500.555, "close_date": _in_days(ep, 60),
                                       "currency": "EUR"})
    assert deal["owner_id"] == company["owner_id"] and deal["stage"] == "prospecting"
    assert deal["amount"] == 12500.56 and deal["currency"] == "EUR" and deal["close_date"] == _in_days(ep, 60)
    listed = ok(ep, "list_deals_by_stage", {"stage": "prospecting", "company_id": company["company_id"]})["deals"]
    assert deal["deal_id"] in [d["deal_id"] for d in listed]


def test_create_crm_deal_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    company = _company_with_contacts(ep, "NA-East")
    contact = ok(ep, "search_crm_contacts", {"company_id": company["company_id"]})["contacts"][0]
    base = {"company_id": company["company_id"], "primary_contact_id": contact["contact_id"], "name": "X",
            "amount": 100.0, "close_date": _in_days(ep, 10)}
    stranger = next(c for c in ok(ep, "search_crm_contacts", {"limit": 1000})["contacts"]
                    if c["company_id"] != company["company_id"])
    fails(ep, "create_crm_deal", {**base, "primary_contact_id": stranger["contact_id"]}, "works at",
          stranger["company_id"])
    fails(ep, "create_crm_deal", {**base, "close_date": _in_days(ep, -3)}, "in the past")
    fails(ep, "create_crm_deal", {**base, "primary_contact_id": "CON-9999"}, "Unknown contact")
    fails(ep, "create_crm_deal", {**base, "company_id": "CMP-9999"}, "Unknown company")
    reps = _reps(ep)
    outsider = next(rep_id for rep_id, rep in reps.items() if "NA-East" not in rep["territories"])
    fails(ep, "create_crm_deal", {**base, "owner_id": outsider}, "not NA-East")
    on_leave = next(rep for rep in reps.values() if not rep["active"])
    orphan = ok(ep, "search_crm_companies", {"owner_id": on_leave["rep_id"]})["companies"][0]
    orphan_contact = ok(ep, "search_crm_contacts", {"company_id": orphan["company_id"]})["contacts"][0]
    fails(ep, "create_crm_deal", {**base, "company_id": orphan["company_id"],
                                  "primary_contact_id": orphan_contact["contact_id"]}, "on leave")


def test_update_deal_stage_moves_one_step_forward_or_back():
    ep = open_server(SERVER)
    deal = _current_deal(ep, "qualification")
    moved = ok(ep, "update_deal_stage", {"deal_id": deal["deal_id"], "stage": "proposal"})
    assert moved["stage"] == "proposal" and moved["probability"] == 50
    assert moved["stage_changed_on"] == _today(ep).isoformat()
    back = ok(ep, "update_deal_stage", {"deal_id": deal["deal_id"], "stage": "prospecting"})
    assert back["probability"] == 10
    assert _deal(ep, deal["deal_id"])["deal"]["stage"] == "prospecting"


def test_update_deal_stage_wins_from_negotiation_and_makes_the_company_a_customer():
    ep = open_server(SERVER)
    prospects = {c["company_id"] for c in ok(ep, "search_crm_companies", {"account_type": "prospect",
                                                                          "limit": 1000})["companies"]}
    deal = next(d for d in _open_deals(ep, "negotiation") if d["company_id"] in prospects)
    won = ok(ep, "update_deal_stage", {"deal_id": deal["deal_id"], "stage": "closed_won"})
    assert won["probability"] == 100 and won["close_date"] == _today(ep).isoformat()
    assert ok(ep, "get_crm_company", {"company_id": deal["company_id"]})["company"]["account_type"] == "customer"
    reps = {rep["rep_id"]: rep for rep in ok(ep, "list_crm_reps")["reps"]}
    fresh = {rep["rep_id"]: rep for rep in ok(open_server(SERVER), "list_crm_reps")["reps"]}
    assert reps[deal["owner_id"]]["won_this_year_usd"] > fresh[deal["owner_id"]]["won_this_year_usd"]


def test_update_deal_stage_closes_a_lost_deal_with_its_reason():
    ep = open_server(SERVER)
    deal = _open_deals(ep, "prospecting")[0]
    lost = ok(ep, "update_deal_stage", {"deal_id": deal["deal_id"], "stage": "closed_lost",
                                         "lost_reason": "Went with a competitor"})
    assert lost["lost_reason"] == "Went with a competitor" and lost["probability"] == 0
    assert deal["deal_id"] in [d["deal_id"] for d in _open_deals(ep, "closed_lost")]


def test_update_deal_stage_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    prospecting = _current_deal(ep, "prospecting")
    fails(ep, "update_deal_stage", {"deal_id": prospecting["deal_id"], "stage": "proposal"},
          "cannot skip stages", "qualification")
    fails(ep, "update_deal_stage", {"deal_id": prospecting["deal_id"], "stage": "prospecting"}, "already in")
    proposal = _current_deal(ep, "proposal")
    fails(ep, "update_deal_stage", {"deal_id": proposal["deal_id"], "stage": "closed_won"}, "only from negotiation")
    fails(ep, "update_deal_stage", {"deal_id": proposal["deal_id"], "stage": "closed_lost"}, "lost_reason")
    closed = _open_deals(ep, "closed_won")[0]
    fails(ep, "update_deal_stage", {"deal_id": closed["deal_id"], "stage": "negotiation"},
          "cannot be reopened", "create_crm_deal")
    overdue = next(d for d in _open_deals(ep) if d["overdue"])
    target = next(s for s in _deal(ep, overdue["deal_id"])["next_stages"] if not s.startswith("closed"))
    fails(ep, "update_deal_stage", {"deal_id": overdue["deal_id"], "stage": target},
          "has passed", "update_deal_close_date")


def test_update_deal_close_date_moves_an_overdue_deal_forward_and_unblocks_it():
    ep = open_server(SERVER)
    overdue = next(d for d in _open_deals(ep) if d["overdue"] and d["stage"] == "negotiation")
    new_date = _in_days(ep, 14)
    assert ok(ep, "update_deal_close_date", {"deal_id": overdue["deal_id"], "close_date": new_date})["close_date"] \
        == new_date
    assert overdue["deal_id"] not in [d["deal_id"] for d in ok(ep, "list_deals_by_stage", {"overdue_only": True})[
        "deals"]]
    assert ok(ep, "update_deal_stage", {"deal_id": overdue["deal_id"], "stage": "proposal"})["stage"] == "proposal"
    today = _today(ep).isoformat()
    assert ok(ep, "update_deal_close_date", {"deal_id": overdue["deal_id"], "close_date": today})["close_date"] == today


def test_update_deal_close_date_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    deal = _open_deals(ep)[0]
    fails(ep, "update_deal_close_date", {"deal_id": deal["deal_id"], "close_date": _in_days(ep, -1)},
          "in the past", _today(ep).isoformat())
    fails(ep, "update_deal_close_date", {"deal_id": deal["deal_id"], "close_date": "2026-13-01"}, "YYYY-MM-DD")
    closed = _open_deals(ep, "closed_lost")[0]
    fails(ep, "update_deal_close_date", {"deal_id": closed["deal_id"], "close_date": _in_days(ep, 5)},
          "closed_lost", "final")


def test_add_deal_line_item_prices_from_the_book_and_resums_the_amount():
    ep = open_server(SERVER)
    deal = _current_deal(ep, "proposal")
    before = _deal(ep, deal["deal_id"])["deal"]
    limit = _reps(ep)[deal["owner_id"]]["max_discount_pct"]
    product = ok(ep, "list_crm_products", {"family": "services"})["products"][0]
    result = ok(ep, "add_deal_line_item", {"deal_id": deal["deal_id"], "product_id": product["product_id"],
                                            "quantity": 3, "discount_pct": limit})
    line = result["line_item"]
    price = product["prices"][deal["currency"]]
    assert line["unit_price"] == price and line["line_number"] == len(before["line_items"]) + 1
    assert line["total"] == round(price * 3 * (1 - limit / 100), 2)
    after = _deal(ep, deal["deal_id"])["deal"]
    assert after["amount"] == round(before["amount"] + line["total"], 2)
    assert after["line_items"][-1] == line


def test_add_deal_line_item_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    deal = _current_deal(ep, "proposal")
    owner = _reps(ep)[deal["owner_id"]]
    product = ok(ep, "list_crm_products")["products"][0]
    base = {"deal_id": deal["deal_id"], "product_id": product["product_id"], "quantity": 10}
    fails(ep, "add_deal_line_item", {**base, "discount_pct": owner["max_discount_pct"] + 5}, "exceeds",
          f"{owner['max_discount_pct']:g}% limit", owner["rep_id"])
    retired = next(p for p in ok(ep, "list_crm_products", {"include_retired": True})["products"] if not p["active"])
    fails(ep, "add_deal_line_item", {**base, "product_id": retired["product_id"]}, "retired")
    closed = _open_deals(ep, "closed_won")[0]
    fails(ep, "add_deal_line_item", {**base, "deal_id": closed["deal_id"]}, "closed_won", "cannot be reopened")


def test_assign_crm_owner_moves_the_company_and_its_open_deals():
    ep = open_server(SERVER)
    reps = _reps(ep)
    on_leave = next(rep for rep in reps.values() if not rep["active"])
    deal = next(d for d in _open_deals(ep) if d["owner_id"] == on_leave["rep_id"])
    company = ok(ep, "get_crm_company", {"company_id": deal["company_id"]})["company"]
    region = company["region"]
    successor = next(r for r, rep in reps.items() if rep["active"] and region in rep["territories"])
    result = ok(ep, "assign_crm_owner", {"company_id": company["company_id"], "rep_id": successor})
    assert result["company"]["owner_id"] == successor and result["previous_owner_id"] == company["owner_id"]
    assert deal["deal_id"] in result["reassigned_deal_ids"]
    assert _deal(ep, deal["deal_id"])["deal"]["owner_id"] == successor
    closed = [d for d in ok(ep, "get_crm_company", {"company_id": company["company_id"]})["deals"]
              if d["stage"] in ("closed_won", "closed_lost")]
    assert all(d["deal_id"] not in result["reassigned_deal_ids"] for d in closed)


def test_assign_crm_owner_can_leave_open_deals_with_their_owner():
    ep = open_server(SERVER)
    deal = _open_deals(ep)[0]
    company = ok(ep, "get_crm_company", {"company_id": deal["company_id"]})["company"]
    reps = _reps(ep)
    other = next(r for r, rep in reps.items() if rep["active"] and company["region"] in rep["territories"]
                 and r != company["owner_id"])
    result = ok(ep, "assign_crm_owner", {"company_id": company["company_id"], "rep_id": other,
                                          "include_open_deals": False})
    assert result["reassigned_deal_ids"] == []
    assert _deal(ep, deal["deal_id"])["deal"]["owner_id"] == deal["owner_id"]


def test_assign_crm_owner_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    reps = _reps(ep)
    company = ok(ep, "search_crm_companies", {"region": "APAC"})["companies"][0]
    outsider = next(r for r, rep in reps.items() if rep["active"] and "APAC" not in rep["territories"])
    fails(ep, "assign_crm_owner", {"company_id": company["company_id"], "rep_id": outsider},
          "not APAC", "list_crm_reps")
    on_leave = next(r for r, rep in reps.items() if not rep["active"])
    fails(ep, "assign_crm_owner", {"company_id": company["company_id"], "rep_id": on_leave}, "on leave")
    fails(ep, "assign_crm_owner", {"company_id": company["company_id"], "rep_id": company["owner_id"]},
          "already owns")


# ----- activities -----


def test_log_crm_activity_records_calls_meetings_and_notes_for_the_owner():
    ep = open_server(SERVER)
    deal = _current_deal(ep, "negotiation")
    details = _deal(ep, deal["deal_id"])
    contact = next(c for c in ok(ep, "search_crm_contacts", {"company_id": deal["company_id"],
                                                             "include_do_not_contact": False})["contacts"])
    meeting = ok(ep, "log_crm_activity", {"activity_type": "meeting", "subject": "Contract walkthrough",
                                           "notes": "Legal to review by Friday.", "contact_id": contact["contact_id"],
                                           "deal_id": deal["deal_id"]})
    assert meeting["rep_id"] == details["deal"]["owner_id"] and meeting["company_id"] == deal["company_id"]
    assert datetime.fromisoformat(meeting["occurred_at"]) == datetime.fromisoformat(world_of(ep)["now"])
    assert _deal(ep, deal["deal_id"])["activities"][0]["activity_id"] == meeting["activity_id"]
    company = ok(ep, "get_crm_company", {"company_id": deal["company_id"]})["company"]
    note = ok(ep, "log_crm_activity", {"activity_type": "note", "subject": "Org chart updated",
                                        "company_id": company["company_id"]})
    assert note["rep_id"] == company["owner_id"] and note["contact_id"] is None
    listed = ok(ep, "list_crm_activities", {"company_id": company["company_id"], "days": 1})["activities"]
    assert [a["activity_id"] for a in listed][:2] == [note["activity_id"], meeting["activity_id"]]


def test_log_crm_activity_on_a_new_lead_starts_working_it():
    ep = open_server(SERVER)
    lead = _lead(ep, "new")
    call = ok(ep, "log_crm_activity", {"activity_type": "call", "subject": "Intro call", "lead_id": lead["lead_id"]})
    assert call["lead_id"] == lead["lead_id"] and call["rep_id"] == lead["owner_id"] and call["company_id"] is None
    after = ok(ep, "list_crm_leads", {"query": lead["email"]})["leads"][0]
    assert after["status"] == "working"


def test_log_crm_activity_allows_only_notes_for_do_not_contact_contacts():
    ep = open_server(SERVER)
    blocked = next(c for c in ok(ep, "search_crm_contacts", {"limit": 1000})["contacts"] if c["do_not_contact"])
    for kind in ("call", "email", "meeting"):
        fails(ep, "log_crm_activity", {"activity_type": kind, "subject": "Hello", "contact_id": blocked["contact_id"]},
              "do-not-contact", blocked["contact_id"])
    note = ok(ep, "log_crm_activity", {"activity_type": "note", "subject": "Asked to be left alone",
                                        "contact_id": blocked["contact_id"]})
    assert note["company_id"] == blocked["company_id"]


def test_log_crm_activity_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    fails(ep, "log_crm_activity", {"activity_type": "call", "subject": "Call"}, "contact_id")
    lead = _lead(ep, "working")
    deal = _open_deals(ep)[0]
    fails(ep, "log_crm_activity", {"activity_type": "call", "subject": "Call", "lead_id": lead["lead_id"],
                                   "deal_id": deal["deal_id"]}, "lead alone")
    converted = _lead(ep, "converted")
    fails(ep, "log_crm_activity", {"activity_type": "email", "subject": "Hi", "lead_id": converted["lead_id"]},
          "converted", converted["converted_deal_id"])
    other = next(c for c in ok(ep, "search_crm_contacts", {"limit": 1000})["contacts"]
                 if c["company_id"] != deal["company_id"])
    fails(ep, "log_crm_activity", {"activity_type": "note", "subject": "Mixed", "deal_id": deal["deal_id"],
                                   "contact_id": other["contact_id"]}, "different companies")
    fails(ep, "log_crm_activity", {"activity_type": "note", "subject": "x", "contact_id": "CON-9999"},
          "Unknown contact")


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    deal = _current_deal(ep, "proposal")
    product = ok(ep, "list_crm_products")["products"][0]
    base = {"deal_id": deal["deal_id"], "product_id": product["product_id"], "quantity": 1}
    bad = [
        {**base, "quantity": 0},
        {**base, "quantity": "2"},
        {**base, "discount_pct": -1},
        {**base, "discount_pct": 101},
        {**base, "discount_pct": float("nan")},
        {**base, "deal_id": "D" * 100_000},
        {**base, "extra": True},
    ]
    for args in bad:
        assert ep.call("add_deal_line_item", args).status == "invalid_arguments", args
    assert ep.call("update_deal_stage", {"deal_id": deal["deal_id"], "stage": "won"}).status == "invalid_arguments"
    assert ep.call("update_deal_close_date", {"deal_id": deal["deal_id"], "close_date": "next week"}).status == \
        "invalid_arguments"
    assert ep.call("search_crm_companies", {"query": "x" * 500}).status == "invalid_arguments"
    assert ep.call("search_crm_companies", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.state_hash() == before


# ----- scenario, determinism, size -----


def _scenario(ep: Episode) -> dict[str, str]:
    """Qualify and convert a lead, price and advance its deal, add a contact, log a meeting, win it."""
    lead = _new_company_lead(ep)
    ok(ep, "log_crm_activity", {"activity_type": "call", "subject": "Qualification call", "lead_id": lead["lead_id"]})
    converted = ok(ep, "convert_lead_to_deal", {"lead_id": lead["lead_id"], "deal_name": "Pilot",
                                                 "amount": 10000.0, "close_date": _in_days(ep, 40)})
    deal_id, company_id = converted["deal"]["deal_id"], converted["company_id"]
    product = next(p for p in ok(ep, "list_crm_products", {"family": "platform"})["products"])
    ok(ep, "add_deal_line_item", {"deal_id": deal_id, "product_id": product["product_id"], "quantity": 50,
                                   "discount_pct": 5.0})
    champion = ok(ep, "create_crm_contact", {"company_id": company_id, "first_name": "Rowan", "last_name": "Achebe",
                                              "email": "rowan.achebe@scenario.example", "title": "CFO"})
    for stage in ("qualification", "proposal", "negotiation"):
        ok(ep, "update_deal_stage", {"deal_id": deal_id, "stage": stage})
    meeting = ok(ep, "log_crm_activity", {"activity_type": "meeting", "subject": "Signing",
                                           "contact_id": champion["contact_id"], "deal_id": deal_id})
    ok(ep, "update_deal_stage", {"deal_id": deal_id, "stage": "closed_won"})
    return {"lead_id": lead["lead_id"], "deal_id": deal_id, "company_id": company_id,
            "contact_id": champion["contact_id"], "activity_id": meeting["activity_id"],
            "product_id": product["product_id"]}


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = open_server(SERVER), open_server(SERVER)
    start = first.state_hash()
    ids, replayed_ids = _scenario(first), _scenario(replay)
    assert replayed_ids == ids
    assert first.state_hash() == replay.state_hash() != start

    details = _deal(first, ids["deal_id"])
    deal = details["deal"]
    assert deal["stage"] == "closed_won" and deal["probability"] == 100
    assert [line["product_id"] for line in deal["line_items"]] == [ids["product_id"]]
    assert deal["amount"] == deal["line_items"][0]["total"] == round(50 * deal["line_items"][0]["unit_price"] * 0.95, 2)
    assert details["activities"][0]["activity_id"] == ids["activity_id"]
    company = ok(first, "get_crm_company", {"company_id": ids["company_id"]})
    assert company["company"]["account_type"] == "customer"
    assert ids["contact_id"] in [c["contact_id"] for c in company["contacts"]] and len(company["contacts"]) == 2
    converted = ok(first, "list_crm_leads", {"status": "converted", "limit": 100})["leads"]
    lead = next(item for item in converted if item["lead_id"] == ids["lead_id"])
    assert lead["converted_deal_id"] == ids["deal_id"] and lead["converted_company_id"] == ids["company_id"]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=4), Episode.open([SERVER], seed=4)
    assert ok(a, "list_deals_by_stage", {"stage": "any", "limit": 100}) == \
        ok(b, "list_deals_by_stage", {"stage": "any", "limit": 100})


def test_default_world_is_large_varied_and_compact():
    from mcp_servers.crm.world import CrmWorld

    for seed in range(4):
        world = CrmWorld.new_world(seed)
        assert len(world.canonical_json()) < 150_000
        assert (len(world.companies), len(world.contacts), len(world.leads), len(world.deals), len(world.reps)) == \
            (40, 120, 60, 70, 8)
        assert len(world.activities) >= 60
        assert any(contact.do_not_contact for contact in world.contacts.values())
        assert any(deal.is_open and deal.close_date < world.today for deal in world.deals.values())
        assert sum(not rep.active for rep in world.reps.values()) == 1
        assert {deal.currency for deal in world.deals.values()} >= {"USD", "EUR"}
        for deal in world.deals.values():
            assert world.contacts[deal.primary_contact_id].company_id == deal.company_id
            assert world.companies[deal.company_id].region in world.reps[deal.owner_id].territories
