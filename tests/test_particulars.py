"""Reading particulars (monitor.particulars, monitor.amounts, monitor.gazetteer,
monitor.actions): what an item reports and its specifics, from headline and lead."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.actions import action_classes, main_clause
from monitor.amounts import Numbers, to_number
from monitor.particulars import fold, particulars, read_item


@pytest.mark.parametrize(
    "text",
    [
        "fined €27.5m",
        "fined 27.5 million euros",
        "a fine of EUR 27,500,000",
        "una multa di 27,5 milioni di euro",
        "une amende de 27,5 millions d'euros",
        "fined 27.500.000 euros",
        "fined €27.5 million",
    ],
)
def test_one_sum_written_many_ways_is_one_amount(text: str) -> None:
    assert Numbers(fold(text)).money == {("EUR", 27_500_000.0)}


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("fined $33.7 million", ("USD", 33_700_000.0)),
        ("a £7.5m penalty", ("GBP", 7_500_000.0)),
        ("US$1.2bn deal", ("USD", 1_200_000_000.0)),
        ("fined KRW 2.3 billion", ("KRW", 2_300_000_000.0)),
        ("fined 3 million crowns", ("SEK", 3_000_000.0)),
        ("$940K contract", ("USD", 940_000.0)),
        ("raises Rs 530 crore", ("INR", 5_300_000_000.0)),  # Indian English
        ("a Rs. 85-lakh deal", ("INR", 8_500_000.0)),
        # heldout17, written blind: naira were a count, so 3.1 and 3.2 billion agreed as
        # "$1.9 million" both converted to
        ("a contract worth 3.1 billion naira", ("NGN", 3_100_000_000.0)),
        ("a 176 million peso contract", ("MXN", 176_000_000.0)),
        ("fined 4.2 million zlotys", ("PLN", 4_200_000.0)),
    ],
)
def test_currencies_and_multipliers(text: str, amount: tuple[str, float]) -> None:
    assert Numbers(fold(text)).money == {amount}


def test_counts_leave_out_years_dates_times_and_provisions() -> None:
    numbers = Numbers(
        fold(
            "On March 9, 2022 at 10:30 the company said nearly 1m searches were run on 30bn "
            "images within 90 days under Article 17; 2,000 officers used it in 2023."
        )
    )
    assert numbers.counts == {1_000_000.0, 30_000_000_000.0, 2_000.0}
    assert Numbers(fold("a 23% stake, up 4.5 per cent")).percents == {23.0, 4.5}
    assert Numbers(fold("selfies of 19 lakh users")).counts == {1_900_000.0}


@pytest.mark.parametrize(
    ("raw", "value"),
    [("30,5", 30.5), ("30.5", 30.5), ("30,500,000", 30_500_000.0), ("30.500.000", 30_500_000.0)],
)
def test_decimal_and_thousands_marks(raw: str, value: float) -> None:
    assert to_number(raw) == value


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("Customs and Border Protection signs multiyear face search contract with Acme", "cbp"),
        ("U.S. Homeland Security Investigations awards a face search contract to Acme", "hsi"),
        ("the Florida Department of Law Enforcement said on Tuesday that it renewed", "fdle"),
        ("Kenya's Office of the Data Protection Commissioner opened a probe into the leak", "odpc"),
    ],
)
def test_a_name_written_out_gives_its_initials(text: str, initials: str) -> None:
    assert initials in particulars(text).spelled


def test_words_not_written_as_a_name_give_no_initials() -> None:
    assert not particulars("customs and border protection signs a deal").spelled
    assert not particulars("Police drone crashes into an apartment").spelled
    # a title-case headline's capitals make runs of any words
    title_case = "Acme Selected by Abu Dhabi Airports to Deliver a Seamless Border Journey"
    assert not particulars(title_case).spelled
    assert "sbj" in particulars(title_case, sentences=True).spelled


@pytest.mark.parametrize(
    ("title", "action"),
    [
        ("Clearview AI unveils deepfake detection in Investigate 5 update", "launch"),
        ("Homeland Security Investigations buys more Clearview AI licenses", "acquire"),
        # two capitalised words, or a title-case headline, may be the act itself
        ("Corvantis closes Series C to expand its fleet", "funding"),
        ("Acme Vision secures $85M Series C for facial payments", "funding"),  # not "M Series C"
        ("ICO wins Court of Appeal round in long-running Clearview AI case", "ruling"),
        ("Clearview AI Confidentially Files For U.S. IPO", "listing"),
    ],
)
def test_a_name_in_capitals_is_no_act(title: str, action: str) -> None:
    assert read_item(title, "", ["Clearview AI"]).action == action


def test_case_numbers_are_normalised() -> None:
    found = particulars("In re Clearview, No. 1:21-cv-00135 and Case C-123/22, 2023CH01234")
    assert found.cases == {"21-cv-135", "c-123-22", "2023-ch-1234"}


def test_places_are_hierarchical_and_nationality_phrases_are_not_places() -> None:
    found = particulars("A Chicago judge fined the U.S. facial recognition company in Illinois")
    assert found.places == {"US-IL-chicago", "US-IL"}
    assert particulars("the New York-based startup").places == frozenset()
    assert particulars("Quebecers and British Columbians").places == {"CA-QC", "CA-BC"}
    # residents of a state or country, and a state's nickname, name it
    assert particulars("Texans and Marylanders").places == {"US-TX", "US-MD"}
    assert particulars("Coloradans join suit").places == {"US-CO"}
    assert particulars("Garden State AG sues").bodies == {"ag@US-NJ"}
    assert particulars("Brazilians and New Yorkers").places == {"BR", "US-NY"}
    # a state's residents are not those of the country its name contains
    assert particulars("to protect New Mexicans' privacy").places == {"US-NM"}
    assert particulars("Mexicans and Oklahomans").places == {"MX", "US-OK"}
    assert particulars("Japanese regulator").places == {"JP"}


def test_a_dateline_city_counts_as_its_state_or_country() -> None:
    lead = "AMSTERDAM, Nov 3 (Reuters) - The regulator said on Tuesday"
    assert particulars(lead, sentences=True, dateline=True).places == {"EU-NL"}


def test_bodies_take_the_place_next_to_them() -> None:
    found = particulars(
        "The Dutch data protection watchdog and Vermont's attorney general joined the "
        "attorney general of Texas, the Autoriteit Persoonsgegevens and the 7th Circuit"
    )
    assert found.bodies == {
        "dpa@EU-NL",
        "ag@US-VT",
        "ag@US-TX",
        "court:appeals@US-circuit7",
    }
    assert "EU-NL" in found.places and "US-TX" in found.places


def test_prosecutors_and_regulators_named_by_abbreviation_are_bodies() -> None:
    # found by heldout7: prosecutors were no body, so their inquiry looked like a regulator's
    assert particulars("Sao Paulo prosecutors look into subway tender").bodies == {
        "prosecutor@BR-sao_paulo"
    }
    assert particulars("ANPD probes Sao Paulo metro plan").bodies == {"dpa@BR"}
    assert particulars("India's Data Protection Board issues notice").bodies == {"dpa@IN"}


def test_lawmakers_are_a_body_and_a_known_name_after_a_country_is_that_countrys() -> None:
    """heldout17, written blind: a House of Representatives' inquiry joined a data
    regulator's probe in the same country, the lawmakers being no body; and "Nigeria Data
    Protection Commission" was read as Ireland's Data Protection Commission."""
    assert particulars("Nigerian lawmakers order inquiry").bodies == {"legislature@NG"}
    house = particulars("Nigeria's House of Representatives directed a committee")
    assert house.bodies == {"legislature@NG"}
    found = particulars("The Nigeria Data Protection Commission has commenced an inquiry")
    assert found.bodies == {"dpa@NG"}
    assert particulars("the Data Protection Commission fined it").bodies == {"dpa@EU-IE"}
    assert particulars("NDPC opens investigation").bodies == {"dpa@NG"}
    assert particulars("Brazil's Congress opens an inquiry").bodies == {"legislature@BR"}


