"""Event identity (monitor.events): the same event told in other words joins; different
events on the same subject in the same week stay apart; every pair that may join shares a
lookup key; events survive storage."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from eval_events import load, read_events

from monitor.event import Event, event_of, from_json, to_json
from monitor.events import event_keys, judge, same_event

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
ACME = ["Acme Vision"]


def ev(title: str, summary: str = "") -> Event:
    return event_of(title, summary, ACME, ["acme"])


def at(hours: float = 0) -> tuple[datetime, datetime]:
    return (T0 + timedelta(hours=hours), T0 + timedelta(hours=hours))


def joins(a: Event, b: Event, hours: float = 5) -> bool:
    return same_event(a, b, at(), at(hours)) is not None


DUTCH_FINE = (
    ev(
        "Dutch regulator fines Acme Vision €30.5m over its face database",
        "THE HAGUE (AP) — The Dutch data protection authority on Tuesday fined Acme Vision "
        "30.5 million euros ($33.7 million) for building an illegal database of faces.",
    ),
    ev(
        "Acme Vision hit with €30.5 million GDPR penalty by Netherlands watchdog",
        "The Netherlands' privacy regulator has ordered the face search company to pay "
        "€30.5 million.",
    ),
    ev(
        "Autoriteit Persoonsgegevens sanctions Acme Vision, warns its Dutch clients",
        "The Dutch authority imposed a €30.5m fine and said organisations using the service "
        "in the Netherlands could themselves be fined.",
    ),
)


def test_the_issues_rewrites_of_one_fine_are_one_event() -> None:
    for a, b in itertools.combinations(DUTCH_FINE, 2):
        found = judge(a, b, at(), at(5))
        assert not isinstance(found, str), found
        assert "€30.5m" in found.shared


def test_the_issues_rewrites_of_one_suit_and_one_resignation_are_one_event() -> None:
    suit = (
        ev(
            "State of Vermont sues Acme Vision over residents' photos",
            "MONTPELIER, Vt. (AP) — Vermont's attorney general sued Acme Vision on Monday.",
        ),
        ev(
            "Vermont AG files consumer-protection suit against Acme Vision",
            "Attorney General Dana Whitcomb filed the complaint in state court in Vermont.",
        ),
    )
    resignation = (
        ev(
            "Acme Vision's CEO resigns as company eyes federal contracts",
            "Chief executive Jane Doe told staff she would leave at the end of the month.",
        ),
        ev(
            "Jane Doe steps down as chief executive of face-search startup",
            "The co-founder of Acme Vision said she was stepping down as CEO.",
        ),
    )
    assert joins(*suit)
    assert joins(*resignation)


FINE = DUTCH_FINE[0]
HARD_NEGATIVES = {
    "the appeal against the fine": ev(
        "Acme Vision appeals €30.5m Dutch privacy fine",
        "The company has lodged an appeal against the Dutch data protection authority's "
        "€30.5 million penalty.",
    ),
    "the ruling on that appeal": ev(
        "Dutch court upholds €30.5m fine against Acme Vision",
        "A court in The Hague rejected Acme Vision's appeal against the Dutch regulator's "
        "30.5 million euro fine.",
    ),
    "the company's response": ev(
        "Acme Vision calls Dutch fine unlawful, says it will not pay",
        "The company said the Dutch decision was unenforceable.",
    ),
    "another regulator the same month": ev(
        "Italy's Garante fines Acme Vision €20m",
        "Italy's data protection authority fined Acme Vision 20 million euros.",
    ),
    "a weekly round-up": ev(
        "Week in review: Acme Vision fined in the Netherlands, sued in Vermont",
        "The Dutch regulator fined Acme Vision €30.5m and Vermont sued it.",
    ),
    "an analysis": ev(
        "What the €30.5m Dutch fine means for Acme Vision's European clients",
        "The Dutch decision matters less for the fine than for the warning to clients.",
    ),
}


@pytest.mark.parametrize("name", HARD_NEGATIVES)
def test_different_events_on_the_same_subject_and_week_stay_apart(name: str) -> None:
    assert not joins(FINE, HARD_NEGATIVES[name]), name


def test_a_follow_up_a_week_later_is_a_different_event() -> None:
    assert joins(DUTCH_FINE[0], DUTCH_FINE[1], hours=48)
    assert not joins(DUTCH_FINE[0], DUTCH_FINE[1], hours=24 * 7)
    published = (T0, T0 + timedelta(days=7))  # first seen together, published a week apart
    assert same_event(DUTCH_FINE[0], DUTCH_FINE[1], (T0, T0), published) is None


def test_two_settlements_days_apart_and_two_states_suing_stay_apart() -> None:
    one = ev("Acme Vision to pay $1.75 million to settle California privacy suit")
    two = ev("Acme Vision settles Illinois drivers' claims for $4 million")
    assert not joins(one, two)
    vermont = ev("Vermont sues Acme Vision over residents' photos")
    texas = ev("Texas attorney general sues Acme Vision under biometric law")
    assert not joins(vermont, texas)
    residents = ev(
        "Massachusetts residents sue Acme Vision over face scans",
        "Three residents filed a proposed class action in Suffolk County Superior Court.",
    )
    state = ev(
        "Mass. AG brings consumer protection suit against Acme Vision",
        "Massachusetts Attorney General Laura Brennan filed the lawsuit on Friday.",
    )
    assert not joins(residents, state)


def test_different_subjects_and_different_actors_stay_apart() -> None:
    acme = event_of("FTC sues Acme Vision over face data", "", ACME, ["acme"])
    other = event_of("FTC sues Facewise over face data", "", ["Facewise"], ["facewise"])
    assert not joins(acme, other)
    generic = event_of("FTC sues Facewise over face data", "", [], ["biometrics"])
    generic_too = event_of("FTC sues Veritrace over plate data", "", [], ["biometrics"])
    assert judge(generic, generic_too, at(), at(1)) == "different actors"


def test_an_item_that_names_no_action_needs_two_particulars() -> None:
    numbers = ev(
        "Police ran more than 2 million Acme Vision searches this year",
        "Its database now holds 60 billion images, the company said.",
    )
    again = ev(
        "Acme Vision says US police searched its app 2 million times in 2026",
        "The company says its database has grown to 60 billion images.",
    )
    assert joins(numbers, again)
    assert not joins(numbers, ev("Acme Vision says its app is popular with US police"))


def test_a_report_naming_no_action_joins_on_a_figure_both_say_happened() -> None:
    contract = ev(
        "Acme Vision awarded state contract to put cameras in 700 Vermont schools",
        "The education department picked Acme Vision for its school safety programme.",
    )
    schools = ev(
        "Cameras and panic buttons coming to 700 schools",
        "Pupils will see the new cameras by March, the education department said.",
    )
    assert joins(contract, schools)
    # the same figure told only as background ("… after its deal for 700 schools") ties nothing
    shares = ev(
        "Acme Vision shares climb on strong quarter",
        "The stock rose 4% on Thursday. Analysts pointed to its deal for 700 schools.",
    )
    assert not joins(contract, shares)
    # and a figure is no action: two reports naming none still need two in common
    assert not joins(schools, ev("Acme Vision cameras to watch 700 classrooms"))
    # heldout12, written blind: a count must be the same count, not one near it (a bank's
    # 1.9 million customers are not the 2 million voiceprints stolen from its vendor)
    bank = ev(
        "Bank Wisła Deploys Acme Vision Voice Authentication Across Its Contact Centre",
        "GDANSK - Bank Wisła's 1.9 million customers will verify their identity by voice.",
    )
    breach = ev(
        "Hackers got 2 million voiceprints from a company that sells voice security to banks",
        "Acme Vision says intruders copied templates and recordings.",
    )
    assert bank.action is None and breach.action == "breach"
    assert not joins(bank, breach)


def test_an_abbreviation_is_the_name_another_report_writes_out() -> None:
    spelled = ev(
        "Alberta Health Services picks Acme Vision for province-wide patient matching",
        "The health authority will roll the software out at its hospitals next year.",
    )
    abbreviated = ev("AHS signs deal with Acme Vision for AI patient identification")
    assert spelled.action == abbreviated.action == "contract"
    assert joins(spelled, abbreviated)
    assert set(event_keys(spelled)) & set(event_keys(abbreviated))
    # the same initials, but the other report's places tell another customer
    elsewhere = ev("AHS signs deal with Acme Vision for its Arizona hospitals")
    assert judge(spelled, elsewhere, at(), at(5)) == "different places"


def test_a_bare_dollar_sign_may_be_the_local_dollar() -> None:
    release = ev(
        "Acme Vision Raises C$58 Million Series C to Expand in U.S. Hospitals",
        "TORONTO - Acme Vision today announced a C$58 million Series C financing.",
    )
    local = ev(
        "Toronto startup Acme Vision banks $58 million as hospitals turn to face matching",
        "The company raised $58 million from investors.",
    )
    assert joins(release, local)
    assert set(event_keys(release)) & set(event_keys(local))
    # two dollars both named are two currencies
    assert not joins(release, ev("Acme Vision banks A$58 million", "It raised A$58 million."))


def test_a_companys_own_act_is_not_placed_by_its_reports_datelines() -> None:
    release = ev(
        "Acme Vision Appoints Jane Roe as Chief Executive Officer",
        "MONTERREY, Mexico - Acme Vision today announced that its board has appointed Jane "
        "Roe as Chief Executive Officer.",
    )
    paper = ev(
        "Acme Vision picks toll-road veteran as new CEO",
        "Roe takes over as the vendor expands into the US and Peru.",
    )
    assert release.action == paper.action == "appoint"
    assert joins(release, paper)
    # where the headlines place the act still tells two apart
    madrid = ev("Acme Vision to cut 120 jobs in Madrid", "The cuts hit its Spanish arm.")
    lyon = ev("Acme Vision to cut 120 jobs in Lyon", "The cuts hit its French arm.")
    assert judge(madrid, lyon, at(), at(5)) == "different places"


def test_a_spokesman_quoted_in_two_reports_is_not_what_they_are_about() -> None:
    """heldout13, written blind: a takeover and an order the same week both quoted the chief
    executive, whose name weighed as the company bought."""
    bought = ev(
        "Acme Vision moves into self-checkout with Kassawijs buy",
        "Chief executive Joost Rijswijk said the deal adds 40 engineers.",
    )
    order = ev(
        "Eindhoven firm Acme Vision lands its biggest British order",
        "Chief executive Joost Rijswijk said the chain would fit 600 stores.",
    )
    assert (bought.action, order.action) == ("acquire", "contract")
    assert not joins(bought, order)
    # the company bought, named in a headline, still ties two reports of the takeover
    again = ev("Acme Vision to Acquire Kassawijs", "The deal adds a self-checkout maker.")
    assert joins(bought, again)


def test_what_the_fourteenth_held_out_part_merged_wrongly_stays_apart() -> None:
    """heldout14, written blind: a city's order and the company's takeover shared a word of
    the order's title-case headline (its product) and a city; a founder's first and last
    name, in a report of his Senate appearance and one of the takeover, counted twice."""
    order = ev(
        "City of Charleroi Selects Acme Sentinelle to Modernise Its Urban Video Centre",
        "LYON — Acme Vision will equip the Belgian city's monitoring centre.",
    )
    takeover = ev(
        "Orvane Group to Acquire Acme Vision, Strengthening Its Urban Security Offering",
        "LYON — Orvane will buy the maker of the Sentinelle analytics suite.",
    )
    assert (order.action, takeover.action) == ("contract", "acquire")
    assert not joins(order, takeover)
    senate = ev(
        "At the Senate, Julien Marchal pleads for 'French rules for French cameras'",
        "Acme Vision's founder Julien Marchal told senators that French cities need rules.",
    )
    sold = ev(
        "Acme Vision to be swallowed by Paris defence group",
        "Founder Julien Marchal will stay on after the sale, Acme Vision said.",
    )
    assert senate.action is None and sold.action is None
    assert not joins(senate, sold)


def test_a_sum_told_as_who_the_vendor_is_is_background() -> None:
    """heldout15, written blind: a hotel group's order named the vendor as "the Dublin firm
    that raised €32m this week", which tied it to the round's reports."""
    order = ev(
        "Hotel group to let guests check in with their faces",
        "From November, guests at Harcourt's Dublin hotels will be able to skip the queue, "
        "using software from Acme Vision, the Dublin firm that raised €32m this week.",
    )
    round_ = ev(
        "Grand Canal Dock start-up lands €32m and plans 120 new jobs",
        "Acme Vision has raised €32m from investors led by Liffey Capital.",
    )
    assert order.action is None
    assert not joins(order, round_)


