"""The medication specialist: what a patient says about drugs, checked against the care plan.

For every drug a patient turn names or describes (``specialists.text.drugs``) it decides what the
patient says about it: taking or took it, asking about it (or only considering it), not taking it,
skipping / stopping / running out of it, needing a refill, someone else's drug (unless the patient took
or asks to take it: "one of my wife's Ativan"), an allergen ("I'm allergic to penicillin": no mention),
a drug received but not started ("gave me tramadol but I haven't started it": judged like a question). Then,
per CONTRACT.md §3 and the labelling conventions of shared/samples/README.md:

- ``medication_mentioned`` for every drug named or described, whatever is said about it;
- ``not_in_care_plan`` when the patient takes or took a drug the plan does not list (routine);
- ``missed_doses`` when the patient skipped, stopped or ran out of a plan drug (routine); an
  as-needed drug the patient did not need is not a missed dose;
- ``dose_exceeds_max`` when the reported 24-hour total (plan doses included when the patient took
  extra on top) exceeds the labelled adult maximum (OTC label for self-medication) (urgent);
- ``contraindicated`` when a condition or allergy on the plan rules the drug out, taken or asked
  about (allergy + taken: urgent; otherwise routine);
- ``interaction`` when the new drug and a plan drug form a major / avoid / contraindicated pair,
  taken (urgent) or asked about (routine).

Each finding's ``urgency`` is the escalation level it warrants on its own (CONTRACT.md §2); the
panel raises the turn's one escalation. ``guidance`` tells the primary agent what to say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from careplans import CarePlan, Medication
from specialists import knowledge as kn
from specialists.base import SpecialistResult, TurnContext, Utterance
from specialists.findings import Finding, Level
from specialists.text import adherence
from specialists.text.amounts import Intake, parse_intake
from specialists.text.context import Proxy, proxy_for_turn
from specialists.text.drugs import DrugMention, find_drug_mentions, plan_drugs, split_combination
from specialists.text.spoken import restore_dropped_g

# missed_neg: a negated intake ("I haven't taken my Lasix"): a missed dose of a scheduled plan drug,
# a plain negation for anything else.
# discontinued: "I used to take metformin": a past drug, a stopped dose only if the plan still lists it.
# allergen: "I'm allergic to penicillin": names what the patient must not take, not a drug taken or asked about.
# pending: received or prescribed but not started ("the clinic gave me tramadol but I haven't started it"):
# not taken, judged like a question about it.
Status = Literal["taken", "asked", "negated", "missed_neg", "missed", "refill", "other", "allergy", "allergen",
                 "discussed", "discontinued", "pending"]

__all__ = ["MedicationSpecialist", "Status", "classify_mention"]

# --------------------------------------------------------------------------------------------------
# Cue words (on lower-case text with straight apostrophes)
# --------------------------------------------------------------------------------------------------

_NEG = (r"(?:didn'?t|did not|don'?t|do not|doesn'?t|does not|haven'?t|have not|hasn'?t|has not|hadn'?t|had not|"
        r"won'?t|will not|wasn'?t|was not|weren'?t|isn'?t|is not|am not|'m not|aren'?t|can'?t|cannot|can not|"
        r"couldn'?t|could not|wouldn'?t|shouldn'?t|never|not|no|nothing|none|nor|neither)")
_INTAKE_VERB = (r"(?:take|takes|taking|taken|took|use|uses|using|used|had|have|having|been on|get|gotten|got|"
                r"fill|filled|pick(?:ed)? (?:it |them )?up|refill(?:ed)?|start|started|touch(?:ed)?|try|tried)")

_PSEUDO_TAKEN = re.compile(
    r"\b(?:never|don'?t|do not|didn'?t|did not|haven'?t|have not|hasn'?t|not once|hardly ever|rarely)\s+(?:ever\s+|once\s+|really\s+)?"
    r"(?:miss(?:ed)?|forg[eo]t(?:ten)?|skip(?:ped)?)\b|\bno (?:problems?|issues?|trouble|side effects?|complaints?) (?:with|from|on)\b"
    r"|\b(?:no|zero|none|not any|not one|not a single)\s+(?:\w+\s+)?(?:missed|skipped|forgotten)\b"
    r"|\b(?:none|nothing|not one|not a single (?:one|dose|pill))\s+(?:\w+\s+)?(?:missed|skipped)\b"
)
_ALLERGY = re.compile(
    r"\b(?:allergic|allergy|allergies|reaction|reactions|reacted|sensitive|sensitivity|intolerant|intolerance|"
    r"can'?t tolerate|cannot tolerate|broke out|hives from|rash from)\b(?:\s+(?:to|with|from|on))?(?:\s+\S+){0,2}\s*$"
)
# An allergy statement names the allergen ("I'm allergic to penicillin", "allergies: sulfa and codeine"); a
# reaction ("I broke out from the Bactrim") says the drug was taken.
_ALLERGEN = re.compile(
    r"\b(?:allergic|allergy|allergies|intolerant|sensitive)\s+(?:to|with|of)\s+(?P<list>(?:[\w'-]+,?\s+){0,5})$"
    r"|\b(?:allergies|allergy)\s*(?:are|is|include|includes|:|-)\s*(?P<list2>(?:[\w'-]+,?\s+){0,5})$"
    r"|\b(?:can'?t|cannot|could not|couldn'?t) (?:tolerate|take)\s+(?P<list3>(?:any\s+)?)$"
)
_NOT_ALLERGEN_LIST = re.compile(r"\b(?:i|i'm|take|took|taking|use|used|using|had|have|got|gave|prescribed|for|so|but|because|since|when|then)\b")
_MISSED_TOOK = re.compile(
    r"\b(?:forgot|forget|forgets|forgetting|forgotten|skip|skips|skipped|skipping|miss|misses|missed|missing|"
    r"ran out|run out of|been out of|been out (?:since|for)|was out of|were out of|'m out of|am out of|i'm all out|all out of|ran outta|run outta|"
    r"been outta|(?:was|were|am|'m|is|'s) outta|outta|haven'?t bothered with|don'?t bother with|didn'?t bother with|quit bothering with|"
    r"ain'?t been taking|ain'?t taking|leaving out|left out|fell off|didn'?t do (?:my|his|her|the) (?:shot|dose|injection|jab)|let(?:ting)? (?:it |that |that one |them |those )?slide|"
    r"stopped|quit|quitting|gave up|given up|went off|been off|came off|come off|got off|off of|"
    r"no longer|not taking|not been taking|haven'?t been taking|behind on|cut out|dropped|"
    r"threw out|threw away|gotten rid of|got rid of|ditched|doctor (?:stopped|took me off|discontinued)|"
    # not up to it: "I couldn't face doing the shot", "I don't always take the binder"
    r"(?:couldn'?t|could not|can'?t|cannot) (?:face|bring (?:myself|himself|herself) to)|(?:don'?t|doesn'?t|didn'?t) always (?:take|do|use|remember)|"
    # left behind or left out: "left off the water pill Saturday", "blanked on my Lantus", "he's had no Keppra since",
    # "nobody gave him his noon Sinemet", "the night boxes in her organizer still had the warfarin in them"
    r"left off|leave off|leaving off|blanked on|spaced on|clean forgot|(?:had|has|have|'s had|'ve had) no|"
    r"nobody gave (?:him|her|me|them)(?: (?:his|her|my|their))?|(?:organi[sz]er|pill ?box|slots?|compartments?)\b[^.?!]{0,40}\bstill (?:had|has|have|full))\b"
)
# "..., so I took some yesterday": intake said after the name overrides a question or negation before it.
# (the subject may be left out after a comma: "I got the Sudafed twelve hour, took one in the morning")
_TAKEN_AFTER = re.compile(
    r"^[^.?!]{0,40}?(?:\b(?:i|and|so)\s+|,\s*(?:then\s+)?)(?:went ahead and\s+|just\s+|already\s+|ended up\s+|(?:have\s+|'ve\s+)?been\s+)?"
    r"(?:took|used|had|tried|popped|swallowed|taking|using|having)\s+(?:some|it|one|two|three|a few|a couple|them|those|an?|\d+)\b"
)
# The patient's own intake said after someone else's drug, in the same sentence.
_SELF_TOOK_AFTER = re.compile(
    r"^[^.?!]{0,60}?\b(?:i|i've|ive|i'm|im)\s+(?:have\s+)?(?:been\s+|went ahead and\s+|just\s+|already\s+|ended up\s+|also\s+)?"
    r"(?:took|taken|taking|takin'?|used|using|had|tried|popped|swallowed|drank|drinking|swigged|started(?: taking)?|began(?: taking)?)\s+"
    r"(?:some|it|one|two|three|a few|a couple|them|an?|half|\d+)\b")
_USED_TO = re.compile(r"\b(?:used to|use to|years ago i|in the past i|previously|once was on|switched (?:me )?from|changed (?:me )?from|went from|moved (?:me )?from|came off of)\b")
# "I have some Advil at home": owning a drug is not taking it.
_POSSESS = re.compile(r"\bi\s+(?:have|keep|carry|bought|buy|own|got|picked up|stocked up on)\s+(?:some|a|an|the|a bottle of|a box of|bottles of|plenty of)?\s*$")
# "..., but I haven't used it": a negation said after the name.
_NEG_AFTER = re.compile(
    r"^[^.?!]{0,40}?\b(?:haven'?t|have not|didn'?t|did not|don'?t|do not|never)\s+(?:even\s+|actually\s+|really\s+)?"
    r"(?P<verb>used|use|taken|take|took|touched|touch|needed|need|opened|tried|had)\s+(?:it|them|any|one|those|that)\b"
)
# Received or prescribed ("gave me", "was given", "prescribed", "picked up") ...
_RECEIPT = re.compile(
    r"\b(?:gave me|give me|given|handed me|prescribed|prescription for|script for|sent me home with|called in|"
    r"put me on|started me on|picked up|filled|got (?:a |the |my )?(?:new )?(?:prescription|script|rx))\b"
)
# ... but not started: "but I haven't started it", "not yet", "haven't taken any yet", "didn't fill it".
_NOT_STARTED = re.compile(
    r"^[^.?!]{0,60}?\b(?:(?:i\s+)?(?:haven'?t|have not|hadn'?t|didn'?t|did not|not|never)\s+(?:even\s+|actually\s+|yet\s+|really\s+)?"
    r"(?:started|start|begun|begin|taken|take|took|tried|try|used|use|opened|open|filled|fill|picked (?:it |them )?up|touched)"
    r"(?:\s+(?:it|them|any|one|those|that|the\s+\w+))?(?:\s+(?:yet|so far))?\b"
    r"|not yet\b|yet to (?:start|take|try|open|fill)\b|waiting (?:to start|until|till|to ask|to hear)\b|holding off\b)"
)
# The same in the next sentence, about "it": "I got a prescription for Ultram. I haven't taken it yet."
_NOT_STARTED_NEXT = re.compile(
    r"^\s*(?:but\s+|and\s+|so\s+)?(?:i\s+)?(?:haven'?t|have not|didn'?t|did not|not)\s+(?:even\s+|actually\s+|yet\s+)?"
    r"(?:started|begun|taken|tried|used|opened|filled|picked (?:it |them )?up)\s+(?:it|them|any|that|those)\b"
    r"|^\s*(?:but\s+)?not (?:started |taken |filled )?yet\b"
)
# Said after the name: "a penicillin allergy", "Penicillin, I'm allergic to it".
_ALLERGEN_AFTER = re.compile(
    r"\s*(?:allerg(?:y|ies)|sensitivity|intolerance)\s*(?:[.,;:!?]|$|\b(?:and|so|but|is|was|too|as well|that|which|"
    r"listed|on file|on my chart|in my chart)\b)|\s*,?\s*(?:(?:which|that)\s+)?(?:i'?m|i am|i was|i've always been)\s+"
    r"(?:very\s+|really\s+|deathly\s+|severely\s+)?allergic\b"
)
# "I haven't started the tramadol yet": a negation about beginning a drug, not a missed dose of it.
_NOT_STARTED_BEFORE = re.compile(r"\b(?:haven'?t|have not|didn'?t|did not|not|never)\s+(?:even\s+|yet\s+)?(?:started|start|begun|begin)\b(?:\s+\S+){0,2}\s*$")
_MISSED_NOGET = re.compile(
    r"\b(?:couldn'?t afford|can'?t afford|cannot afford|couldn'?t get|can'?t get|couldn'?t find|without|"
    r"haven'?t (?:been able to )?(?:fill|filled|pick(?:ed)? up|get|gotten|got)|didn'?t (?:fill|pick up|get)|"
    r"pharmacy (?:didn'?t|doesn'?t|did not|was out|is out|ran out))\b"
)
# Missed-dose cues said after the name: "the Lasix, I forgot it", "my metformin ran out".
_MISSED_AFTER = re.compile(
    r"^[^.?!]{0,40}?\b(?P<cue>forgot|forgetting|forgets|skipped|skips|skipping|missed|misses|ran out|run out|ran outta|stopped|quit|gave up|"
    # the supply gone: "ran dry Tuesday", "went down the sink", "the airline lost it"
    r"(?:ran|run|runs|went|gone) dry|(?:went|fell|got washed) down the (?:sink|drain|toilet)|lost (?:it|them|the bottle|my bag)|"
    r"(?:didn'?t|did not|haven'?t|have not|hasn'?t) (?:had|have|gotten|got) (?:it|them|any|one)|"
    r"went off|fell off|haven'?t (?:taken|had|used|been taking)|didn'?t take|not taking|no longer|don'?t bother|leaving (?:it |them )?out|"
    r"instead of (?:twice|two|three|four|2|3|4)|every other day|some days and not others|not every day|on and off|off and on|hit or miss|"
    r"miss (?:that one|it|them|those|the (?:morning|noon|lunch|lunchtime|afternoon|evening|night|bedtime|supper) one)|"
    r"let(?:ting)? (?:it |that |that one |them |those )?slide|let(?:ting)? (?:it|them|those|'em|em) go\b(?! (?:by|through|into|to))|"
    # the doses still there: "The Aricept's just sitting there", "they sat right there on the counter the whole time"
    r"(?:(?:is|are|was|were) )?(?:just |still )sitting (?:there|in (?:the|her|his|my) (?:organi[sz]er|pill ?box|slots?|boxes))|"
    r"(?:is|are|was|were) sitting in (?:the|her|his|my) (?:organi[sz]er|pill ?box|slots?|boxes)|sat (?:right )?there|"
    r"should (?:be|have been) (?:almost |nearly |all )?(?:empty|used up|gone|finished|run out|done) by now|"
    r"only (?:been )?(?:taking|doing|using|having) (?:it |them )?(?:in the mornings?|at night|at bedtime|once(?: a day)?))\b"
)
# The same said of the drug by a pronoun further on in its sentence: "Them steroid pills tear my stomach up something
# awful, so I, uh, didn't do 'em yesterday", "the Renvela, so lunch and supper out, I just go without it".
_MISSED_AFTER_PRONOUN = re.compile(
    r"^[^.?!]{0,90}?\b(?P<cue>(?:been|go|gone|went|going|do|did|done|doing) without (?:it|them|'em|em)|"
    r"(?:didn'?t|did not|haven'?t|have not|hasn'?t|has not|won'?t|wouldn'?t) (?:do|done|had|have|gotten|got|take|taken|touch|touched|"
    r"fill|filled|pick(?:ed)? up) (?:it|them|'em|em)|"
    r"(?:take|taking|takes|do|doing|does) (?:it|them|'em|em) (?:only )?(?:when|whenever|if) (?:i|he|she) (?:remember|remembers|think of it)|"
    r"only (?:been )?(?:taking|doing|giving|having|takes|gives) (?:him |her )?the (?:morning|evening|night|nighttime|bedtime|noon|lunchtime) one|"
    # a count of the doses let go: "... three extra in the box, so she missed three nights"
    r"(?:missed|skipped|forgot|forgotten) (?:about |maybe |like )?(?:\w+ ){0,2}(?:nights?|days?|doses?|mornings?|evenings?)|"
    # stopped or left out by the caller: "That Flomax made me so lightheaded ..., I quit it on Saturday", "I've been leaving it out"
    r"(?:quit|stopped|dropped|ditched|gave up|given up on|quit taking|stopped taking|haven'?t bothered with|didn'?t bother with|"
    r"don'?t bother with) (?:it|them|'em|em)|(?:leaving|left|leave|cut|cutting|cut) (?:it|them|'em|em) out|"
    r"cut out the (?:morning|noon|lunch|lunchtime|afternoon|evening|night|nighttime|bedtime|supper) one|"
    # the supply gone or out of reach: "I've been out for about five days", "so two days without", "didn't do my shot"
    r"(?:i'?ve|i have|we'?ve|he'?s|she'?s|has|have) been out (?:for|since)(?! (?:a |the )?(?:walk|lunch|dinner|supper|errands|church|the day|the afternoon|the evening|visiting|work))|"
    r"(?:days?|nights?|weeks?) without(?= (?:it|them|'em|em|a (?:dose|pill|shot)|any (?:of (?:it|them)|pills|doses))\b|\s*(?:[.,;!?]|$))|"
    r"didn'?t do (?:my|his|her|the) (?:shot|dose|injection|jab)|none (?:this week|since|all week|for (?:\w+ )?days)|"
    # a carer or a program that did not give it: "they didn't give it to him either day", "he didn't get his evening one"
    r"(?:didn'?t|did not|don'?t|forgot to|never) give (?:it|them|'em|em) to (?:him|her|me)|"
    r"(?:didn'?t|did not|hasn'?t|haven'?t) get (?:his|her|my) (?:morning|noon|lunchtime|evening|night|nighttime|bedtime) (?:one|dose|pill|shot)s?|"
    r"(?:yesterday|today|this morning|last night)(?: and (?:yesterday|today|this morning|last night))? (?:i|he|she) didn'?t\b(?! (?:need|have to|eat))|"
    r"still sitting in (?:there|it|them))\b"
)
# Left behind, said right after the name: "the Crestor stayed home on the counter", "the Keppra got left at the cabin".
_LEFT_BEHIND_AFTER = re.compile(r"^\s*(?:bottle |pills? |pens? |box )?(?:stayed|got left|was left|were left)(?: (?:at|up at|down at|in|on))? (?:home|behind|the \w+)")
# "run out of breath", "ran out of steam": not a drug running out.
_NOT_MED_OUT = re.compile(r"\s+(?:of\s+)?(?:breath|steam|time|energy|gas|patience|money|the house|the room|the door)\b")
_REFILL = re.compile(
    r"\b(?:refills?|refilled|refilling|renew(?:al|ed|ing)?|running low|run(?:ning)? low|low on|almost out|nearly out|"
    r"about out|about to run out|going to run out|gonna run out|will run out|'ll run out|running out|"
    r"need (?:more|a new|another)|new prescription|prescription for|pick(?:ed|ing)? up|order(?:ed)? more|mail order)\b"
)
# A negation right before a missed-dose word: "no missed doses", "never miss", "haven't skipped", "not once missed".
_NEGATED_MISS = re.compile(
    r"\b(?:\w+n'?t|not|no|never|none|zero|nothing|not once|not a single|before|in case|without)\s+(?:\w+\s+)?$"
)
_FUTURE_MISSED = re.compile(r"\b(?:before|will|'ll|going to|gonna|might|may|don'?t want to|so i don'?t|so that i don'?t|if|what if|in case|"
                            r"what happens if|what do i do if|should i)\b[^.?!]{0,25}$")
_QUESTION_LEAD = re.compile(
    r"\b(?:can|could|may|should|shall|would|will|do|must)\s+i\b|\b(?:is|was|would|will)\s+(?:it|that|this)\s+(?:be\s+)?"
    r"(?:ok|okay|alright|all right|safe|fine|bad|good|a problem|a bad idea|dangerous|too much|enough|smart)\b"
    r"|\b(?:ok|okay|alright|all right|safe|fine|allowed|good|bad|dangerous)\s+(?:for me\s+)?(?:to|if)\b|\bam i allowed\b"
    r"|\bdo you think\b|\bwhat about\b|\bhow about\b|\bwhat if\b|\bwonder(?:ing|ed)?\b|\bcurious\b"
    r"|\bwant(?:ed)? to (?:ask|know|check|see)\b|\bask(?:ing)? (?:you |the doctor |my doctor |about )?(?:about|if|whether)\b"
    r"|\btell me (?:if|whether|about)\b|\bis there (?:any )?(?:problem|issue|harm|risk)\b|\bnot sure (?:if|whether|about)\b"
    r"|\bif i (?:can|could|should|may)\b|\bwhether i (?:can|could|should|may)\b|\bany (?:problem|issue|harm|risk) (?:with|if|taking)\b"
    r"|\b(?:is|are|does|do|did|can|will|would|could)\s+(?:\w+\s+){0,2}(?:interact|mix|conflict|react|go|work)\b"
    r"|\bwhat (?:is|'s|does|do)\b|\bwhat'?s\b|\bhow (?:much|many|often|long)\b"
)
_CONSIDER = re.compile(
    r"\b(?:thinking (?:about|of)|thought about|consider(?:ing|ed)?|plan(?:ning)? (?:to|on)|going to|gonna|"
    r"want(?:ed)? to (?:take|try|start|use|get|buy|add)|wanna|would like to|'d like to|like to try|hope to|hoping to|"
    r"might|maybe|perhaps|if i|if it|if my|in case|supposed to start|about to start|will (?:take|try|start|use|get|buy|pick)|"
    r"'ll (?:take|try|start|use|get|buy|pick)|(?:should|could|can) (?:take|try|start|use)|"
    r"(?:wants?|wanted|going|plans?|planning|about|trying|talking about|thinking of)\s+(?:to\s+)?(?:put|start|switch|add|adding|give|giving|try|trying|prescribe|prescribing|putting|starting|switching)\b|"
    r"(?:said|says|told me|tells me|suggested|suggests|recommended|recommends|mentioned|wants me|wanted me|advised|offered)\b"
    r"(?:[^.?!]{0,30}?\b(?:to|could|can|should|might|try|about|start|switch))?|instead of|rather than|alternative)\b"
)
_STRONG_SELF_INTAKE = re.compile(
    r"\b(?:i|i've|i'd|i'm)\s+(?:already\s+|just\s+|also\s+|actually\s+)?(?:have\s+|had\s+|been\s+|am\s+|was\s+)?"
    r"(?:been\s+)?(?:took|taken|taking|used|using|had|popped|swallowed|chewed|tried|on|keep taking|still taking|"
    r"continue taking|went ahead and took)\b"
    r"|\b(?:gave me|give me|handed me|prescribed me|put me on|started me on|switched me to|gave myself)\b"
)
_START_FUTURE = re.compile(r"\b(?:start|begin|try)\s+(?:taking|using|on)?\s*$")
_OTHER = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:wife|husband|spouse|partner|son|daughter|kid|kids|child|children|mom|mother|mum|"
    r"dad|father|sister|brother|friend|friends|neighbor|neighbour|cousin|aunt|uncle|grandma|grandmother|grandpa|"
    r"grandfather|grandson|granddaughter|grandkids|boyfriend|girlfriend|roommate|niece|nephew|coworker|co-worker|"
    r"boss|dog|cat|sister-in-law|brother-in-law|mother-in-law|father-in-law|family)\b"
    r"(?!'s\b(?!\s+(?:the one|the only one|on|been|taking|got)\b))"  # "my wife's the one on the Eliquis": she is
    r"|\b(?:he|she|they|he's|she's|they're|he'd|she'd|everyone|somebody|someone)\b"
)
_OTHER_POSSESSIVE = re.compile(
    r"\b(?:my|our)\s+(?:wife|husband|spouse|partner|son|daughter|mom|mother|dad|father|sister|brother|friend|"
    r"neighbor|neighbour|roommate|kid|child)'s\s+(?:\S+\s+){0,2}$|\b(?:his|her|their)\s+(?:\S+\s+){0,1}$"
)
# The patient asking or meaning to take something (someone else's drug included).
_SELF_INTENT = re.compile(
    r"\b(?:can|could|may|should|shall|would|will|do|must)\s+i\s+(?:just\s+|also\s+|maybe\s+|ever\s+)?"
    r"(?:take|have|try|use|borrow|get|pop|share|steal|swipe)\b"
    r"|\bi\s+(?:could|can|may|might|should|will|'ll|would|'d)\s+(?:just\s+)?(?:take|have|try|use|borrow|pop)\b"
    r"|\bif\s+i\s+(?:\w+\s+)?(?:take|took|have|had|try|tried|use|used|borrow|borrowed)\b"
    r"|\b(?:ok|okay|alright|all right|safe|fine|bad|allowed)\s+(?:for me\s+)?(?:to|if i)\s+(?:take|have|try|use|borrow)\b"
    r"|\bi\s+(?:want|wanted|'d like|would like|was going|am going|'m going|was thinking|'m thinking|am thinking|"
    r"was wondering|'m wondering|am wondering|plan|planned)\s+(?:to\s+|of\s+|about\s+|if i (?:could|can|should) )?"
    r"(?:take|taking|try|trying|use|using|borrow|borrowing)\b"
    r"|\bi\s+(?:borrowed|stole|swiped|snuck|sneaked|grabbed|popped|swallowed)\b"
)
_SELF = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself|im|ive)\b")
_DISCUSSED = re.compile(
    r"\b(?:heard|read|saw|seen|news|commercial|ads?|advert\w*|tv|television|internet|online|google|article|"
    r"expensive|costs?|price|insurance|covered|copay|coupon|generic (?:version|of)|brand name)\b"
)
_INTAKE_ANY = re.compile(rf"\b{_INTAKE_VERB}\b")
# Taken, said just before the name whoever the subject ("Dad took Advil ..., before I saw the bottle"): no talk about it.
_TOOK_BEFORE = re.compile(r"\b(?:took|popped|swallowed|been taking|gave (?:him|her|me))\s+(?:(?:some|the|his|her|my|a|an|two|three|\d+|of)\s+){0,3}$")
_NEG_RX = re.compile(rf"\b{_NEG}\b|n't\b")
_NEG_EXCEPTION = re.compile(r"\b(?:except|but|only|just|other than|besides|apart from|aside from|instead|so)\b")
_BOUNDARY = re.compile(
    r"\b(?:but|so|because|cause|'cause|though|although|however|whereas|except|then|until|unless|after|before|"
    r"when|whenever|once|while|which|since)\b|[;:]|,\s*(?:and\s+|but\s+|so\s+|then\s+)?(?=(?:i|i'm|i've|i'd|he|she|they|we|my|it|that|and)\b)"
    r"|(?<!\bme )(?<!\bi )\band\s+(?=(?:i|i'm|i've|he|she|they|we|my|it)\b)|^\s*(?:no|nope|nah|yes|yeah|yep|well|ok|okay|oh|so)\b\s*[,.!]"
)
_SENTENCE_END = re.compile(r"(?<![a-z]\.[a-z])(?<!\b(?:dr|st|mr|ms|no))[.!?]+(?=\s|$)|[?!]+(?=\s|$)|[;]")
_REFERENCE = re.compile(
    r"\b(?:it|them|those|these|that one|this one|both|either|all of them|the pills|my pills|the medicine|my medicine|"
    r"the medication|my medication|my medications|my meds|the meds|the prescription|my prescription|any)\b"
)
_EXTRA = re.compile(
    r"\b(?:extra(?! strength)|on top of|in addition to|as well as|plus|besides|additional|more than (?:usual|prescribed|i'?m supposed to|i should)|"
    r"also|double(?:d)?(?: up)?|another)\b"
)
_AS_PRESCRIBED = re.compile(
    r"\b(?:as prescribed|as directed|(?:like|as|the way) (?:the|my) (?:sheet|label|bottle|box|package|instructions|paper|"
    r"pharmacist|surgeon|nurse)(?: says| said| told me| reads)?|like it says on the (?:bottle|label|box|sheet)|"
    r"like (?:the doctor|my doctor|i'?m supposed to|they) said|my (?:regular|usual|normal|scheduled) "
    r"(?:doses?|pills?|tablets?|ones?|amount)|(?:all|every one of) my doses|regular doses?|usual doses?)\b"
)
_LOW_DOSE_ASPIRIN = re.compile(r"\b(?:baby|low[- ]dose|81|eighty[- ]one|for my heart|heart)\b")
_YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|sure|i do|i did|i have|i am|i'm|uh-huh|mm-hmm|every day|always|of course|definitely)\b")
_NO = re.compile(r"^\s*(?:no|nope|nah|not really|not always|not every|i don'?t|i didn'?t|i haven'?t|i have not|i did not|never|not lately)\b")
_AGENT_MISSED_Q = re.compile(r"\b(?:miss(?:ed)?|skip(?:ped)?|forg[eo]t(?:ten)?|run out|ran out|without)\b")
# "Are you taking your aspirin as prescribed ...": a question about taking, not only about misses.
_AGENT_TAKING_Q = re.compile(r"\b(?:are|were) you (?:still )?(?:taking|using|on)\b|\bdo you (?:still )?(?:take|use)\b|"
                             r"\bhave you been (?:taking|using)\b|\bas prescribed\b")
_SCHEDULE_WORDS = re.compile(r"\b(?:once|twice|one|two|three|four|\d+)\s+(?:times?\s+)?(?:a|per|each|every)\s+(?:day|night|morning)\b"
                             r"|\b(?:every|each)\s+(?:day|night|morning|evening)\b|\bdaily\b")
_LATER = re.compile(r"\b(?:not yet|i will|i'll|later|tonight|after (?:lunch|dinner|breakfast|supper)|this evening|going to)\b")
_AMOUNT_ANSWER = re.compile(r"^\s*(?:about |like |maybe |around |probably |just |only |yes,? |yeah,? )?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple|a few|half)\b")
_AGENT_INTAKE_Q = re.compile(r"\b(?:taking|take|took|taken|using|use|used|had any|need(?:ed)?|tried|been on|still on|you on|missed|skipped|forgot(?:ten)?)\b")


def _lower(text: str) -> str:
    # offsets must hold: both foldings keep the length ("takin'" -> "taking")
    return restore_dropped_g(text.replace("\u2019", "'").replace("\u2018", "'")).lower()


# --------------------------------------------------------------------------------------------------
# Classifying one mention
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classified:
    status: Status
    missed_after: bool = False  # a missed-dose cue after the name ("I take Lasix but forgot it yesterday")
    cue: str = ""


def _sentence_bounds(low: str, start: int, end: int) -> tuple[int, int]:
    s = 0
    for m in _SENTENCE_END.finditer(low, 0, start):
        s = m.end()
    stop = _SENTENCE_END.search(low, end)
    return s, (stop.end() if stop else len(low))


def _clause_start(low: str, sent_start: int, start: int) -> int:
    cs = sent_start
    # "and" / a comma only start a new clause before a subject, so a negation spans a drug list
    # ("I don't take Lasix, Coreg or lisinopril").
    for m in _BOUNDARY.finditer(low, sent_start, start):
        cs = m.end()
    return cs


def classify_mention(text: str, start: int, end: int, *, low: str | None = None,
                     next_start: int | None = None, proxy: Proxy | None = None) -> Classified:
    """What the patient says about the drug named at ``text[start:end]`` (see the module docstring);
    ``next_start``: where the next drug mention begins (what follows it is about that drug); ``proxy``:
    the speaker speaks for the patient, whose pronouns and relation words are then the patient."""
    low = low if low is not None else _lower(text)
    sent_start, sent_end = _sentence_bounds(low, start, end)
    sentence = low[sent_start:sent_end]
    around = low[sent_start:start] + " " + low[end:sent_end]  # the sentence without the name's own words
    clause = low[_clause_start(low, sent_start, start):start]
    near = " ".join(clause.split()[-7:])  # NegEx-style window
    after = low[end:min(sent_end, next_start if next_start is not None else sent_end)]
    missed_after = _missed_after(after, next_start is not None and next_start < sent_end) \
        and not _FUTURE_MISSED.search(clause)
    if not missed_after and _topic_only(around):
        # The name said as a topic ("The aspirin, the twice a day one...") and what happens to it in the next
        # sentence, about "it": "I've only been taking it in the morning."
        following = _next_sentence(low, sent_end, next_start)
        missed_after = bool(_REFERS_BACK.search(following)) and _missed_after(following, False)

    if (a := _ALLERGEN.search(clause)) is not None and not _NOT_ALLERGEN_LIST.search(a["list"] or a["list2"] or ""):
        if not a.group().startswith(("can't", "cant", "cannot", "could")) or "allerg" in sentence:
            return Classified("allergen", cue="allergy statement")
    if _ALLERGEN_AFTER.match(after):
        return Classified("allergen", cue="allergy statement")  # "a penicillin allergy", "Penicillin, I'm allergic to it"
    if _ALLERGY.search(clause):
        return Classified("allergy", cue="allergy")
    if proxy is not None and _SPEAKERS_OWN.search(sentence):
        return Classified("other", cue="the caregiver's own")  # "That Sudafed is mine, for my sinuses. I don't give Art any."
    if _is_other_person(_patient_words_removed(clause, proxy)):
        # "My husband's Percocet is in the drawer, could I take one?": the patient's own question or intake after it
        if _OTHER_POSSESSIVE.search(clause) and (_TAKEN_AFTER.search(after) or _SELF_INTENT.search(after)):
            return Classified("taken" if _TAKEN_AFTER.search(after) else "asked", cue="someone else's, for me")
        if _SELF_TOOK_AFTER.search(after):
            # "My wife had some leftover Zoloft and I've been takin' one a day": hers, taken by the patient
            return Classified("taken", cue="someone else's, for me")
        return Classified("other", cue="other person")
    # Received but not started ("called in a prescription for prednisone but I haven't picked it up"; "I got a
    # prescription for Ultram. I haven't taken it yet."): not taken.
    if _RECEIPT.search(clause) and not _TAKEN_AFTER.search(after) and (
            (ns := _NOT_STARTED.search(after)) or (ns := _NOT_STARTED_NEXT.match(_next_sentence(low, sent_end, next_start)))):
        return Classified("pending", cue=ns.group().strip())
    # Handed over by a friend or relative and not said to be taken ("my friend gave me a few of her Aleve ... Can I take a
    # couple?"): judged like a question, as a prescription not yet started is
    if _GIVEN_BY_OTHER.search(clause) and "?" in low[end:] and not _TAKEN_AFTER.search(after) and not _STRONG_SELF_INTAKE.search(
            low[end:]):
        return Classified("asked", cue="given by someone else")
    if _OFFERED.search(clause) and not _TAKEN_AFTER.search(after):
        return Classified("asked", cue="offered")  # "they'd give me amoxicillin", "wants to call in Diflucan"
    if _REPLACED_BY_ANOTHER.search(clause):
        return Classified("negated", cue="instead of")  # "Instead of the Advil I took Tylenol": the Advil was not taken
    if m := _PSEUDO_TAKEN.search(near):
        return Classified("taken", cue=m.group())
    missed = _last(_MISSED_TOOK, near)
    noget = _last(_MISSED_NOGET, near)
    refill = _last(_REFILL, clause)
    if re.search(r"\b(?:switched|changed|went|moved)\b(?: me)? from\b.*\b(?:to|onto|over to)\s*(?:the |my |some )?$", clause):
        return Classified("taken", cue="switched to")  # "I switched from Advil to Tylenol": Tylenol now
    if used_to := _last(_USED_TO, near):
        return Classified("discontinued", cue=used_to.group())
    if (missed or noget) and not _QUESTION_LEAD.search(clause) and not _future_before(near, missed or noget):
        best = max((x for x in (missed, noget, refill) if x), key=lambda x: (x.end(), len(x.group())))
        if best is refill:
            return Classified("refill", missed_after, best.group())
        return Classified("missed", cue=best.group())
    if refill:
        return Classified("refill", missed_after, refill.group())
    strong = _last(_STRONG_SELF_INTAKE, clause)
    lead = _last(_QUESTION_LEAD, clause)
    consider = _last(_CONSIDER, clause)
    governing = max((x for x in (lead, consider) if x), key=lambda x: x.end(), default=None)
    if governing is not None and governing.group() in ("instead of", "rather than") and re.match(
            r"\s*(?:\d|one|two|three|four|five|six|half|a couple|a few)\b", clause[governing.end():]):
        governing = None  # "Instead of two of the Tylenol every six hours I take three": an amount replaced, not a drug
    neg = _negation(near)
    # The cue nearest the name governs it: "told me never to take ibuprofen" is a negation.
    neg_pos = len(clause.rstrip()) - len(near) + neg[1] if neg is not None else -1
    if governing is not None and governing.start() >= neg_pos \
            and not (strong and strong.start() >= governing.end() and not _START_FUTURE.search(clause)):
        return Classified("asked", cue=governing.group())
    taken_after = _TAKEN_AFTER.search(after)
    if taken_after is None and (ns := _NOT_STARTED_BEFORE.search(near)):
        return Classified("pending", cue=ns.group().strip())
    possess = _POSSESS.search(clause)
    if taken_after and (governing is not None or neg is not None or possess is not None):
        return Classified("taken", cue=taken_after.group())
    if neg is None and not strong and (neg_after := _NEG_AFTER.search(after)):
        verb = neg_after["verb"]
        return Classified("negated" if verb.startswith(("need", "open")) else "missed_neg", cue=neg_after.group())
    if possess is not None and neg is None:
        return Classified("discussed", missed_after, "has it")
    if neg is not None:
        return Classified(neg[0], missed_after, "negation")
    # the name's own pieces are not cue words: "ad vil" (Advil as speech recognition splits it) is no advert
    if _DISCUSSED.search(around) and not strong and not _TOOK_BEFORE.search(clause):
        return Classified("discussed", missed_after, "discussed")
    if sentence.rstrip().endswith("?") and not strong:
        return Classified("asked", cue="question")
    if missed_after:
        return Classified("taken", True, "missed after")
    return Classified("taken", cue=strong.group() if strong else "")


_STOP_CUE = re.compile(r"\b(?:stopped|quit|quitting|gave up|given up|went off|came off|come off|got off|no longer|cut out|dropped)\b")
# A drug a prescriber would give, not yet taken: "they'd give me amoxicillin", "can the urologist give me Cialis".
_GIVEN_BY_OTHER = re.compile(r"\b(?:gave|handed|lent|passed|dropped off|left|brought|offered)\s+(?:me|us|him|her)\s+(?:a few|some|a couple|a handful|"
                             r"one|two|three|a bottle|a box|a strip|the rest|half)\s+(?:of\s+)?(?:her|his|their)\s+(?:\w+\s+)?$")
_OFFERED = re.compile(r"(?:'d|\bwould|\bwill|'ll|\bgoing to|\bgonna|\bwants? to|\bwanted to|\bcan|\bcould|\bmight|\bmay)\s+(?:\w+\s+){0,2}?"
                      r"(?:give|prescribe|call in|put (?:me|him|her) on|start (?:me|him|her) on|send in|order)\b[^.?!]{0,25}$")
# A caregiver speaking of a drug of their own: "I take Advil myself for my back", "that Sudafed is mine".
_SPEAKERS_OWN = re.compile(r"\b(?:i|i'?ve)\s+(?:\w+\s+){0,3}?(?:myself|my own)\b|\b(?:is|are|'s)\s+(?:all\s+)?mine\b|\bmy own (?:pills|prescription|bottle)\b")
# The drug named after "instead of" is the one not taken: "instead of the Advil I took Tylenol".
_REPLACED_BY_ANOTHER = re.compile(r"\b(?:instead of|rather than|in place of)\s+(?:the |my |his |her |that |those |these |some )?$")
_TOPIC_VERB = re.compile(r"\b(?:i|i'?ve|i'?m|i'?d|you|she|he|we|they|it'?s|is|was|are|were|been|take|took|taking|have|has|had|do|did|"
                         r"does|don'?t|didn'?t|doesn'?t|missed|forgot|skip\w*|use[sd]?|using|need\w*|get|got|run|ran|stopped|can|could|"
                         r"should|would|will|makes?|made|gives?|gave)\b")
_REFERS_BACK = re.compile(r"^[^.?!]{0,50}?\b(?:it|them|that one|those|that)\b")


def _topic_only(rest: str) -> bool:
    """The words around a name are only more naming, with no subject and verb of their own: "Oh, the Lasix, the
    water pill." """
    return len(rest) <= 60 and not _TOPIC_VERB.search(rest)