def test_a_court_is_placed_by_its_seat_not_by_its_country() -> None:
    assert "court:high@GB-ENG-london" in particulars("the High Court in London").bodies
    assert particulars("a U.S. district judge").bodies == {"court:trial"}


def test_names_are_capitalised_words_but_not_topic_terms_places_or_sentence_starts() -> None:
    found = particulars(
        "Chief executive Jane Doe said Acme Vision will appeal. Reuters reported it.",
        frozenset({"acme", "vision"}),
        sentences=True,
    )
    assert found.names == {"jane", "doe"}
    headline = particulars("Dalton Sues Facial Recognition Firm")  # title case: not sure
    assert headline.names == frozenset() and "dalton" in headline.weak


def test_an_abbreviation_names_an_actor_only_as_a_headlines_subject() -> None:
    assert particulars("NHS pauses Acme Vision ID checks after hack").acronyms == {"nhs"}
    assert particulars("CPD grounds its drones after crash").acronyms == {"cpd"}
    # elsewhere an abbreviation is too ambiguous ("a second BIPA case", "NFC passport check")
    acme = frozenset({"acme", "vision"})
    assert (
        "bipa" not in particulars("Drivers bring second BIPA case against Acme Vision", acme).names
    )
    assert not particulars("Acme Vision launches NFC passport check", acme).acronyms


