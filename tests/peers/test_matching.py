"""Matching with small fixtures whose right answer is known (pure functions, no database)."""

from datetime import date

from peers import matching
from peers.matching import Candidate, Host

WEEK = date(2027, 6, 7)
ALL_YEAR = ((date(2027, 4, 1), date(2028, 3, 31)),)
HOST = Host(
    council_id=1,
    parent_id=10,
    child_ids=frozenset({20}),
    neighbour_ids=frozenset({30}),
    starts_on=WEEK,
    days=4,
    focus_areas=frozenset({"housing"}),
)


def peer(pk, roles=("senior_officer",), **kwargs):
    defaults = {"name": f"Peer {pk}", "organisation_id": 100 + pk, "days_offered": 20, "windows": ALL_YEAR}
    return Candidate(id=pk, roles=frozenset(roles), **{**defaults, **kwargs})


def test_each_hard_rule_excludes_its_candidates_with_the_reason():
    candidates = [
        peer(1, organisation_id=1),  # the host itself
        peer(2, organisation_id=10),  # its county
        peer(3, organisation_id=20),  # one of its districts
        peer(4, organisation_id=30),  # a nearest neighbour
        peer(5, days_offered=6, days_committed=4),  # 4 + 4 > 6
        peer(6, windows=((date(2027, 6, 8), date(2027, 12, 1)),)),  # starts a day late
        peer(7),  # the only one who passes
    ]
    proposal = matching.propose_team(HOST, candidates, slots=("senior_officer",))

    assert proposal.ids == [7]
    excluded = {rule: [entry[0] for entry in entries] for rule, entries in proposal.exclusions.items()}
    assert excluded == {
        matching.SAME_COUNCIL: [1],
        matching.TIER: [2, 3],
        matching.NEIGHBOUR: [4],
        matching.OFFERED_DAYS: [5],
        matching.AVAILABILITY: [6],
    }
    reasons = {entry[0]: entry[2] for entries in proposal.exclusions.values() for entry in entries}
    assert "host council" in reasons[1]
    assert "upper or lower tier" in reasons[2]
    assert "nearest neighbours" in reasons[4]
    assert "4 of 6 offered days" in reasons[5]
    assert "not available" in reasons[6]


def test_a_district_peer_is_excluded_from_its_county_host_by_their_parent():
    county = Host(council_id=10, starts_on=WEEK, days=4)
    candidates = [peer(1, organisation_id=55, organisation_parent_id=10), peer(2)]
    assert matching.propose_team(county, candidates, slots=("senior_officer",)).ids == [2]


def test_every_proposed_peer_carries_why_they_were_chosen():
    proposal = matching.propose_team(HOST, [peer(1, areas=frozenset({"housing"}))], slots=("senior_officer",))
    (pick,) = proposal.picks
    assert any("housing" in reason for reason in pick.reasons)
    assert any("available from 7 June to 10 June 2027" in reason for reason in pick.reasons)
    assert any("16 offered days left" in reason for reason in pick.reasons)


def test_member_peers_are_drawn_across_parties():
    candidates = [
        peer(1, roles=("lead_member",), party="labour"),
        peer(2, roles=("member",), party="labour"),
        peer(3, roles=("member",), party="conservative", last_gave=date(2027, 1, 1)),
    ]
    proposal = matching.propose_team(HOST, candidates, slots=("lead_member", "member"))
    assert proposal.ids == [1, 3]
    assert [entry[0] for entry in proposal.exclusions[matching.PARTY]] == [2]


def test_without_political_balance_the_same_party_may_fill_both_member_places():
    host = Host(council_id=1, starts_on=WEEK, days=4, political_balance=False)
    candidates = [peer(1, roles=("lead_member",), party="labour"), peer(2, roles=("member",), party="labour")]
    assert matching.propose_team(host, candidates, slots=("lead_member", "member")).ids == [1, 2]


def test_fairness_prefers_who_gave_least_recently_among_equal_fits():
    candidates = [
        peer(1, last_gave=date(2027, 3, 1)),
        peer(2, last_gave=date(2026, 5, 1)),
        peer(3, last_gave=date(2026, 11, 1)),
    ]
    assert matching.propose_team(HOST, candidates, slots=("senior_officer", "senior_officer")).ids == [2, 3]
    never = [*candidates, peer(4)]
    assert matching.propose_team(HOST, never, slots=("senior_officer",)).ids == [4]


def test_fit_for_the_focus_areas_comes_before_fairness():
    candidates = [peer(1), peer(2, areas=frozenset({"housing"}), last_gave=date(2027, 3, 1))]
    assert matching.propose_team(HOST, candidates, slots=("senior_officer",)).ids == [2]


def test_repeated_challenges_spread_the_load_across_the_bank():
    """Ten successive challenges, each giving its peer a later last_gave: everyone is used
    before anyone is used twice."""
    bank = {pk: peer(pk) for pk in range(1, 6)}
    chosen = []
    for n in range(10):
        host = Host(council_id=1, starts_on=WEEK, days=1)
        (pick,) = matching.propose_team(host, list(bank.values()), slots=("senior_officer",)).picks
        chosen.append(pick.candidate.id)
        old = bank[pick.candidate.id]
        bank[old.id] = Candidate(**{**old.__dict__, "last_gave": date(2027, 1, 1 + n)})
    assert sorted(chosen[:5]) == [1, 2, 3, 4, 5]
    assert chosen[5:] == chosen[:5]


def test_a_decline_re_proposes_the_next_best_keeping_the_rest():
    candidates = [peer(1), peer(2), peer(3, last_gave=date(2027, 1, 1))]
    first = matching.propose_team(HOST, candidates, slots=("senior_officer", "senior_officer"))
    assert first.ids == [1, 2]
    kept = [pick for pick in first.picks if pick.candidate.id == 2]
    again = matching.propose_team(HOST, candidates, slots=("senior_officer", "senior_officer"), keep=kept, exclude=[1])
    assert again.ids == [2, 3]


def test_a_slot_nobody_can_fill_is_reported_unfilled():
    proposal = matching.propose_team(HOST, [peer(1, organisation_id=1)], slots=("lead_officer", "senior_officer"))
    assert proposal.picks == []
    assert proposal.unfilled == ["lead_officer", "senior_officer"]