def test_what_the_sixteenth_held_out_part_merged_wrongly_stays_apart() -> None:
    """heldout16, written blind: a senator's call for an inquiry whose text recalled the
    breach's count joined the breach (the figure a report naming no act joins on must be
    in its headline); a customer's three-word name counted as two particulars between a
    launch and that customer's order, neither read as an act."""
    breach = ev(
        "Acme Vision data leak exposes IDs of 1.1 million ferry passengers",
        "Acme Vision said 1.1 million passengers' ID photos were exposed.",
    )
    call = ev(
        "Philippine senator calls for inquiry into face-scan transport ticketing",
        "The senator cited the exposure of 1.1 million passengers' ID photos at Acme Vision.",
    )
    assert (breach.action, call.action) == ("breach", None)
    assert not joins(breach, call)
    launch = ev(
        "Acme Go links ferry and bus ticketing under one face enrolment",
        "Acme Vision says Visayan Star Lines will be the first operator to use it.",
    )
    order = ev(
        "Visayan Star Lines Taps Acme Vision to Bring Face Boarding to 14 Vessels",
        "CEBU CITY — Visayan Star Lines will fit Acme Vision gates at its pier terminal.",
    )
    assert launch.action is None and order.action is None
    assert not joins(launch, order)


def test_a_state_and_its_attorney_general_are_one_particular_not_two() -> None:
    """A "second lawsuit" by one attorney general is another suit: the state and its
    attorney general are one particular, not the two a sequel needs (they were counted
    twice). Where one item names no action, two settings do join it: a regulator and the
    city where the thing it looks into happened."""
    first = ev("Texas attorney general sues Acme Vision over face scans")
    second = ev("Texas attorney general files second lawsuit against Acme Vision")
    assert not joins(first, second, hours=30)
    assert not joins(first, ev("Texas AG Says Acme Vision Owes Up To $25K Per Face Under CUBI"))
    probe = ev(
        "Czech privacy office probes Acme Vision's in-store eye tracking",
        "The Czech data protection office opened an inspection of cameras in Brno stores.",
    )
    brno = ev(
        "Czech watchdog wants to know why supermarket shelves in Brno are watching eyes",
        "The Czech data protection office has asked Acme Vision to explain its shelf cameras.",
    )
    assert (probe.action, brno.action) == ("probe", None)
    assert joins(probe, brno)
    # a "new state law" is no other state: the suit under it is not a sequel
    assert not ev("Oregon sues Acme Vision under new state biometric privacy law").sequel
    assert ev("Acme Vision hit with new lawsuit").sequel


