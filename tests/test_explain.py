"""Explanations of hand plans whose binding limits are worked out by hand.

C-17A times (test_plan's docstring): M1 departs KPOB 4.0, lands OKAS 20.0, offloads to
23.5, is back at 39.5 (onload 0.75-4.0); 27 flying hours, 14 of them on day 0.
"""

from __future__ import annotations

import pytest
from test_plan import C17_TIMES, hand_plan, m1, route, scen, unit

from logistics.explain import explain, explain_text
from logistics.plan import Finding, Leg, Load, Plan
from logistics.verify import verify


def solo(**over):
    """U1 alone: 80 soldiers, nothing else, with fields replaced."""
    return unit("U1", **{"pax": 80, "bulk_stons": 0, "oversize_stons": 0, "outsize_stons": 0, **over})


def test_mog_saturated_at_okas():
    # OKAS MOG 1. M1 on the ground there 20.0-23.5; M9 (= M1 + 3.5 h) 23.5-27.0: the one
    # parking spot is full from 20.0 to 27.0. U1 (80 soldiers, 40 per mission, RDD 22)
    # closes at 23.5, 1.5 h late. Fleet 2 of 3, crew day 0 = 14 + 13.5 = 27.5 of 36: free.
    s = scen(airfields=[{"icao": "OKAS", "mog": 1}], units=[solo(required_hour=22)])
    ms = [m1(loads=(Load("U1", pax=40),)),
          m1(id="M9", legs=route(C17_TIMES, shift=3.5), loads=(Load("U1", pax=40),))]
    p = Plan.from_missions(s, ms, status="feasible")
    assert verify(s, p) == []
    fs = explain(s, p)
    # one finding for the one limit: the saturation, and that it sets the force closure
    # (M9 waited 4.25 h to start loading, and reaches OKAS at 23.5 when M1 leaves)
    assert [f.kind for f in fs] == ["mog"]
    f = fs[0]
    assert f.subject == "OKAS"
    assert (f.start_hour, f.end_hour) == (20.0, 27.0)
    assert f.units == ("U1",)
    assert f.message.startswith(
        "OKAS MOG saturated h20.0-h27.0 (1 of 1 on the ground). Force closure h23.5 is set by waiting "
        "for ramp space (MOG) at OKAS: U1 closes last (2 missions). Ready at h0, its last load waited "
        "4.2 h (the ramp at OKAS was full h20.0-h23.5, 1 of 1 on the ground)")
    assert explain_text(fs) == [f"{f.message} — affects U1"]


def test_fleet_pool_busy_and_crew_hours():
    # One C-17A with UTE 14 h: M1 holds it 0.75-39.5 and flies 14.0 of 14.0 h on day 0.
    # U1 (RDD 16) closes at 20.0: 4 h late.
    s = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 14}], units=[solo(required_hour=16)])
    p = Plan.from_missions(s, [m1(loads=(Load("U1", pax=80),))], status="feasible")
    assert verify(s, p) == []
    fs = {f.kind: f for f in explain(s, p)}
    assert fs["fleet"].message == "C-17A pool fully busy h0.8-h39.5 (1 of 1)"
    assert (fs["fleet"].start_hour, fs["fleet"].end_hour) == (0.75, 39.5)
    assert fs["crew"].message == "C-17A crews flew 14.0 of 14.0 h on day 0 (h0-h24)"
    assert fs["crew"].units == ("U1",) and fs["fleet"].units == ("U1",)
    # day 1: 4.5 + 8.5 = 13 < 0.98 x 14: not binding
    assert sum(f.kind == "crew" for f in explain(s, p)) == 1


def test_only_the_closure_finding_when_on_time_and_idle():
    # U1 has no RDD and lands at 20.0 (the closure); nothing is saturated. Its load
    # starts loading 0.75 h after it is ready and takes 19.25 h via ETAR, 2.9 h more than
    # a C-17A direct (3.25 + 13.13 = 16.4): transit sets the closure.
    s = scen(units=[solo()])
    p = Plan.from_missions(s, [m1(loads=(Load("U1", pax=80),))], status="feasible")
    fs = explain(s, p)
    assert [(f.kind, f.subject, f.units) for f in fs] == [("readiness", "U1", ("U1",))]
    assert fs[0].message == (
        "Force closure h20.0 is set by transit: U1 closes last (1 mission). Ready at h0, its last "
        "load waited 0.8 h with no ramp or aircraft pool on its route full and started loading at "
        "h0.8; it took 19.2 h to land (M1, C-17A KPOB-ETAR-OKAS), 2.9 h more than a C-17A's "
        "fastest 16.4 h; the fastest of any aircraft is 14.3 h.")