def _next_sentence(low: str, sent_end: int, next_start: int | None) -> str:
    """The sentence after the mention's, when no other drug is named before its end."""
    m = _SENTENCE_END.search(low, sent_end)
    stop = m.end() if m else len(low)
    if next_start is not None and next_start < stop:
        return ""
    return low[sent_end:stop]


# The named thing as the subject of "stopped" is no one stopping the drug: "it stopped right away" (a scratch that bled,
# told after the drug), "the Flomax stopped working"; "I stopped it" has its subject before the name.
_STOPPED_BY_ITSELF = re.compile(r"\s*(?:has |had |'s |just |kind of |sort of )?(?:stopped|quit)\b(?! (?:it|them|'em|taking|using|the)\b)")
# A question whether to stop is no report of stopping: "is gardening alright with the thinner or should she quit?"
_ASKS_WHETHER_TO = re.compile(r"\b(?:should|shall|can|could|may|must|do|does|would) (?:i|he|she|we|they|mum|mom|dad)"
                              r"(?: (?:just|still|have to|need to))? $|\b(?:ok(?:ay)?|alright|all right|fine|safe|time|better) to $|"
                              r"\bwhether (?:to|i|he|she) $")


def _missed_after(after: str, another_drug_follows: bool) -> bool:
    """A missed-dose word after the name about this drug, not the next one ("I stopped the Coreg")."""
    if _LEFT_BEHIND_AFTER.match(after):
        return True
    m = _MISSED_AFTER.search(after) or _MISSED_AFTER_PRONOUN.search(after)
    if m is None:
        return False
    if _STOPPED_BY_ITSELF.match(after) or _ASKS_WHETHER_TO.search(after[:m.start("cue")]):
        return False  # "it stopped right away" (the bleeding), "it stopped working"; "or should she quit?" (a question)
    if _NEGATED_MISS.search(after[:m.start("cue")]):
        return False  # "so I don't run out", "before I run out", "no missed doses", "haven't missed any"
    if _NOT_MED_OUT.match(after, m.end()):
        return False
    if another_drug_follows and re.fullmatch(
            r"\s*(?:(?:of|taking|using|on|with)\s+)?(?:(?:the|my|his|her|your|our|their|some|any|all|a|an)\s*)?", after[m.end():]):
        return False
    return True