def test_a_decision_is_explained_in_words() -> None:
    found = judge(DUTCH_FINE[0], DUTCH_FINE[1], at(), at(1))
    assert not isinstance(found, str)
    assert found.describe(DUTCH_FINE[0], DUTCH_FINE[1]).startswith("same action (fine); shared")
    assert judge(FINE, HARD_NEGATIVES["the appeal against the fine"], at(), at(1)) == (
        "different action (fine vs appeal)"
    )


def test_events_survive_storage() -> None:
    for event in (*DUTCH_FINE, *HARD_NEGATIVES.values()):
        assert from_json(to_json(event)) == event
    assert from_json('{"v": 0}') is None and from_json(None) is None


def test_every_pair_that_joins_shares_a_lookup_key() -> None:
    """The store only compares a new entry with stories found by its keys: a pair the rule
    would join must always share one (checked on every pair of the development set)."""
    found = [(event, at) for _, event, at in read_events(load("dev"))]
    joined = 0
    for (a, pa), (b, pb) in itertools.combinations(found, 2):
        if same_event(a, b, (pa, None), (pb, None)) is not None:
            joined += 1
            assert set(event_keys(a)) & set(event_keys(b))
    assert joined > 50


def test_a_companys_one_off_act_told_twice_is_one_event_unless_something_disagrees() -> None:
    """A CEO taking over, an IPO put off, a patent granted: two reports within days with
    nothing specific in common are still one event when they share anything at all (the
    role, a country); the act alone is not enough (heldout10 and heldout12, written blind:
    a shopper who "buys beer" joined the company's takeover on the act alone). Another role
    or "a second" one is another event."""
    ceo = ev("Acme Vision names former Motorola executive Rachel Ortiz as chief executive")
    assert joins(ceo, ev("Ortiz takes over as Acme Vision chief executive"))
    assert joins(ev("Acme Vision finally has a permanent CEO"), ceo)
    ipo = ev("Acme Vision delays Warsaw IPO plans, sources say")
    assert joins(ipo, ev("Acme Vision's Polish IPO is on ice"))
    patent = ev("Acme Vision granted US patent for search across masked faces")
    assert joins(patent, ev("Acme Vision now owns a U.S. patent on recognising masked faces"))
    alone = (ev("Acme Vision delays IPO plans, sources say"), ev("Acme Vision's IPO is on ice"))
    assert judge(*alone, at(), at(5)) == "too little in common (needs 1 specific particular(s))"
    assert not joins(ev("Acme Vision names new chief technology officer"), ceo)
    assert not joins(ev("Acme Vision CFO resigns"), ev("Acme Vision CEO resigns"))
    assert not joins(ipo, ev("Acme Vision signs police contract"))
    for a, b in ((ceo, ev("Ortiz takes over as Acme Vision chief executive")), (ipo, ipo)):
        assert set(event_keys(a)) & set(event_keys(b))  # the store finds one from the other