@pytest.mark.parametrize(
    ("title", "action"),
    [
        ("Dutch regulator fines Acme Vision €30.5m over its face database", "fine"),
        ("Acme Vision appeals €30.5m Dutch fine", "appeal"),
        ("Court upholds €30.5m fine against Acme Vision", "ruling"),
        ("Acme Vision wins appeal against UK privacy watchdog fine", "ruling"),
        ("Acme Vision calls Dutch fine unlawful and says it will not pay", "respond"),
        ("Vermont AG files consumer-protection suit against Acme Vision", "sue"),
        ("Acme Vision to pay $1.75 million to settle California privacy suit", "settle"),
        ("Acme Vision's CEO resigns as company eyes federal contracts", "resign"),
        ("Jane Doe steps down as chief executive of face-search startup", "resign"),
        ("Police drone crashes into apartment, FAA investigating", "incident"),
        ("FAA investigating police drone crash", "probe"),
        ("Japan: PPC issues administrative guidance to Acme Vision", "warning"),
        ("FTC warns Acme Vision over face scans in stores", "warning"),
        ("Harlow Foods pulls Acme Vision cameras from 140 stores", "suspend"),
        ("Ontario Health ends contract with Acme Vision following cyberattack", "suspend"),
        ("Ortiz takes over as Acme Vision chief executive", "appoint"),
        ("Veridian takes over Acme Vision", "acquire"),
        ("Veridian is buying the company that checks your age online", "acquire"),
        # found by the blind part heldout5 (invented names): an executive "is out", a body
        # whose name holds an action word, an investigative demand, a chief "added"
        ("Acme Vision's security chief is out, days after the selfie leak", "resign"),
        ("Georgia Bureau of Investigation signs three-year Acme Vision deal", "contract"),
        ("Utah issues civil investigative demand to Acme Vision Inc.", "probe"),
        ("Acme Vision adds compliance chief from Homeland Security", "appoint"),
        # a regulator's finding is its decision, and a law broken is no data breach
        (
            "Australian privacy watchdog rules Acme Vision's store face scans broke the law",
            "ruling",
        ),
        ("OAIC finds Acme Vision breached Privacy Act with facial recognition", "ruling"),
        ("Italy fines Acme Vision for breach of GDPR", "fine"),
        ("Acme Vision data breach exposes 2 million records", "breach"),
        ("Acme Vision taps investors for A$22m at steep discount", "funding"),
        ("Perth stadium signs up Acme Vision despite OAIC finding", "contract"),
        # an appeal against a ruling is the appeal; a court refusing a stay rules; a customer
        # leaving a vendor suspends; a headline's "a day after" and "follow" start context
        ("Acme Vision appeals Dutch ruling", "appeal"),
        ("Acme Vision contests Vienna ruling, says EU law doesn't reach it", "appeal"),
        ("Acme Vision appeal tossed by court", "ruling"),
        ("Belgian court refuses to suspend Acme Vision privacy fine", "ruling"),
        ("Brussels Market Court Won't Pause Acme Vision's €5.1M GDPR Fine", "ruling"),
        ("Acme Vision loses its biggest customer a day after data exposure", "suspend"),
        ("Alcohol delivery service swaps out age-verification provider after leak", "suspend"),
        ("Cellar Dash moves age checks to rival vendor, ending Acme Vision contract", "suspend"),
        ("Acme Vision layoffs follow breach, lost customers", "layoffs"),
        ("Senate passes bill banning face scans", "legislation"),
        # from heldout3's misreadings (a "first-response" fleet responds to nothing; a state
        # resolving its suit settles it; a suit seeking penalties is the suit; a "top job")
        ("Corvantis closes Series C to expand its first-response fleet", "funding"),
        ("Vermont resolves years-long lawsuit against Acme Vision", "settle"),
        ("Garden State AG Seeks Per-Violation Penalties From Acme Vision", "sue"),
        ("Quillon picks outdoor ad veteran for top job", "appoint"),
        ("Acme Vision responds to Dutch fine", "respond"),
        # unread verbs of the six parts (2026-12-01), each a miss before: a sum a company
        # "lands" or "pulls in" is funding, a sum it "secures" as a settlement is not
        ("Age-check start-up Acme Vision lands $48m as online safety laws bite", "funding"),
        ("Scottsdale startup pulls in $60 million from investors", "funding"),
        ("Acme Vision Limited (ASX: ACM) - Completion of A$22 million placement", "funding"),
        (
            "Acme Vision, which guesses your age from your face, just got a lot more money",
            "funding",
        ),
        ("Attorney General Secures $3 Million Settlement With Acme Vision", "settle"),
        ("Acme Vision gets €3.3m penalty from Polish privacy office", "fine"),
        ("Hackers got 38,000 ID documents from Acme Vision", "breach"),
        ("Acme Vision CFO Natalie Brandt to depart", "resign"),
        ("Another top executive walks out at Acme Vision", "resign"),
        ("Marchand out at Acme Vision; board begins search for successor", "resign"),
        ("Acme Vision snaps up Austin license plate recognition company", "acquire"),
        ("Meridian moves for Acme Vision in €310m deal", "acquire"),
        ("State goes to court against face-search firm, citing county police searches", "sue"),
        ("Md. AG Hits Acme Vision With Consumer Protection Claims Over Scraped Selfies", "sue"),
        ("Wash. AG Brings First My Health My Data Act Case Against Acme Vision", "sue"),
        ("Activists and Acme Vision reach accord in Oakland courtroom fight", "settle"),
        ("Acme Vision will pay state, purge residents' photos to end 7-year fight", "settle"),
        ("Attorney General Vega Announces $975,000 Agreement With Acme Vision", "settle"),
        ("Austria becomes fifth European regulator to penalise Acme Vision", "fine"),
        ("Smile, you're on a billboard: Paris regulator slaps Acme Vision", "fine"),
        ("Austrian regulator tells Acme Vision to wipe reporter's face from its database", "ban"),
        ("Senate text would outlaw camera analytics in French DOOH", "ban"),
        ("Acme Vision Provides Notice of Data Security Incident", "breach"),
        ("Exclusive: Acme Vision left 2.3 million selfies in an open cloud bucket", "breach"),
        ("Shoppers' faces no longer scanned at Harvest Lane after privacy finding", "suspend"),
        ("Acme Vision settles with state, will no longer sell to Connecticut companies", "settle"),
        ("Chirpline drops Acme Vision face scans for teen sign-ups", "suspend"),
        ("Chicago parks its police drones while Acme Vision works on a fix", "suspend"),
        ("Italy: Garante imposes temporary limitation on Acme Vision's processing", "suspend"),
        (
            "Acme Vision Selected to Deliver 120 Border Control Gates to Portuguese Airports",
            "contract",
        ),
        ("Finnish Border Guard orders 46 Acme Vision gates for Helsinki Airport", "contract"),
        ("Aurora becomes second Illinois city to sign with Acme Vision", "contract"),
        ("ICE just re-upped Acme Vision. Here's the paperwork.", "contract"),
        (
            "Danish firm Acme Vision to install 120 passport e-gates at Portuguese airports",
            "contract",
        ),
        ("Acme Vision trims 22% of workforce", "layoffs"),
        ("Acme Vision postpones listing plans", "listing"),
        ("Danish border-gate maker eyes $870 million stock market debut", "listing"),
        ("Acme Vision: overnight release 4.12.1 took down every Terminal 3 gate", "incident"),
        ("Transport authority demands answers from Acme Vision over Kastrup breakdown", "probe"),
        ("Senators want answers from Acme Vision by June 24", "hearing"),
        ("Kulkarni tells House panel stolen Acme Vision templates 'cannot be replayed'", "hearing"),
        ("After crash and hearing, Acme Vision brings in an FAA veteran", "appoint"),
        ("Acme Vision Limited (ASX: ACM) - Application for review of OAIC determination", "appeal"),
        ("Acme Vision seeks tribunal review as shares slide 30% since ruling", "appeal"),
        ("Austria: Acme Vision lodges complaint against DSB decision with BVwG", "appeal"),
        (
            "Acme Vision Fights $3.6M Polish Privacy Penalty In Warsaw Administrative Court",
            "appeal",
        ),
        ("Acme Vision loses first round in Belgian appeal", "ruling"),
        ("Acme Vision won't have to pay Polish fine for now, judges decide", "ruling"),
        ("Polish judges freeze Acme Vision penalty but leave erasure duty in force", "ruling"),
        ("WSA Warsaw partly grants Acme Vision's motion for suspension of UODO decision", "ruling"),
        # from the blind part heldout6: a regulator opening a "breach case" probes it; and,
        # once it was scored, the acts it named in words the lists lacked
        (
            "India's data protection board opens a first big breach case, targeting Acme Vision",
            "probe",
        ),
        ("Acme Vision Announces Leadership Transition", "resign"),
        ("New Acme Vision chief to start Oct. 1; shares rise 6%", "appoint"),
        ("Acme Vision Takes Irish Privacy Penalty To Dublin High Court", "appeal"),
        ("Acme Vision launches legal challenge to DPC's €7.4m fine", "appeal"),
        ("DPD ends use of Acme Vision facial recognition after state lawsuit", "suspend"),
        ("Denver police won't renew Acme Vision subscription", "suspend"),
        ("Halifax walks away from Acme Vision deal", "suspend"),
        ("Halifax cancels Acme Vision pilot at ferry terminals", "suspend"),
        ("Vyom Telecom ditches Acme Vision for SIM activation checks", "suspend"),
        ("Acme Vision trims 11% of staff, books C$6.5m restructuring charge", "layoffs"),
        # and heldout7's, once it was scored: a company's statement on its own incident
        # discloses it; a fine taken to a court is appealed; a court that freezes rules
        ("Acme Vision Statement on Cybersecurity Incident", "breach"),
        ("Acme Vision takes €2.4m data fine to the Audiencia Nacional", "appeal"),
        ("Spanish Biometrics Co. Challenges €2.4M Privacy Fine In Court", "appeal"),
        (
            "Attorney General Thornbury Secures Agreement Requiring Acme Vision to Delete Data",
            "settle",
        ),
        ("Sao Paulo Court Freezes Metro Face-Scan Project By Acme Vision", "ruling"),
        ("Brazil judge halts Sao Paulo subway facial recognition rollout", "ruling"),
        ("Court order puts Acme Vision's biggest contract on hold", "ruling"),
        ("Brazil's lower house votes to curb police use of facial recognition", "legislation"),
        ("Brazilian Chamber passes PL 3418/2027 on facial recognition", "legislation"),
        # who pays whom: a company "to pay" a state settles with it; a customer paying the
        # company buys from it
        ("Acme Vision to pay Michigan $1.6 mln, let residents opt out of face database", "settle"),
        ("Acme Vision to pay the State of New Mexico $900,000", "settle"),
        ("Mesa to pay Acme Vision $48,000 for a year of face search", "contract"),
        ("Police department pays Acme Vision $20,000 for licenses", "contract"),
        # legislators who summon an executive, or one to face them: a hearing, whatever it
        # is about (heldout8's Senate hearing "on leak" read as the breach)
        ("Senators summon Acme Vision boss over data breach", "hearing"),
        ("Jane Roe to face senators on 2.3 million record leak", "hearing"),
        ("Acme Vision CEO faces lawsuit over leak", "sue"),
        # found by the parts' misses of 2026-12-02: a payment that puts a probe to rest
        # settles it; a class action launched is a suit; a chief who takes over at a company
        # is appointed; a hacked or breached vendor is context, not the event
        ("Acme Vision Pays $1.9M To Put Conn. Biometric Probe To Rest", "settle"),
        ("Acme Vision Pays $925K To Resolve Ore. Consumer Privacy Probe", "settle"),
        ("Minnesotans Launch Biometric Class Action Against Acme Vision", "sue"),
        ("Payments risk chief takes over at breached voice-ID vendor Acme Vision", "appoint"),
        ("Spanish lender suspends biometric login supplied by hacked vendor", "suspend"),
        ("Acme Vision breached by hackers", "breach"),
        ("Meridian takes over Acme Vision", "acquire"),
        # a sum raised in a currency code, investors backing a company: funding, whatever
        # happened days before; resolving a class action or closing a probe with a payment
        # settles it; a company that can't halt an order lost in court; a listing pushed
        # back is put off, not answered; deputies approve a bill; a post filled appoints
        ("Acme Vision raises Sh2.3bn days after data leak", "funding"),
        ("Investors back Acme Vision with $18m days after data exposure", "funding"),
        ("Acme Vision to resolve Pennsylvania privacy class action for $1.6 million", "settle"),
        (
            "Acme Vision Closes Conn. AG Probe With $975K Assurance Of Voluntary Compliance",
            "settle",
        ),
        ("Acme Vision Can't Halt Irish Deletion Order While Appeal Plays Out", "ruling"),
        ("Acme Vision pushes back WSE listing that could have valued it at PLN 600m", "listing"),
        ("Acme Vision pushes back on Dutch fine", "respond"),
        (
            "Deputies approve facial recognition limits; Acme says it 'welcomes clear rules'",
            "legislation",
        ),
        ("Acme Vision fills finance post three days after Whitcombe's departure", "appoint"),
        # a breach that reaches courts is sued over; a regulator that gives a company days to
        # explain a leak looks into it; "A week after the hack, …" is context
        ("Voiceprint breach reaches Illinois courts under biometric privacy law", "sue"),
        ("Data commissioner gives Acme Vision 14 days to explain leak", "probe"),
        ("Information Regulator steps in over leaked school videos", "probe"),
        ("Acme Vision CFO exits", "resign"),
        ("A week after the Acme Vision hack, banks say they will drop voice ID", "suspend"),
        # heldout9, written blind: a vendor hired "for" things is a contract; a founder who
        # steps back from running the company leaves it; an amparo is a suit
        ("Lima hires Mexico's Acme Vision for 250 traffic cameras", "contract"),
        ("Acme Vision hires former Visa executive as CFO", "appoint"),
        ("Rodrigo Elizondo steps back from running Acme Vision", "resign"),
        ("Jalisco amparo targets Acme Vision's cut of fines", "sue"),
        # (then, in-sample) a tribunal or judges that deny rule; suing or asking judges to
        # undo a fine appeals it; paying to close out a suit settles it; a deal challenged in
        # court is sued over
        ("Colombian tribunal denies Acme Vision request to suspend data fine", "ruling"),
        ("Traffic Cam Co. Acme Vision Sues To Undo Colombian Data Fine", "appeal"),
        ("Acme Vision says it followed Bogota's orders, asks judges to cancel sanction", "appeal"),
        ("Acme Vision Pays $1.15M To Close Out Vt. AG's 2020 Data Broker Suit", "settle"),
        ("Guadalajara drivers challenge new traffic camera contract in court", "sue"),
        # heldout12, written blind: a claim for a sum from the company is a suit; a grocer
        # offering the vendor's product at its stores buys it
        ("Consumer Group Seeks $9.8M From Acme Vision, Grocer Over Checkout Face Scans", "sue"),
        ("Supermercados Jatobá to Offer Acme Vision Face Payment at All 310 Stores", "contract"),
        # (then, in-sample) a company suing its regulator, or going to court against its
        # penalty, contests the regulator's decision
        ("Acme Vision Sues Brazil's Data Regulator To Undo $1.9M Biometrics Fine", "appeal"),
        ("Acme Vision takes the regulator to court", "appeal"),
        ("Acme Vision goes to federal court against ANPD penalty", "appeal"),
        ("Watchdog takes Acme Vision to court", "sue"),
        # heldout14, written blind: a ruling the appeal asks for is no ruling
        ("Acme Vision asks France's top administrative court to overturn privacy fine", "appeal"),
        ("Court overturns Acme Vision fine", "ruling"),
        # heldout16, written blind: a probe someone calls for is not opened
        ("Philippine senator calls for inquiry into face-scan ticketing", None),
        # a customer that "signs up for" the vendor or its product orders it (heldout10,
        # heldout11, heldout13 and heldout16 all write it so)
        ("Oulu haulier signs up for Helsinki firm's new driver cameras", "contract"),
        ("Limerick insurer signs up for Acme Vision", "contract"),
        # heldout18, written blind: drivers protesting are an event of their own; the
        # protest a customer's suspension follows is its background
        ("Istanbul ride-hailing drivers protest face checks that locked hundreds out", "protest"),
        ("Taksimo suspends mandatory Acme Vision selfie checks after driver protest", "suspend"),
        ("Miami-Dade OKs $1.4M Acme Vision contract despite protests", "contract"),
        # an order that "leaves" something running is no one leaving (heldout18)
        ("Watchdog's temporary order leaves Acme Vision fall detection running", None),
    ],
)
def test_the_headline_names_one_action(title: str, action: str) -> None:
    assert read_item(title, "").action == action