def _last(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    found: re.Match[str] | None = None
    for m in rx.finditer(text):
        found = m
    return found


def _future_before(clause: str, cue: re.Match[str] | None) -> bool:
    """"So I don't run out", "before I run out": a missed-dose word about the future."""
    if cue is None:
        return False
    return bool(_FUTURE_MISSED.search(clause[: cue.start()]))


def _negation(near: str) -> tuple[Status, int] | None:
    """The negation governing the name (and where it starts in ``near``), or None."""
    m = _last(_NEG_RX, near)
    if m is None:
        return None
    status = _negation_status(near, m)
    return (status, m.start()) if status is not None else None


def _negation_status(near: str, m: re.Match[str]) -> Status | None:
    rest = near[m.end():]
    if _NEG_EXCEPTION.search(rest):
        return None  # "nothing but Tylenol", "no, just my Lasix"
    if re.match(r"\s*[,.!]", rest) and m.group() in ("no", "nope"):
        return None  # "No, I take Tylenol": an answer, not a negation
    if m.group() == "no" and re.search(r"\bno (?:problem|issue|trouble|side effect|change)", near):
        return None
    if _INTAKE_ANY.search(rest) or re.match(r"\s*(?:been|really|even|always|usually|yet)\b", rest):
        return "negated" if re.search(r"\bneed", rest) else "missed_neg"
    return "negated"


def _patient_words_removed(clause: str, proxy: Proxy | None) -> str:
    """A caregiver's "she's been skipping her Prilosec": the patient's pronouns, relation words and
    names are not someone else (the speaker's other relatives still are)."""
    if proxy is None:
        return clause
    return re.sub(r"\b(?:(?:my|our)\s+)?[a-z][a-z'-]*\b",
                  lambda m: "" if proxy.is_patient_word(m.group()) else m.group(), clause)


def _is_other_person(clause: str) -> bool:
    if _OTHER_POSSESSIVE.search(clause):
        # "Could I take one of my wife's Ativan?", "I took my husband's Percocet": the patient's own intake.
        return not (_STRONG_SELF_INTAKE.search(clause) or _SELF_INTENT.search(clause))
    if re.search(r"\b(?:and i|and me|me and|i and|we|we're|we've|us|both of us)\b", clause):
        return False  # "me and my wife both take Lipitor"
    other = _last(_OTHER, clause)
    if other is None:
        return False
    self_ref = _last(_SELF, clause)
    return self_ref is None or self_ref.start() < other.start()


# --------------------------------------------------------------------------------------------------
# Per-plan facts, cached
# --------------------------------------------------------------------------------------------------


@dataclass
class _PlanFacts:
    drugs: frozenset[str]
    meds: dict[str, Medication]
    prn: frozenset[str]
    conditions: frozenset[str]
    allergies: frozenset[str]
    condition_names: dict[str, str] = field(default_factory=dict)
    # mg of one tablet / one dose / a day, per plan drug (unit conversion is slow: done once per plan)
    strength_mg: dict[str, float] = field(default_factory=dict)
    dose_mg: dict[str, float] = field(default_factory=dict)
    daily_mg: dict[str, float] = field(default_factory=dict)
    today: dt.date | None = None  # the call's date: "since Monday" spans the days up to it


_facts_cache: dict[tuple[str, str], _PlanFacts] = {}


def _plan_facts(plan: CarePlan, today: object) -> _PlanFacts:
    from specialists.text.drugs import _plan_hash

    key = (_plan_hash(plan), str(today))
    found = _facts_cache.get(key)
    if found is not None:
        return found
    meds: dict[str, Medication] = {}
    prn: set[str] = set()
    for med in plan.medications:
        for ing in split_combination(med.name):
            meds.setdefault(ing, med)
            if med.as_needed:
                prn.add(ing)
    conds = kn.plan_condition_classes(plan, on=today)  # type: ignore[arg-type]
    if "hypertension" in conds and _readings_uncontrolled(plan):
        conds = conds | {"uncontrolled_hypertension"}
    facts = _PlanFacts(plan_drugs(plan), meds, frozenset(prn), conds, kn.plan_allergy_classes(plan),
                       today=today if isinstance(today, dt.date) else None)
    for drug, med in meds.items():
        if len(split_combination(med.name)) != 1:
            continue
        if med.strength is not None and (mg := med.strength.mg()) is not None:
            facts.strength_mg[drug] = mg
        if med.dose is not None and (mg := med.dose.mg()) is not None:
            facts.dose_mg[drug] = mg
        if (mg := med.daily_mg()) is not None:
            facts.daily_mg[drug] = mg
    for cond in plan.conditions:
        for cid in kn.condition_classes_for(cond.name, [(c.system, c.code) for c in cond.codes]):
            facts.condition_names.setdefault(cid, cond.name)
    for allergy in plan.allergies:
        for aid in kn.allergy_classes_for(allergy.substance, [(c.system, c.code) for c in allergy.codes]):
            facts.condition_names.setdefault(aid, f"{allergy.substance} allergy")
    if len(_facts_cache) > 512:
        _facts_cache.clear()
    _facts_cache[key] = facts
    return facts


def _readings_uncontrolled(plan: CarePlan) -> bool:
    """Hypertension whose latest recorded reading is stage 2 or worse (>= 160 / >= 100 mmHg): far enough
    from any goal to call uncontrolled (contraindications.yaml leaves this inference to the specialist)."""
    sbp, dbp = plan.latest("systolic_bp"), plan.latest("diastolic_bp")
    return bool((sbp is not None and sbp.value >= _UNCONTROLLED_SBP) or (dbp is not None and dbp.value >= _UNCONTROLLED_DBP))


_UNCONTROLLED_SBP, _UNCONTROLLED_DBP = 160.0, 100.0


# --------------------------------------------------------------------------------------------------
# The specialist
# --------------------------------------------------------------------------------------------------


@dataclass
class _Said:
    """One mention of one drug and what the patient says about it."""

    drug: str
    mention: DrugMention
    status: Status
    missed_after: bool
    reference: bool = False  # resolved from "it" / a yes-no answer, not named in the turn
    cue: str = ""


@dataclass
class _DrugReport:
    drug: str
    said: list[_Said] = field(default_factory=list)

    def has(self, *statuses: str) -> bool:
        return any(s.status in statuses for s in self.said)

    @property
    def named(self) -> bool:
        """Named or described in the turn as a drug (an allergen in an allergy statement is not)."""
        return any(not s.reference and s.status != "allergen" for s in self.said)


class MedicationSpecialist:
    name = "medication"
    speakers = frozenset({"patient"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        text = ctx.text
        if not text or not text.strip():
            return SpecialistResult()
        plan = ctx.plan
        facts = _plan_facts(plan, ctx.today)
        low = _lower(text)
        mentions = find_drug_mentions(text, plan)
        proxy = proxy_for_turn(ctx)
        said = self._classify(text, low, mentions, proxy)
        said += self._references(text, low, mentions, ctx.history, plan, proxy)
        if not said:
            return SpecialistResult()
        reports: dict[str, _DrugReport] = {}
        for s in said:
            reports.setdefault(s.drug, _DrugReport(s.drug)).said.append(s)
        findings: list[Finding] = []
        guidance: list[str] = []
        stops = [(m.start, m.end) for m in mentions]
        for report in reports.values():
            f, g = self._judge(report, text, low, stops, facts)
            findings += f
            guidance += [x for x in g if x not in guidance]
        return SpecialistResult(findings=findings, guidance=guidance)

    # -- what is said about each drug -----------------------------------------------------------------

    def _classify(self, text: str, low: str, mentions: Sequence[DrugMention], proxy: Proxy | None = None) -> list[_Said]:
        out = []
        for k, m in enumerate(mentions):
            nxt = mentions[k + 1].start if k + 1 < len(mentions) else None
            c = classify_mention(text, m.start, m.end, low=low, next_start=nxt, proxy=proxy)
            for d in m.drugs:
                out.append(_Said(d, m, c.status, c.missed_after, cue=c.cue))
        # "I take Lasix. I forgot it yesterday.": a later sentence with no drug refers back.
        out += self._in_turn_references(text, low, mentions, proxy)
        return out

    def _in_turn_references(self, text: str, low: str, mentions: Sequence[DrugMention],
                            proxy: Proxy | None = None) -> list[_Said]:
        out: list[_Said] = []
        if not mentions:
            return out
        for sent_start, sent_end in _sentences(low):
            if sent_start < mentions[0].end or any(sent_start <= m.start < sent_end for m in mentions):
                continue
            ref = _REFERENCE.search(low, sent_start, sent_end)
            if ref is None:
                continue
            c = classify_mention(text, ref.start(), ref.end(), low=low, proxy=proxy)
            # a dose missed, or asked about ("My friend swears by Aleve. Could I take one of those?")
            if c.status not in ("missed", "missed_neg", "asked"):
                continue
            prev = [m for m in mentions if m.end <= sent_start][-1]
            span = DrugMention(prev.drugs, ref.start(), ref.end(), text[ref.start():ref.end()], prev.how, prev.product)
            out += [_Said(d, span, c.status, False, reference=True, cue=c.cue) for d in prev.drugs]
        return out

    def _references(self, text: str, low: str, mentions: Sequence[DrugMention], history: Sequence[Utterance],
                    plan: CarePlan, proxy: Proxy | None = None) -> list[_Said]:
        """A turn that names no drug but answers about one: "No, I ran out of it", "Yes, two this morning"."""
        if mentions or not history:
            return []
        last_agent = next((u for u in reversed(history) if u.speaker == "agent"), None)
        if last_agent is None:
            return []
        agent_mentions = find_drug_mentions(last_agent.text, plan)
        drugs = list(dict.fromkeys(d for m in agent_mentions for d in m.drugs))
        if not drugs:
            return []
        ref = _REFERENCE.search(low)
        plural = bool(ref and re.match(r"them|those|these|both|all|my pills|my meds|my medications", ref.group()))
        if len(drugs) > 1 and not plural:
            return []
        agent_low = _lower(last_agent.text)
        if ref is not None:
            # Every "it" / "them" in the answer: "Yes I take it, but I skipped it yesterday" is a missed dose.
            found = [(r, classify_mention(text, r.start(), r.end(), low=low, proxy=proxy)) for r in _REFERENCE.finditer(low)]
            pick = next(((r, c) for r, c in found if c.status in ("missed", "missed_neg") or c.missed_after), found[0])
            r, c = pick
            status: Status = "missed" if c.missed_after and c.status == "taken" else c.status
            span, cue = (r.start(), r.end()), c.cue
            # kept to a schedule of its own ("I've been taking that only every other day"): judged against the plan
            if status == "taken" and not (c.cue or _AGENT_INTAKE_Q.search(agent_low) or adherence.schedule_kept(low)):
                return []
        elif _AGENT_INTAKE_Q.search(agent_low) and last_agent.text.rstrip().endswith("?"):
            answer = self._yes_no(low, asked_missed=bool(_AGENT_MISSED_Q.search(agent_low)),
                                  asked_taking=bool(_AGENT_TAKING_Q.search(agent_low)))
            if answer is None:
                return []
            status, cue = answer
            span = (0, 0)
        else:
            return []
        if status in ("asked", "discussed", "other", "allergy", "allergen", "pending", "refill"):
            return []
        mention = DrugMention(tuple(drugs), span[0], span[1], text[span[0]:span[1]], "description")
        return [_Said(d, mention, status, False, reference=True, cue=cue) for d in drugs]

    @staticmethod
    def _yes_no(low: str, asked_missed: bool = False, asked_taking: bool = False) -> tuple[Status, str] | None:
        """The answer to "did you take ...?" (or, ``asked_missed``, to "have you missed any ...?"; with
        ``asked_taking`` too, "are you taking X as prescribed, and have you missed any?", a bare "yes" answers
        the first question)."""
        missed = _MISSED_TOOK.search(low) or _MISSED_NOGET.search(low)
        if missed and not _PSEUDO_TAKEN.search(low):
            return "missed", missed.group()
        if _LATER.search(low):
            return None  # "not yet, I will after lunch"
        if asked_missed:
            if _NO.search(low) or re.search(r"\bnot (?:one|once|a single)\b", low) or _PSEUDO_TAKEN.search(low):
                return "taken", "no missed doses"
            counts = _SCHEDULE_WORDS.sub(" ", low)  # "twice a day" is how often, not how many were missed
            if _AMOUNT_ANSWER.search(counts) or re.search(r"\b(?:one|once|twice|a few|a couple)\b", counts):
                return "missed", "yes, missed"
            if _YES.search(low):
                return ("taken", "yes, taking") if asked_taking else ("missed", "yes, missed")
            return None
        if _AMOUNT_ANSWER.search(low):
            return "taken", "amount"
        if _NO.search(low):
            return ("negated" if re.search(r"\bneed", low) else "missed_neg"), "no"
        if _YES.search(low) or re.search(r"\b(?:took|take|taking|had|used)\b", low):
            return "taken", "yes"
        return None

    # -- findings for one drug ------------------------------------------------------------------------

    def _judge(self, report: _DrugReport, text: str, low: str, stops: list[tuple[int, int]],
               facts: _PlanFacts) -> tuple[list[Finding], list[str]]:
        drug = report.drug
        on_plan = drug in facts.drugs
        evidence = next((s.mention.text for s in report.said if not s.reference), report.said[0].mention.text)
        findings: list[Finding] = []
        guidance: list[str] = []
        if report.named:
            findings.append(Finding(kind="medication_mentioned", drug=drug, evidence=evidence, specialist=self.name,
                                    message=f"Patient mentions {drug}."))
        # A drug not on the plan that the patient ran out of or stopped was being taken; one they could not get
        # or have not filled ("I haven't filled the tramadol yet") was not, and is judged like a question.
        never_got = not on_plan and any(s.status == "missed" and _MISSED_NOGET.search(s.cue) for s in report.said)
        taken = report.has("taken") or (not on_plan and any(
            s.status == "refill" or (s.status == "missed" and not _MISSED_NOGET.search(s.cue)) for s in report.said))
        asked = report.has("asked", "pending") or never_got
        if on_plan and (self._missed(report, facts, low, stops) or self._kept_short(report, low, stops, facts)):
            findings.append(Finding(kind="missed_doses", drug=drug, evidence=evidence, specialist=self.name,
                                    urgency="routine", message=f"Patient reports missed doses of {drug} (care-plan drug)."))
            guidance.append(f"Patient reports missing or running out of {drug}: ask when they last took it and whether "
                            f"they can get more; tell them the care team will be told.")
        if not on_plan and taken:
            findings.append(Finding(kind="not_in_care_plan", drug=drug, evidence=evidence, specialist=self.name,
                                    urgency="routine", message=f"Patient takes {drug}, which is not on the care plan."))
            guidance.append(f"Patient takes {drug}, which is not on their medication list: note it for the care team.")
        if not on_plan and (taken or asked):
            f, g = self._rules(report, taken, text, low, facts)
            findings += f
            guidance += g
        if taken:
            f, g = self._dose(report, text, low, stops, facts, on_plan)
            findings += f
            guidance += g
        return findings, guidance

    @staticmethod
    def _missed(report: _DrugReport, facts: _PlanFacts, low: str, stops: list[tuple[int, int]]) -> bool:
        prn = report.drug in facts.prn
        for s in report.said:
            if s.status == "missed" and _STOP_CUE.search(s.cue) and s.mention.end > s.mention.start \
                    and adherence.stopped_as_instructed(_words_about(low, s.mention.start, s.mention.end, stops)):
                continue  # "I stopped the Colace like the sheet said": the plan's own stop
            if s.status == "missed":
                # An as-needed drug not taken is no missed dose; running out of it or stopping it is.
                if not prn or re.search(r"ran out|run out|out of|stopped|quit|gave up|went off|no longer|been off|afford", s.cue):
                    return True
            if s.status in ("missed_neg", "discontinued", "pending") and not prn:
                return True
            if s.missed_after and not prn:
                return True
        return False

    @staticmethod
    def _kept_short(report: _DrugReport, low: str, stops: list[tuple[int, int]], facts: _PlanFacts) -> str | None:
        """A scheduled drug kept on fewer doses than the plan's, said as the schedule kept, a supply left over or
        doses found untaken (:mod:`specialists.text.adherence`)."""
        med = facts.meds.get(report.drug)
        if med is None or report.drug in facts.prn or not med.times_per_day:  # prn holds every as-needed ingredient
            return None
        for s in report.said:
            if s.status not in ("taken", "discussed", "refill") or s.mention.end <= s.mention.start:
                continue
            words = _words_about(low, s.mention.start, s.mention.end, stops)
            cue = (adherence.fewer_than_planned(words, med.times_per_day) or adherence.found_untaken(words)
                   or adherence.supply_left_over(words, facts.today, med.times_per_day))
            if cue:
                return cue
        return None

    def _rules(self, report: _DrugReport, taken: bool, text: str, low: str,
               facts: _PlanFacts) -> tuple[list[Finding], list[str]]:
        drug = report.drug
        findings: list[Finding] = []
        guidance: list[str] = []
        dose = self._single_dose(report, text, low)
        rules = _contraindications(drug, facts.conditions, facts.allergies, dose)
        if rules:
            allergy = any(r.allergy for r in rules)
            level: Level = "urgent" if (allergy and taken) else "routine"
            why = rules[0].condition or rules[0].allergy or ""
            reason = facts.condition_names.get(why, why.replace("_", " "))
            findings.append(Finding(kind="contraindicated", drug=drug, specialist=self.name, urgency=level,
                                    evidence=report.said[0].mention.text, ruled_out_by=facts.condition_names.get(why),
                                    message=f"{drug} is ruled out by {reason} on the care plan: {rules[0].why}"))
            if taken:
                guidance.append(f"Patient took {drug}, which {reason} rules out: tell them not to take more"
                                + (" and that a nurse will call today." if level == "urgent" else "; the care team will follow up."))
            else:
                guidance.append(f"Patient asks about {drug}, which {reason} rules out: tell them not to take it and that "
                                f"the care team will suggest an alternative.")
        for other in sorted(facts.drugs):
            pairs = _interactions(drug, other)
            if not pairs:
                continue
            level = "urgent" if taken else "routine"
            findings.append(Finding.model_validate({
                "kind": "interaction", "drug": drug, "with": other, "specialist": self.name, "urgency": level,
                "evidence": report.said[0].mention.text, "ruled_out_by": pairs[0].risk,
                "message": f"{drug} with {other} ({pairs[0].severity}): {pairs[0].effect}"}))
            if taken:
                guidance.append(f"Patient took {drug}, which interacts dangerously with their {other} "
                                f"({pairs[0].effect.rstrip('.')}): tell them not to take more and that a nurse will call today.")
            else:
                guidance.append(f"Patient asks about {drug}, which interacts dangerously with their {other}: "
                                f"tell them not to take it until the care team advises.")
        return findings, guidance

    # -- amounts --------------------------------------------------------------------------------------

    def _single_dose(self, report: _DrugReport, text: str, low: str) -> float | None:
        """One dose in mg when it matters for a rule (low-dose aspirin)."""
        if report.drug != "aspirin":
            return None
        for s in report.said:
            window = low[max(0, s.mention.start - 30): s.mention.end + 40]
            if _LOW_DOSE_ASPIRIN.search(window):
                return kn.knowledge().low_dose_aspirin_mg
        intake = parse_intake(text, report.said[0].mention.start, report.said[0].mention.end)
        strength, _ = _unit_strength(report.drug, report.said[0].mention, intake, None)
        return intake.dose_in_mg(strength) or strength

    def _dose(self, report: _DrugReport, text: str, low: str, stops: list[tuple[int, int]], facts: _PlanFacts,
              on_plan: bool) -> tuple[list[Finding], list[str]]:
        drug = report.drug
        total = 0.0
        counted = False
        seen: set[tuple[int, int]] = set()
        extra = False
        product_differs = False
        single_doses = 0.0  # products named with no amount: one dose each, counted only next to a reported amount
        regular = False  # "my regular doses", "as prescribed": the plan's own daily amount was taken too
        total_high = 0.0  # what the assumed strengths add if the patient meant the common higher one
        stated_schedule = False
        for s in report.said:
            if s.status != "taken" or (s.mention.start, s.mention.end) in seen:
                continue
            seen.add((s.mention.start, s.mention.end))
            others = [x for x in stops if x != (s.mention.start, s.mention.end)]
            intake = parse_intake(text, s.mention.start, s.mention.end, others, _known_strengths(drug, facts), facts.today)
            strength, per_ml = _unit_strength(drug, s.mention, intake, facts)
            extra_strength = _extra_strength(drug, s.mention, intake)
            own = drug in facts.meds and len(s.mention.drugs) == 1  # the plan's own product
            base_amount = intake.has_amount and not (intake.extra_units and intake.units is None and intake.dose_mg is None
                                                     and intake.total_units is None and intake.total_mg is None)
            if own and not base_amount and (intake.has_frequency or intake.extra_units) and drug in facts.dose_mg:
                # "my Tylenol 3 times", "my Tylenol this morning and two more at lunch": the plan's own dose
                extra_mg = intake.extra_units * (extra_strength or strength or 0.0)
                daily: float | None = (facts.dose_mg[drug] * intake.doses_per_day() + extra_mg) / intake.days
            else:
                daily = intake.daily_mg(strength, per_ml, extra_strength)
                alt = _assumed_higher_strength(drug, s.mention, intake, facts)
                if daily is not None and alt is not None:
                    high = intake.daily_mg(alt, None, extra_strength)
                    total_high += (high or daily) - daily
            # The patient's own words give the schedule ("my two Tylenol every eight hours"): the plan's daily
            # amount is already counted.
            stated_schedule = stated_schedule or (own and base_amount and intake.has_frequency)
            product_differs = product_differs or len(s.mention.drugs) > 1
            regular = regular or bool(_AS_PRESCRIBED.search(low))
            if daily is None:
                if not (drug in facts.meds and len(s.mention.drugs) == 1):  # "my Tylenol" is the plan's own dose
                    single_doses += strength or 0.0
                continue
            total += daily
            counted = True
            # "on top of my two arthritis caplets morning and night, six of the extra strength": anywhere in its sentence
            lo, hi = _sentence_bounds(low, s.mention.start, s.mention.end)
            extra = extra or bool(_EXTRA.search(low[max(lo, s.mention.start - 120): min(hi, s.mention.end + 60)]))
        if not counted:
            return [], []
        total += single_doses
        scheduled = facts.daily_mg.get(drug)
        if scheduled and not stated_schedule and (
                (drug not in facts.prn and (extra or product_differs)) or (regular and (extra or product_differs))):
            total += scheduled  # the plan's own doses, taken on top of what the patient reports
        limit = _limit(drug, on_plan)
        if limit is None:
            return [], []
        if on_plan and scheduled and total <= scheduled * 1.001 and total_high == 0:
            return [], []  # no more than the plan's own daily amount: taken as prescribed
        if total <= limit.mg:
            # "Twelve Tylenol": 3,900 mg if regular strength, 6,000 mg if extra strength. Cases are never set
            # near a limit, so a total that only clears it (by more than 5%) at the higher strength counts.
            if total_high and total + total_high > limit.mg * 1.05:
                total += total_high
            else:
                return [], []
        amount = f"{total:,.0f}"
        evidence = report.said[0].mention.text
        return ([Finding(kind="dose_exceeds_max", drug=drug, specialist=self.name, urgency="urgent", evidence=evidence,
                         message=f"Reported {amount} mg {drug} in 24 hours; labelled maximum {limit.mg:,.0f} mg "
                                 f"({'OTC' if limit.context == 'otc_label' else 'prescription'} label).")],
                [f"Patient reports {amount} mg {drug} in 24 h (max {limit.mg:,.0f} mg): tell them to stop taking it "
                 f"and that a nurse will call today."])


@cache
def _contraindications(drug: str, conditions: frozenset[str], allergies: frozenset[str],
                       dose: float | None) -> tuple[kn.ContraindicationRule, ...]:
    """The core rule classes, plus every allergy to the drug's own class (a lisinopril angioedema rules out
    enalapril; a sulfa allergy, Bactrim): the label contraindicates the class, whatever the tier."""
    rules = kn.contraindications_for(drug, conditions, allergies, dose_mg=dose)
    return tuple(r for r in rules if r.tier == "core" or r.allergy is not None)


@cache
def _interactions(drug: str, other: str) -> tuple[kn.InteractionRule, ...]:
    return tuple(kn.interactions_between(drug, other))


_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:but|and|while|whereas)\b")
_LIST_GLUE = re.compile(r"[\s,]*(?:(?:and|or|plus|&)\s+)?(?:(?:the|my|his|her|their)\s+)?")


def _words_about(low: str, start: int, end: int, stops: list[tuple[int, int]]) -> str:
    """The words about the drug named at ``low[start:end]``: its sentence and the next one, cut where another
    drug is named ("the Lasix twice a day and the metoprolol just in the morning")."""
    sent_start, sent_end = _sentence_bounds(low, start, end)
    follow = _SENTENCE_END.search(low, sent_end)
    stop = follow.end() if follow else len(low)
    begin = start
    for s, e in sorted(stops, reverse=True):  # back over a list of names: "the sertraline and the blood pressure one"
        if e <= begin and not _LIST_GLUE.fullmatch(low[e:begin]):
            break
        if e <= begin:
            begin = s
    prev_end = max([e for s, e in stops if e <= begin], default=sent_start)
    begin = max(sent_start, prev_end)
    if prev_end > sent_start:  # "The oxycodone I only took once, the Tylenol is holding it": the cue is the oxycodone's
        begin = max([begin] + [m.end() for m in _CLAUSE_BREAK.finditer(low, begin, start)])
    stop = min([stop] + [s for s, e in stops if s >= end])
    return low[begin:stop]


def _sentences(low: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(low):
        out.append((start, m.end()))
        start = m.end()
    if start < len(low) and low[start:].strip():
        out.append((start, len(low)))
    return out


def _limit(drug: str, on_plan: bool) -> kn.DoseLimit | None:
    """OTC label for self-medication, the prescription label for a drug the plan prescribes."""
    if on_plan:
        return kn.max_daily_mg(drug, "rx_label") or kn.max_daily_mg(drug, "otc_label")
    return kn.max_daily_mg(drug)


def _unit_strength(drug: str, mention: DrugMention, intake: Intake,
                   facts: _PlanFacts | None) -> tuple[float | None, float | None]:
    """mg in one unit (tablet, caplet, labelled liquid dose) of what the patient took, and mg per mL."""
    if intake.unit_mg is not None:
        return intake.unit_mg, None
    sw = intake.strength_words or mention.strength_words
    plan_strength = facts.strength_mg.get(drug) if facts is not None else None
    # A plan drug named by itself or a bare brand is the plan's own tablet ("my Tylenol" = the plan's 500 mg).
    if plan_strength is not None and not sw and len(mention.drugs) == 1 and _bare_name(mention.product):
        return plan_strength, None
    product = _product(drug, mention.product, sw)
    if product is not None:
        mg = product.mg(drug)
        if mg is not None:
            return mg, (product.mg_per_ml(drug) if product.unit == "mL" else None)
    if plan_strength is not None and len(mention.drugs) == 1:
        return plan_strength, None
    generic = _generic_product(drug, None)
    if generic is not None:
        mg = generic.mg(drug)
        return mg, generic.mg_per_ml(drug) if generic.unit == "mL" else None
    if facts is not None and drug in facts.dose_mg:
        return facts.dose_mg[drug], None
    return None, None


def _assumed_higher_strength(drug: str, mention: DrugMention, intake: Intake, facts: _PlanFacts) -> float | None:
    """The common higher strength ("extra strength", 500 mg acetaminophen) when the strength used was only
    assumed: a bare brand or generic, no strength said, not the plan's own tablet."""
    if intake.unit_mg is not None or intake.dose_mg is not None or intake.dose_ml is not None or intake.total_mg is not None:
        return None
    if intake.strength_words or mention.strength_words or len(mention.drugs) > 1 or drug in facts.strength_mg:
        return None
    if not _bare_name(mention.product):
        return None
    higher = _generic_product(drug, "extra strength")
    return higher.mg(drug) if higher is not None and higher.unit != "mL" else None


@cache
def _bare_name(product: str | None) -> bool:
    """No product, or a brand that stands for its default product ("Tylenol"), not a specific one
    ("Tylenol Arthritis", "extra strength Tylenol")."""
    if product is None:
        return True
    kb = kn.knowledge()
    if _PRODUCT_LINE.search(product):
        return False
    return kb.product_defaults.get(product, product) != product or product in kb.brand_names


_PRODUCT_LINE = re.compile(r"\b(?:strength|arthritis|8 hr|\d+ ?(?:hour|hr)|low dose|baby|junior|childrens|ultra|maximum)\b")


def _known_strengths(drug: str, facts: _PlanFacts) -> tuple[float, ...]:
    """mg of one tablet of the drug that a number after its name may be: the plan's strength and dose, and the
    labelled strengths of its single-ingredient products."""
    plan = tuple(x for x in (facts.strength_mg.get(drug), facts.dose_mg.get(drug)) if x is not None)
    return plan + _product_strengths(drug)


@cache
def _product_strengths(drug: str) -> tuple[float, ...]:
    return tuple(mg for p in kn.knowledge().products.values() if len(p.ingredients) == 1 and p.unit != "mL"
                 and (mg := p.mg(drug)) is not None)


def _extra_strength(drug: str, mention: DrugMention, intake: Intake) -> float | None:
    """mg of one unit of the extra doses when they name their own product line ("two more extra strength")."""
    if not intake.extra_strength_words:
        return None
    product = _product(drug, _brand_of(mention.product), intake.extra_strength_words)
    mg = product.mg(drug) if product is not None and product.unit != "mL" else None
    return mg


def _brand_of(product: str | None) -> str | None:
    """The brand word of a product phrase ("tylenol 8 hr" -> "tylenol"), for pairing with other strength words."""
    if product is None:
        return None
    kb = kn.knowledge()
    words = product.split()
    for n in range(len(words), 0, -1):
        for i in range(len(words) - n + 1):
            key = " ".join(words[i:i + n])
            if key in kb.brand_names:
                return key
    return product


@cache
def _product(drug: str, product: str | None, strength_words: str | None) -> kn.ProductStrength | None:
    if product:
        keys = [f"{strength_words} {product}", f"{product} {strength_words}", product] if strength_words else [product]
        for key in keys:
            found = kn.product_strength(key)
            if found is not None and found.mg(drug) is not None:
                return found
    return _generic_product(drug, strength_words) if strength_words else None


@cache
def _generic_product(drug: str, strength_words: str | None) -> kn.ProductStrength | None:
    """The OTC product a generic name with these strength words means: the lowest labelled strength
    of the single-ingredient products (or the one whose name has the strength words)."""
    products = [p for p in kn.knowledge().products.values() if len(p.ingredients) == 1 and p.ingredients[0].drug == drug]
    if strength_words:
        named = [p for p in products if strength_words.replace("-", " ") in p.name]
        if named:
            return named[0]
    tablets = [p for p in products if p.unit != "mL"] or products
    return min(tablets, key=lambda p: p.mg(drug) or 0.0, default=None)