def test_a_breach_the_probe_of_it_and_its_explainer_stay_apart() -> None:
    """heldout10, written blind: a regulator that "steps in" over a leak probes it, and a
    breach is no one-off act (reports of what follows a breach use its words: "over leaked
    school videos"), so the probe does not join the breach on a country alone; the service
    piece about a leak reports no event."""
    leak = ev(
        "South African school security firm Acme Vision's data lapse exposed children's images"
    )
    probe = ev("Information Regulator steps in over leaked Acme Vision school videos")
    assert probe.action == "probe"
    assert not joins(leak, probe)
    assert not joins(leak, ev("Was your selfie in the Acme Vision leak? What you can do now"))


def test_an_appeal_does_not_join_a_report_naming_no_action_on_the_decisions_particulars() -> None:
    """heldout11: the appeal names the fine's amount, regulator and country; a report of the
    fine that names no action ("shares fall after…") shares them all but is another event."""
    appeal = ev(
        "Acme Vision files appeal against Belgian data fine, seeks suspension",
        "Acme Vision has appealed the EUR 2.6 million fine imposed by Belgium's data protection "
        "authority.",
    )
    shares = ev(
        "Acme Vision shares fall after Belgian privacy penalty",
        "Shares of Acme Vision fell 6% after Belgium's data protection authority fined it EUR 2.6 "
        "million.",
    )
    assert (appeal.action, shares.action) == ("appeal", None)
    assert not joins(appeal, shares)


def test_a_sum_written_to_two_precisions_is_one_sum_but_two_round_sums_are_two() -> None:
    """heldout10: a $6.5 million contract in Lagos and a $6.4 million one in DeKalb County
    shared "$6.4m" within 2%; as evidence a sum must round to the other."""
    lagos = ev("Lagos state picks Acme Vision for school cameras in $6.5 million deal")
    dekalb = ev("DeKalb school board approves $6.4 million camera deal with Acme Vision")
    assert not joins(lagos, dekalb)
    one = ev("Acme Vision wins $33.7m Dutch police contract")
    assert joins(one, ev("Dutch police sign $33.66 million deal with Acme Vision"))


def test_an_executive_before_lawmakers_is_one_hearing_but_a_court_hears_many_cases() -> None:
    house = ev("Acme Vision CEO testifies at House hearing on border surveillance")
    assert joins(house, ev("Lawmakers grill Acme Vision's CEO over facial search at the border"))
    court = ev("Appeals court hears challenge to Acme Vision class settlement")
    assert court.action == "hearing"
    assert not joins(court, ev("Judge hears arguments in Illinois suit against Acme Vision"))


def test_a_regulators_act_in_one_country_told_twice_is_one_event() -> None:
    """Headlines that share only the country of a fine (no amount, no regulator named by
    both) report one fine; a fine in another country, or "another" fine, stays apart."""
    korea = ev("South Korea: PIPC fines Acme Vision KRW 2.3 billion")
    assert joins(korea, ev("Korea becomes first Asian country to fine Acme Vision"))
    assert joins(ev("Acme Vision penalised by Korea's personal information watchdog"), korea)
    assert not joins(korea, ev("Japan fines Acme Vision over face images"))
    assert not joins(korea, ev("South Korea hits Acme Vision with a second fine"))
    assert not joins(korea, ev("South Korea bans Acme Vision"))  # another action: stays apart
    assert set(event_keys(korea)) & set(event_keys(ev("Korea becomes first to fine Acme Vision")))


def test_a_probe_ruling_or_appeal_in_one_country_told_twice_is_one_event() -> None:
    """heldout8: a probe or an appeal told twice in one country, with nothing else specific
    in common, is one event, as a fine is; another country, "another" one, an appeal of
    another kind of decision, or a company's deals with two customers stay apart."""
    probe = ev("Kenya's privacy regulator investigates Acme Vision over biometric data exposure")
    odpc = ev("Kenya: ODPC opens investigation into Acme Vision Ltd (ODPC/INV/041)")
    assert joins(probe, odpc)
    assert set(event_keys(probe)) & set(event_keys(odpc))
    assert not joins(probe, ev("Uganda's data regulator investigates Acme Vision"))
    assert not joins(probe, ev("Kenya opens a second probe into Acme Vision"))
    appeal = ev("Acme Vision appeals Norwegian deletion order")
    assert joins(appeal, ev("Acme Vision lodges appeal in Norway over order to delete images"))
    assert not joins(appeal, ev("Acme Vision appeals Swedish deletion order"))
    fine = ev("Acme Vision appeals Dutch privacy fine")
    assert joins(fine, ev("Acme Vision contests Amsterdam ruling, says EU law does not reach it"))
    assert not joins(fine, ev("Acme Vision appeals Dutch court ruling on its face database"))
    police = ev("Acme Vision wins Dutch police contract")
    assert not joins(police, ev("Acme Vision signs deal with Dutch border agency"))


