"""Frequent English (and newsroom) words, which the prefilter avoids as a phrase's literal.

Contains no business logic. Choosing a term's literal only changes speed, never results: for
``"Hoan Ton-That"`` any word would do, and ``hoan`` is rarer in news than ``that``.
"""

from __future__ import annotations

_TEXT = """
    a about above after again against all also an and another any are around as at back be
    because been before being below between both but by came can come could day did do does
    down during each even first for from get go good great had has have he her here him his
    how i if in into is it its just know last life like little long made make man many may me
    men might more most much must my never new no not now of off old on once one only or other
    our out over own people right said same see she should since so some state still such
    take than that the their them then there these they this those three through time to too
    two under up us used very was way we week well were what when where which while who will
    with work world would year years you your
    according agency announced billion city company council country court data department
    federal government group health information internal international law market million
    minister monday friday national news official percent police president public report
    reported saturday school security service services spokesperson statement sunday
    system thursday today tuesday united wednesday
    """
FREQUENT_WORDS = frozenset(_TEXT.split())