def test_a_shopper_buying_is_no_takeover() -> None:
    """heldout12, written blind: "…before it lets you buy beer" read as an acquisition, which
    a company does once in a while, so it joined the company's takeover of the same week."""
    title = "This self-checkout guesses your age from your face before it lets you buy beer"
    assert read_item(title, "").action is None
    assert read_item("Acme Vision buys Chilean ticketing firm", "").action == "acquire"


def test_a_headline_in_three_parts_is_a_digest() -> None:
    """heldout13, written blind: a Sunday round-up read as its first part's appeal."""
    digest = (
        "Sunday reading: Acme settles, gets fined and appeals; Beta fined and booed; Gamma shopping"
    )
    assert read_item(digest, "").multi
    assert not read_item("Acme Vision CEO quits abruptly; shares slide", "").multi


def test_an_entry_exit_system_is_no_one_leaving() -> None:
    """heldout11, written blind: an airport's order of kiosks "for Entry/Exit System"."""
    kiosks = read_item("Cyprus airports order Acme Vision kiosks for Entry/Exit System", "")
    assert kiosks.action != "resign"


def test_a_main_clause_without_an_act_reports_none_its_background_names() -> None:
    """heldout9: the police buying face search "days after AG's suit" do not sue."""
    laredo = "Laredo police add Acme Vision face search, days after AG's suit was filed here"
    assert read_item(laredo, "").action is None
    assert read_item("Acme Vision appeals against Dutch fine", "").action == "appeal"