def test_window_lad_before_earliest_arrival():
    # Fastest arrival of 80 soldiers: CRAF-B747-PAX direct, onload 2 h + KPOB-OKAS
    # 5,904.7 nm / 480 kt = 738.1 -> 739 min = 12.32 h: 14.32 (the C-17 direct needs 16.38).
    # LAD 14 < 14.3: nothing can be delivered.
    s = scen(units=[solo(latest_arrival_hour=14)])
    p = Plan.from_missions(s, [], status="feasible")
    fs = explain(s, p)
    assert fs[0].kind == "window" and fs[0].units == ("U1",)
    assert fs[0].message == "U1's LAD 14 is before its earliest possible arrival 14.3"


def test_horizon_when_ready_too_late():
    # ready 110: the earliest arrival 110 + 14.32 (CRAF direct, above) = 124.3 is past the
    # 120 h horizon
    s = scen(units=[solo(ready_hour=110)])
    fs = explain(s, Plan.from_missions(s, [], status="feasible"))
    assert [f.kind for f in fs] == ["horizon"]
    assert "cannot arrive before h124.3, after the 120 h horizon" in fs[0].message


def test_readiness_sets_the_closure():
    # U1 = 6 st bulk, ready 0. Fastest arrival: CRAF-B747-F direct (90 x (7,500 - 5,904.7) /
    # 3,100 = 46 st fits), onload 4 h + 739 min = 16.32 h. M1 (C-17) flies it direct
    # 3.25-16.383 (788 min >= 5,904.7 / 450 = 13.12 h; range at 6 st = 6,200 - 3,800 x 6/85.5
    # = 5,933 nm), within 0.25 h of the fastest: readiness sets the closure.
    s = scen(units=[unit("U1", pax=0, bulk_stons=6, oversize_stons=0, outsize_stons=0)])
    arrive = 3.25 + 788 / 60
    legs = (Leg("KPOB", "OKAS", 3.25, arrive), Leg("OKAS", "KPOB", arrive + 3.25, arrive + 3.25 + 13.2))
    p = Plan.from_missions(s, [m1(legs=legs, loads=(Load("U1", bulk_stons=6.0),))], status="optimal")
    assert verify(s, p) == []
    fs = explain(s, p)
    assert [f.kind for f in fs] == ["readiness"]
    assert fs[0].message == ("Force closure h16.4 is set by readiness: U1 closes last (1 mission). "
                             "Ready at h0, it lands 16.4 h later (M1, C-17A KPOB-OKAS), as fast as it can.")


def test_range_limits_the_load():
    # Only C-17s. Range falls from ferry_range_nm at 0 st to 2,400 nm at 85.5 st, so the
    # payload over d nm is 85.5 x (ferry - d)/(ferry - 2,400). The longest loaded leg of the
    # best routing is KPOB-LERT 3,453.6 nm (LERT-OKAS is 2,717 nm):
    #   ferry 4,500 -> 85.5 x 1,046.4/2,100 = 42.6 st < ACL 45: range limits every load;
    #   ferry 5,000 -> 85.5 x 1,546.4/2,600 = 50.9 st >= 45: it does not.
    s = scen(aircraft=[{"type": "C-17A", "count": 3, "ferry_range_nm": 4500}],
             units=[unit("U1", pax=0, bulk_stons=100, oversize_stons=0, outsize_stons=0)])
    fs = explain(s, Plan.from_missions(s, [], status="feasible"))
    rng = [f for f in fs if f.kind == "range"]
    assert len(rng) == 1
    assert rng[0].message == "No routing carries a full load of bulk to OKAS (C-17A max 42.6 st via LERT)"
    ok = scen(aircraft=[{"type": "C-17A", "count": 3, "ferry_range_nm": 5000}],
              units=[unit("U1", pax=0, bulk_stons=100, oversize_stons=0, outsize_stons=0)])
    assert not [f for f in explain(ok, Plan.from_missions(ok, [], status="feasible")) if f.kind == "range"]


def test_beddown_full():
    # OKAS beds 120: U1 (100) is there; U2 (50) has no destination and fits nowhere.
    s = scen(destinations=[{"airfield": "OKAS", "capacity_pax": 120}],
             units=[solo(pax=100), unit("U2", pax=50, required_hour=None)])
    p = Plan.from_missions(s, [m1(loads=(Load("U1", pax=100),))], status="feasible")
    assert verify(s, p) == []
    fs = [f for f in explain(s, p) if f.kind == "beddown"]
    assert len(fs) == 1 and fs[0].subject == "OKAS" and fs[0].units == ("U2",)
    assert fs[0].message == "OKAS has 20 of 120 beds left; U2 (50 soldiers) fits nowhere"


def test_fallbacks_and_order():
    # hand plan: U1 60 soldiers + 10 st short (weight 5 x 70 = 350) before U2 2 h late
    # (weight 5 x 2 = 10); no resource is saturated, so both get a plain fallback.
    s = scen()
    fs = explain(s, hand_plan(s))
    # then what sets the closure (U2 lands last, at 20.0)
    assert [(f.kind, f.units) for f in fs] == [("horizon", ("U1",)), ("window", ("U2",)),
                                               ("readiness", ("U2",))]
    assert "60 soldiers and 10 st undelivered" in fs[0].message
    assert "2.0 h after its RDD h18" in fs[1].message