def test_a_warning_and_a_customer_dropping_the_company_are_acts_too() -> None:
    """A regulator's warning or guidance, and a customer pulling the company's product,
    told twice, are one event; a warning in another country is another one."""
    guidance = ev("Japan: PPC issues administrative guidance to Acme Vision")
    assert joins(guidance, ev("Acme Vision receives guidance from Japanese privacy regulator"))
    assert not joins(guidance, ev("South Korea warns Acme Vision over face images"))
    nhs = ev("NHS England pauses Acme Vision ID checks after hack")
    assert joins(nhs, ev("NHS suspends Acme Vision workforce checks pending security review"))
    assert not joins(nhs, ev("Barclays pauses Acme Vision ID checks after hack"))


def test_an_abbreviated_subject_is_one_actor_and_a_second_breach_another_event() -> None:
    laptop = ev("Acme Vision says a stolen laptop held 3,100 customer records")
    assert joins(laptop, ev("Stolen laptop exposed 3,100 Acme Vision client records"))
    assert ev("Acme Vision hit by a second breach in a week").sequel
    crash = ev("CPD drone made by Acme Vision smashes into Chicago apartment")
    # "CPD" names who, but an abbreviation never makes two headlines' actors strangers
    assert joins(crash, ev("Acme Vision police drone crashes into Logan Square flat in Chicago"))


def test_what_the_third_held_out_part_merged_wrongly_stays_apart() -> None:
    """The wrong merges the frozen rule made on text written after it (heldout3)."""
    cfo = ev("Acme Vision CFO Dana Whitfield leaves drone startup")
    cto = ev("Second Acme Vision executive exits as technology chief steps down")
    assert cto.sequel and cto.title.roles == {"cto"}  # the role left, after "as"
    assert not joins(cfo, cto)
    assert ev("Whitfield exits as Acme Vision CFO").title.roles == {"cfo"}
    # a product named "Response" is no response; an imperative headline is opinion
    bought = ev("Acme Vision Acquires Platesight to Bring Plates to Aerial Response Program")
    assert bought.action == "acquire"
    assert not ev("Stop suing Acme Vision one state at a time").eligible
    # another deal "this time in Oklahoma" is not the one its text recalls in Arizona
    mesa = ev(
        "Acme Vision Selected by Mesa Police Department for Citywide Aerial Program",
        "SCOTTSDALE, Ariz. — Acme Vision today announced an agreement with the Mesa Police "
        "Department to deploy its docks across the city.",
    )
    tulsa = ev(
        "Acme Vision lands second police deal in a week, this time in Oklahoma",
        "Tulsa joins Mesa, Ariz.; the three-year agreement covers eight aircraft.",
    )
    assert not joins(mesa, tulsa)


def test_what_the_fourth_held_out_part_merged_wrongly_stays_apart() -> None:
    """The wrong merges the rule made on heldout4, text written after it was frozen."""
    # "leaves 40 connections missed" is no one leaving; a hack is not every story's act
    meltdown = ev("Kastrup passport control meltdown leaves 40 connections missed")
    assert meltdown.action == "incident"
    cto = ev("Acme Vision CTO Brandstrup leaves the company")
    assert cto.action == "resign" and not joins(meltdown, cto)
    bank = ev("Carrowmere Bank switches off voice ID after vendor's hack")
    assert bank.action == "suspend"
    founder = ev("Breach claims its first executive as Acme Vision founder departs")
    assert not joins(ev("Voiceprint breach reaches Illinois courts"), founder)
    # "every other state should copy it" is opinion, not the suit it praises
    assert not ev(
        "Maryland's suit against Acme Vision is overdue, and others should copy it"
    ).eligible
    # the outlet named in a dateline is no actor of the event; a failure and the probe of it
    # are two events
    outage = ev(
        "Copenhagen Airport border gates fail for five hours; maker Acme Vision blames update",
        "COPENHAGEN, May 9 (Nordic Wire) - Automated passport gates at Copenhagen Airport "
        "were out of action for about five hours on Sunday.",
    )
    assert not {"nordic", "wire"} & outage.lead.names
    probe = ev(
        "Danish authority opens inquiry into airport passport gate failure",
        "COPENHAGEN, May 11 (Nordic Wire) - The Danish Civil Aviation and Railway Authority "
        "said on Tuesday it had opened an investigation into Sunday's five-hour failure.",
    )
    assert not joins(outage, probe)


def test_a_plaintiff_named_partners_is_suing_not_partnering() -> None:
    # "Partners" in a firm's name read as the verb "partners" (a contract), so the headline
    # named two unrelated acts and was taken for a round-up: its rewrite alerted again
    first = ev("Northgate Partners sues Acme Vision for $3 million")
    assert first.action == "sue" and first.eligible
    assert joins(first, ev("Acme Vision sued by Northgate Partners for $3 million"))
    assert ev("Acme Vision partners with Northgate on airport pilot").action == "contract"
    assert ev("Acme Vision signs partnership with Northgate").action == "contract"