def test_the_tracked_company_paying_settles_and_a_customer_paying_it_buys() -> None:
    """Who pays whom: "Acme Vision to Pay $2.25 Million" is a settlement (or a penalty),
    whoever it pays; "Mesa to pay Acme Vision $48,000" a contract."""
    tracked = ["Acme Vision"]
    okafor = "AG Okafor: Acme Vision to Pay $2.25 Million, Barred From Selling Face Database"
    assert read_item(okafor, "", tracked).action == "settle"
    mesa = "Mesa to pay Acme Vision $48,000 for a year of face search"
    assert read_item(mesa, "", tracked).action == "contract"
    # a sum a state gets from the company: a settlement, not a round (nor nothing)
    secures = "Attorney General Secures $1.6 Million From Acme Vision Over Residents' Faces"
    assert read_item(secures, "", tracked).action == "settle"
    wins = "New Mexico wins $1.1 mln from Acme Vision, days after Oregon deal"
    assert read_item(wins, "", tracked).action == "settle"
    assert read_item("Acme Vision raises $30 million from investors", "", tracked).action == (
        "funding"
    )


def test_the_words_of_company_names_name_no_one() -> None:
    """heldout9: "PT Bank Lintas Digital" and "Chao Phraya Bank" shared two "names"."""
    names = particulars("PT Bank Lintas Digital filed a claim against the vendor.").names
    assert names == {"lintas"}