def test_higher_priority_first():
    # two undelivered units of 80 soldiers, nothing flown: U2 priority 1 (9 x 80 = 720)
    # before U1 priority 5 (5 x 80 = 400)
    s = scen(units=[solo(), unit("U2", pax=80, priority=1)])
    fs = explain(s, Plan.from_missions(s, [], status="feasible"))
    assert [f.units for f in fs] == [("U2",), ("U1",)]


@pytest.mark.parametrize("units,expected", [
    ((), "OKAS MOG saturated"),
    (("U1", "U2", "U3", "U4", "U5", "U6", "U7"), "affects U1, U2, U3, U4, U5, U6 and 1 more"),
])
def test_explain_text(units, expected):
    f = Finding("mog", "OKAS", "OKAS MOG saturated", 1.0, 2.0, units)
    assert expected in explain_text([f])[0]
    assert ("affects" in explain_text([f])[0]) == bool(units)


def test_consecutive_binding_crew_days_make_one_finding():
    # One C-17A, UTE 14 h. M1's last leg flown slower, 31.0-40.5 (9 h >= 8.3 h), so
    # day 0 = 8.5 + 5 + 0.5 = 14 and day 1 = 4.5 + 9.5 = 14: both days at the limit.
    s = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 14}], units=[solo(required_hour=16)])
    slow = route([(4.0, 12.5), (15.0, 20.0), (23.5, 28.5), (31.0, 40.5)])
    p = Plan.from_missions(s, [m1(legs=slow, loads=(Load("U1", pax=80),))], status="feasible")
    assert verify(s, p) == []
    crew = [f for f in explain(s, p) if f.kind == "crew"]
    assert [f.message for f in crew] == ["C-17A crews flew 28.0 of 28.0 h on days 0-1 (h0-h48)"]
    assert (crew[0].start_hour, crew[0].end_hour) == (0.0, 48.0)


def test_saturation_after_landing_does_not_affect_the_unit():
    # ETAR MOG 1: M1 alone fills it outbound 12.5-15.0 and on the way back 28.5-31.0.
    # U1 (RDD 16) lands at 20.0, 4 h late: only the outbound stop can have delayed it.
    s = scen(airfields=[{"icao": "ETAR", "mog": 1}], units=[solo(required_hour=16)])
    p = Plan.from_missions(s, [m1(loads=(Load("U1", pax=80),))], status="feasible")
    assert verify(s, p) == []
    fs = explain(s, p)
    # (and the closure: its own waits were not for ETAR, whose saturation began by its landing)
    assert [(f.kind, f.start_hour, f.end_hour, f.units) for f in fs] == [("mog", 12.5, 15.0, ("U1",)),
                                                                         ("readiness", 0.0, 20.0, ("U1",))]
    assert "ETAR was" not in fs[1].message


def test_closed_destination_is_named() -> None:
    # OKAS with MOG 0: no aircraft may be on the ground there, so the unit's 100
    # soldiers and 20 st stay home; the finding must name OKAS's MOG, not fall back to
    # "no single binding limit"
    from conftest import make_scenario

    s = make_scenario(airfields=[{"icao": "OKAS", "mog": 0}])
    plan = Plan.from_missions(s, [], status="feasible")
    found = explain(s, plan)
    assert any(f.kind == "mog" and f.subject == "OKAS" and "MOG 0" in f.message for f in found)
    assert not any("no single binding limit" in f.message for f in found)


@pytest.mark.parametrize(("kind", "subject", "words"), [
    ("mog", "OKAS", "ramp space (MOG) at OKAS"),
    ("fleet", "C-17A", "C-17A aircraft (all busy)"),
    ("crew", "C-5M", "C-5M crew hours"),
    ("readiness", "U1", "readiness and transit of U1"),
    ("mog", "", "ramp space (MOG)"),
    ("something_new", "X", "something new X"),
])
def test_describe_limit_in_plain_words(kind, subject, words):
    from logistics.explain import describe_limit

    assert describe_limit(kind, subject) == words


def test_messages_do_not_start_with_their_kind():
    # every finding of the hand plan and of the cases above reads as a sentence: no
    # "crew hours:" or "window:" before it (a page shows the kind as a label)
    s = scen()
    cases = [(s, hand_plan(s))]
    one = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 14}], units=[solo(required_hour=16)])
    cases.append((one, Plan.from_missions(one, [m1(loads=(Load("U1", pax=80),))], status="feasible")))
    for sc, p in cases:
        assert verify(sc, p) == []
        for f in explain(sc, p):
            assert not f.message.lower().startswith(
                ("crew hours", "window:", "horizon:", "readiness:", "range:", "runway:", "beddown:",
                 "cargo_class:", "mog:")), f.message
        limits = [(f.kind, f.subject) for f in explain(sc, p)]
        assert len(limits) == len(set(limits))  # one finding per limit