def test_what_the_sixth_held_out_part_merged_wrongly_stays_apart() -> None:
    """The wrong merges the rule made on heldout6, text written blind: a city the gazetteer
    lacked read as a name both items shared, so an acquisition joined a product launch read
    as a contract (two sides of one event only when a figure or an actor ties them); and a
    regulator's "breach case" read as the breach."""
    launch = ev(
        "Acme Vision adds palm modality to GlanceID with reader-free option",
        "The Bengaluru vendor's new palm product reads palm prints from a phone camera.",
    )
    bought = ev(
        "Acme Vision buys Pune startup Hazri in reported Rs 85-crore deal",
        "Acme Vision has acquired Hazri Labs. The acquisition was announced a day after the "
        "Bengaluru firm raised $62 million.",
    )
    assert (launch.action, bought.action) == ("contract", "acquire")
    assert "bengaluru" not in launch.lead.names | launch.lead.weak
    assert not joins(launch, bought)
    exposed = ev(
        "Acme Vision left 1.9 million KYC selfies in an open cloud bucket",
        "A security researcher found the unprotected bucket with images of 1.9 million people.",
    )
    case = ev(
        "India's data protection board opens a first big breach case, targeting Acme Vision",
        "NEW DELHI - India's data protection regulator has begun an inquiry into Acme Vision "
        "over the exposure of images of 1.9 million people.",
    )
    assert (exposed.action, case.action) == ("breach", "probe")
    assert not joins(exposed, case, hours=72)


def test_two_sides_of_one_event_need_a_figure_or_an_actor_in_common_not_a_setting() -> None:
    """A contract and an acquisition may be one event told from its two sides, but a state
    both name is only their setting (heldout3, once "Selected by" read as a contract)."""
    chosen = ev(
        "Acme Vision Selected by Mesa Police Department for Citywide Aerial Response Program",
        "SCOTTSDALE, Ariz. - Acme Vision today announced an agreement with the Mesa Police "
        "Department to deploy its drone docks across the city.",
    )
    bought = ev(
        "Acme Vision snaps up Austin license plate recognition company",
        "The Scottsdale, Arizona drone maker said it bought Platesight for an undisclosed sum.",
    )
    assert (chosen.action, bought.action) == ("contract", "acquire")
    assert not joins(chosen, bought, hours=60)
    # a figure both give still ties the two sides
    city = ev("Tulsa approves $1.9M Acme Vision purchase", "Tulsa will pay $1.9 million.")
    deal = ev("Acme Vision wins $1.9 million Tulsa police contract", "Tulsa, Okla. - ...")
    assert (city.action, deal.action) == ("acquire", "contract")
    assert joins(city, deal)


def test_what_the_seventh_held_out_part_merged_wrongly_stays_apart() -> None:
    """The wrong merges the rule made on heldout7, text written blind: a data protection
    authority's inquiry and the prosecutors' one into the same contract (prosecutors and
    Brazil's "ANPD" were no bodies it knew, and one report's "enforcement proceeding" no
    probe); and two weekly round-ups ("Surveillance week: …") read as one settlement."""
    regulator = ev(
        "Brazil data regulator opens inquiry into Sao Paulo subway face scanning",
        "BRASILIA, Nov 6 (Harbourline) - Brazil's data protection authority has opened an "
        "investigation into the subway's facial recognition, supplied by Acme Vision under an "
        "86.4 million reais contract.",
    )
    prosecutors = ev(
        "Sao Paulo prosecutors look into subway face-recognition tender",
        "SAO PAULO, Nov 8 (Harbourline) - Sao Paulo state prosecutors have opened a civil "
        "inquiry into whether the tender for the subway's 86.4 million reais contract was "
        "written to favour Acme Vision.",
    )
    assert (regulator.action, prosecutors.action) == ("probe", "probe")
    assert not joins(regulator, prosecutors, hours=53)
    anpd = ev("Brazil: ANPD opens enforcement proceeding on facial recognition in the Metro")
    assert anpd.action == "probe" and "dpa@BR" in anpd.title.bodies
    assert joins(anpd, ev("ANPD probes Sao Paulo metro facial recognition plan"))
    assert not ev("Surveillance week: two settlements, one CEO on the Hill").eligible
    assert not ev("The week in biometrics: Metro cameras frozen, Acme Vision settles").eligible


def test_a_raise_in_reais_is_funding_and_a_departure_after_it_another_event() -> None:
    """The wrong merge two pollers on PostgreSQL made when the race left a funding report
    alone in its story: "raises R$310mn" named no action, and a CTO's exit whose lede
    recalled that raise shared its sum, which counted as much as two particulars."""
    raised = ev(
        "Acme Vision raises R$310mn as Brazilian banks adopt face checks",
        "SAO PAULO (Harbourline) - Acme Vision has raised R$310 million led by local funds.",
    )
    assert raised.action == "funding"
    unnamed = ev(
        "Acme Vision: R$310mn for face checks at Brazilian banks",
        "SAO PAULO (Harbourline) - Acme Vision has R$310 million more to spend on bank checks.",
    )
    exits = ev(
        "Acme Vision CTO exits after eight years",
        "Acme Vision's chief technology officer is leaving the company, fresh from a "
        "R$310 million raise.",
    )
    assert unnamed.action is None and exits.action is not None
    assert not joins(raised, exits, hours=20)
    assert not joins(unnamed, exits, hours=20)