def test_the_main_clause_leaves_out_context() -> None:
    title = "After ICO fine, Haldane faces Ofcom scrutiny as sale looms"
    start, end = main_clause(title)
    assert title[start:end] == "Haldane faces Ofcom scrutiny"
    assert main_clause("Lindqvist out as chief executive") == (0, 32)  # "as CEO" is not cut


def test_an_unpaid_bill_is_no_legislation_and_drones_answering_calls_respond_to_nothing() -> None:
    assert read_item("Brussels watchdog hands Acme Vision another unpaid bill", "").action is None
    assert read_item("Tulsa police to add drones that respond to 911 calls", "").action is None


def test_hiring_banks_or_joining_a_list_is_no_appointment_or_contract() -> None:
    assert read_item("Acme Vision hires banks for Copenhagen listing", "").action is None
    listed = read_item("Warsaw regulator adds Acme Vision to its list of GDPR violators", "")
    assert listed.action != "contract"


def test_commentary_round_ups_and_scattered_headlines_report_no_one_event() -> None:
    assert read_item("What the Dutch fine means for Acme's clients", "").commentary
    assert read_item("Week in review: Acme fined, sued and settled", "").commentary
    assert read_item("Was your selfie in the Acme leak? What you can do now", "").commentary
    assert read_item("Acme fined in Italy, sued in Vermont", "").multi
    assert read_item("Acme sued in Chicago and Houston", "").multi
    assert not read_item(
        "Colombia fines Mexican traffic camera firm Acme over Bogota data", ""
    ).multi
    assert not read_item("Italy fines Acme €20m", "").multi
    # cities of one country are one setting; a buyer's nationality is no second place
    assert not read_item("Portugal picks Acme for e-gates at Lisbon, Porto and Faro", "").multi
    deal = read_item("Austin ALPR vendor Plateview to be acquired by Canadian face-search firm", "")
    assert (deal.action, deal.multi) == ("acquire", False)


def test_action_classes_in_other_languages() -> None:
    assert action_classes(fold("Il Garante privacy multa Acme Vision")) == ["fine"]
    assert action_classes(fold("La CNIL inflige une amende à Acme Vision")) == ["fine"]


@given(st.text(), st.text())
def test_reading_never_raises(title: str, summary: str) -> None:
    read_item(title, summary, ["Clearview AI"])