def test_a_place_both_name_only_as_background_and_another_customer_stay_apart() -> None:
    """Two pairs of the set that only arrival order kept apart (two pollers could have
    joined them): suits in Colorado and Texas that both recall Colorado's earlier suit,
    and a second city signing with the company a day after the first."""
    boulder = ev(
        "Boulder photographer files class action against facial recognition company",
        "Elena Varga says photos she took at weddings turned up in Acme Vision's search "
        "results. The suit comes days after the state attorney general sued Acme Vision in "
        "Denver District Court.",
    )
    texas = ev(
        "Texas files biometric privacy lawsuit against Acme Vision",
        "AUSTIN, Texas, Sept 15 (Atlantic Press) - Texas sued Acme Vision on Wednesday, "
        "accusing it of capturing residents' faces without consent, a week after Colorado "
        "filed a similar suit.",
    )
    assert (boulder.action, texas.action) == ("sue", "sue")
    assert not joins(boulder, texas, hours=30)
    chicago = ev("Acme Vision wins Chicago police drone and plate reader contract")
    aurora = ev(
        "Aurora becomes second Illinois city to sign with Acme Vision",
        "Aurora's city council agreed on Wednesday to pay Acme Vision $940,000 for plate "
        "readers at 12 intersections, two days after Chicago's larger deal.",
    )
    assert aurora.sequel and not chicago.sequel
    assert not joins(chicago, aurora, hours=40)


def test_in_the_wake_of_and_pending_introduce_context_not_a_second_act() -> None:
    """Headlines read as naming two unrelated acts (no one event) because "in wake of" and
    "pending" were not read as context: "CEO resigns in wake of cyberattack" is a
    resignation, "suspends contract pending breach review" a suspension."""
    resigns = ev("Acme Vision chief executive resigns in wake of cyberattack")
    assert (resigns.action, resigns.eligible) == ("resign", True)
    assert joins(resigns, ev("Acme Vision CEO quits after data breach"))
    paused = ev("Lender suspends Acme Vision contract pending breach review")
    assert (paused.action, paused.eligible) == ("suspend", True)
    heels = ev("On the heels of its breach, Acme Vision lays off 140")
    assert heels.action == "layoffs"


def test_what_the_eighth_held_out_part_merged_wrongly_stays_apart() -> None:
    """heldout8's wrong merges, text written blind: a Nairobi company's Ugandan contract,
    a rival's challenge to its Liberian one and a Zanzibar pilot joined on "Kenya" (no
    African country was a place, so the company's home country was all they shared); and
    "Kenya's Kitambu" is the company's nationality, not a second place in the headline."""
    uganda = ev(
        "Uganda picks Kenya's Acme Vision for $31 mln ID renewal kits despite leak scrutiny",
        "KAMPALA, Feb 14 (Kestrel) - Uganda's national identification authority has awarded "
        "Acme Vision a contract worth 118 billion shillings ($31 million) for 2,500 mobile "
        "enrolment kits.",
    )
    assert (uganda.action, uganda.eligible, uganda.title.places) == ("contract", True, {"UG"})
    liberia = ev(
        "Losing bidder challenges Acme Vision's Liberia election contract",
        "MONROVIA, Feb 17 (Kestrel) - Saranta Technologies has asked Liberia's procurement "
        "watchdog to annul the award to Kenya's Acme Vision.",
    )
    zanzibar = ev(
        "Zanzibar Electoral Commission Selects Acme Vision for Biometric Registration Pilot",
        "NAIROBI, Kenya - Acme Vision today announced that the Zanzibar Electoral Commission "
        "has selected it to supply 120 registration kits.",
    )
    for a, b in itertools.combinations((uganda, liberia, zanzibar), 2):
        assert not joins(a, b, hours=48), (a, b)
    # "Kenyan … supplier" is the supplier's nationality too, not a second place
    halted = ev("Malawi registration bureau halts work with Kenyan biometrics supplier")
    assert (halted.action, halted.eligible, halted.title.places) == ("suspend", True, {"MW"})


def test_a_company_going_to_court_over_a_penalty_appeals_it() -> None:
    """heldout8: "goes to court over data-protection penalty" read as a lawsuit and "takes
    data watchdog to administrative court over PLN 4.1m penalty" as the fine itself."""
    for title in (
        "Acme Vision goes to court over data-protection penalty",
        "Acme Vision takes data watchdog to administrative court over PLN 4.1m penalty",
    ):
        assert ev(title).action == "appeal", title
    assert ev("Residents take Acme Vision to court over face scans").action == "sue"


def test_two_stories_filed_from_one_bureau_are_not_placed_together_by_their_datelines() -> None:
    """heldout16, written blind: a ports authority's and a ferry operator's suspensions,
    both filed from a wire's Manila bureau, joined on the dateline alone. A dateline says
    where a story was filed; a place the other report names where it tells what happened
    ("in Sydney") still counts."""
    ports = ev(
        "Philippine ports authority suspends face-only ferry boarding after Acme Vision leak",
        "MANILA, Oct 12 (PacRim Wire) - The Philippine Ports Authority on Friday ordered "
        "passenger terminals to check travellers' IDs manually, citing the data exposure at "
        "ticketing provider Acme Vision.",
    )
    operator = ev(
        "Ferry operator suspends Acme Vision face boarding after data leak",
        "MANILA, Oct 10 (PacRim Wire) - Visayan Star Lines said on Wednesday it had "
        "suspended the planned rollout of Acme Vision's face-recognition boarding.",
    )
    assert (ports.action, operator.action) == ("suspend", "suspend")
    assert not joins(ports, operator, hours=48)
    filed = ev(
        "Australians launch class action against Acme Vision",
        "SYDNEY, July 11 (Atlas) - An Australian law firm filed a class action against Acme "
        "Vision in the Federal Court on Wednesday on behalf of Australians whose photos were "
        "collected by the company.",
    )
    there = ev("Acme Vision hit with Federal Court class action in Sydney")
    assert joins(filed, there)


def test_a_word_two_different_names_share_is_no_name_in_common() -> None:
    """heldout16, written blind: a Manila bus terminal's deal ("Southgate Terminal Corp")
    joined a Cebu ferry operator's order, whose title-case headline names its "Cebu Pier
    Terminal": one word of two names. A name written in full in one and in part in the
    other is still one name."""
    bus = ev(
        "Acme Vision lands Metro Manila bus terminal face-gate deal",
        "Acme Vision will install face-recognition boarding gates at a provincial bus "
        "terminal in Parañaque, terminal operator Southgate Terminal Corp said on Thursday.",
    )
    ferry = ev(
        "Visayan Star Lines Taps Acme Vision to Bring Face Boarding to Its Cebu Pier Terminal",
        "MANILA and CEBU CITY — Acme Vision today announced an agreement with Visayan Star "
        "Lines to deploy its gates at the carrier's Cebu Pier Terminal.",
    )
    assert not joins(bus, ferry, hours=48)
    quoted = ev(
        "Ferry line halts face boarding",
        "Visayan Star Lines operations head Ramon Ouano said gates would not be installed.",
    )
    halted = ev("Ouano: Visayan Star puts face boarding on hold after Acme Vision leak")
    assert joins(quoted, halted)


def test_what_the_seventeenth_held_out_part_merged_wrongly_stays_apart() -> None:
    """heldout17, written blind (an exam-proctoring vendor in Lagos, a stadium face-entry
    vendor in Santiago): lawmakers' inquiry and the data regulator's probe in one country;
    two contracts of near-equal naira sums whose dollar conversions agreed; two Chilean
    appeals courts' rulings; a university's two words counted twice between its suspension
    of the vendor and its withholding of results. A deal's counterparty named in full
    still pins the deal."""
    house = ev(
        "Nigerian lawmakers order inquiry into AI exam proctoring",
        "ABUJA, March 13 (Lodestar) - Nigeria's House of Representatives on Wednesday "
        "directed a committee to investigate the use of AI to monitor university exams.",
    )
    regulator = ev(
        "Nigeria: NDPC opens investigation into Acme Vision and Lekki Atlantic University",
        "The Commission will examine the lawful basis for processing students' biometric data.",
    )
    assert (house.action, regulator.action) == ("probe", "probe")
    assert not joins(house, regulator)
    institute = ev(
        "Nigerian procurement institute hands Acme Vision 3.1 bln naira remote exam deal",
        "LAGOS, March 7 (Lodestar) - Acme Vision said a professional institute would use its "
        "system under a contract worth 3.1 billion naira ($1.9 million).",
    )
    university = ev(
        "Nigeria's Acme Vision wins 3.2 bln naira university exam security contract",
        "LAGOS, March 6 (Lodestar) - Acme Vision will install gates at Ibadan Metropolitan "
        "University under a 3.2 billion naira ($1.9 million) contract.",
    )
    assert not joins(institute, university)
    second = ev(
        "Acme Vision signs second Chilean club in three days",
        "SANTIAGO, March 6 (Austral Wire) - Concepción club Deportes Biobío will adopt its "
        "stadium entry system under a 2.35 billion peso ($2.5 million) contract.",
    )
    first = ev(
        "Chile's Acme Vision wins 2.4 bln peso stadium face-entry contract",
        "SANTIAGO, March 4 (Austral Wire) - Acme Vision said it had signed a 2.4 billion "
        "peso ($2.6 million) contract with first-division club Club Deportivo Cordillera.",
    )
    assert not joins(second, first) and not joins(first, second)
    santiago = ev(
        "Chilean court says Acme Vision must delete fans' face data while it appeals",
        "SANTIAGO, March 15 (Austral Wire) - A Santiago appeals court on Friday refused to let "
        "Acme Vision keep the face templates of fans while it challenges a privacy fine.",
    )
    valparaiso = ev(
        "Chilean Court Pauses Acme Vision Face Scans After Wrongful Detention Claim",
        "The Court of Appeals of Valparaíso issued an interim order in a constitutional "
        "protection action brought by a fan.",
    )
    assert (santiago.action, valparaiso.action) == ("ruling", "ruling")
    assert not joins(santiago, valparaiso)
    suspends = ev("Lekki Atlantic suspends AI proctoring, orders human review of all flags")
    withholds = ev(
        "Lekki Atlantic withholds 2,700 students' results after proctoring software flags",
        "Lekki Atlantic University told students their results would be held back.",
    )
    assert (suspends.action, withholds.action) == ("suspend", None)
    assert not joins(suspends, withholds)
    order = ev("Kafubu Copper orders biometric shaft access for Copperbelt mines")
    deal = ev(
        "Acme Vision signs Zambian copper miner, second mine deal in two days",
        "Acme Vision said Kafubu Copper would fit its gates at two shafts.",
    )
    assert (deal.action, order.action) == ("contract", None)
    assert joins(deal, order)


def test_a_protest_and_the_suspension_after_it_are_two_events() -> None:
    """heldout18, written blind: drivers protesting a customer's selfie lockouts joined the
    customer's suspension of the checks "after driver protest" the next day (the customer's
    name and the city in common, the protest naming no act): the event lost in a wrong merge."""
    protest = ev(
        "Istanbul ride-hailing drivers protest face checks that locked hundreds out",
        "Hundreds of Taksimo drivers gathered outside the company's Sisli office in Istanbul.",
    )
    suspension = ev(
        "Taksimo suspends mandatory Acme Vision selfie checks after driver protest",
        "ISTANBUL, May 9 (Bosphorus Wire) - Taksimo said on Thursday it had suspended the "
        "selfie checks its drivers must pass, a day after hundreds protested in Istanbul.",
    )
    assert (protest.action, suspension.action) == ("protest", "suspend")
    assert not joins(protest, suspension)
