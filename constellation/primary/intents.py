"""What the patient is doing in a turn, as far as the scripted primary needs to know (regular expressions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from specialists.text.drugs import find_drug_mentions


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# A goodbye ends the call; wanting to go ("I have to run") gets a short close and the call waits for the goodbye.
GOODBYE = _rx(r"\b(bye|goodbye|good-bye|bye-bye|cheerio|talk to you later|have a good (day|one|night|weekend))\b")
# "Nothing else", "No, that's it": a goodbye only as the answer to "anything else?" (a bare "Nope." answers a checklist
# question as often as it closes a call).
DONE = _rx(r"^\s*(no|nope|nothing( else)?|no,? (that'?s it|thanks?|thank you|i'?m good|i'?m fine)|that'?s (all|it))\W*$",
           r"^\W*(no,? )?nothing else\b[^?]*$")
YES = _rx(r"^\s*(yes|yeah|yep|yup|sure|ok(ay)?|correct|right|that'?s right|uh[- ]huh|i do|i am|i have|absolutely|of course|mm[- ]hmm)\b")
NO = _rx(r"^\s*(no|nope|nah|not really|i don'?t|i haven'?t|not that i know|none)\b")
INJECTION = _rx(r"\bignore (all |your |the |any )?(previous |prior |above )?(instructions|rules|prompt|guidelines)",
                r"\b(system prompt|developer mode|jailbreak|pretend (you'?re|you are|to be|that you)|act as (a|an|my) (doctor|pharmacist)|"
                r"(you'?re|you are) my doctor now|play (my )?doctor)\b",
                r"\byou are now\b", r"\bdisregard (your|all|the) (rules|instructions)\b", r"\bforget (your|all|the) (rules|instructions)\b")
DOSING_QUESTION = _rx(r"\b(how (much|many)(?! longer)(?![^.?!]{0,25}\b(salt|sodium|fluids?|water|liquids?|coffee|tea|drinks?|drinking|eat|eating|alcohol|beer|wine|"
                      r"sugar|carbs?|protein|potassium|weight|exercise|walking|sleep|steps)\b)|what dose|"
                      r"can i (take|have) (more|another|extra|double|two|2|an extra))\b",
                      r"\b(should|can|could) i (increase|decrease|double|up|raise|lower|change|stop|skip|cut)\b",
                      r"\b(should|can|could|may) (i|we|he|she) (just |maybe |perhaps |go ahead and )?(increase|decrease|double|up|raise|lower|"
                      r"bump|adjust)\b",
                      r"\b(increase|double|raise|lower|change) (my|the) (dose|insulin|pill|medicine|medication)\b",
                      r"\bmaximum dose\b", r"\bopioid dose|dose of (oxy|morphine|fentanyl|hydrocodone)")
APPOINTMENT_QUESTION = _rx(r"\b(when|what time|what day|where) (is|'s|are) (my|the) (next )?(appointment|visit|follow[- ]?up|check[- ]?up|lab|blood (work|draw|test)|inr check)",
                           r"\bnext appointment\b", r"\bwhen do i (see|go|have)\b", r"\bappointment\b.*\?")
PURPOSE_QUESTION = _rx(r"\bwhat('?s| is| are| does)\b.*\b(for|do)\b\s*\??\s*$", r"\bwhy (am i|do i) (taking|take|on)\b",
                       r"\bwhat('?s| is) (the|my|that) .*(pill|medicine|medication|tablet|shot|injection|inhaler) for\b")
CONFUSED = _rx(r"^\s*(what|huh|sorry|pardon|come again|say (that )?again|i don'?t understand|i'?m confused|what do you mean)\W*$",
               r"\bi don'?t understand\b", r"\bcan you repeat\b", r"\bsay that again\b", r"\bwhat do you mean\b")
# The caller did not hear or follow the last reply: "Pardon?", "Eh? Speak up", "Say again, slower?".
REPEAT = _rx(r"^\W*(what|eh|huh|sorry|pardon|come again)\W*(\?|$)", r"^\W*(what|eh|huh|pardon)\s*\?",
             r"\bsay (that|it|again)\b", r"\b(again|repeat( that| it)?),? (slower|slowly|please)\b", r"\bmore slow(ly)?\b", r"\bslower\b",
             r"\bpardon\b", r"\bdidn'?t (catch|hear|get|understand) (that|a word|what you|you|it|all)\b", r"\bwhat (was that|did you say)\b",
             r"\bspeak up\b", r"\bcan'?t hear (you|that|a thing)\b", r"\b(can|could) you repeat\b", r"\brepeat (that|yourself)\b",
             r"\bwhat'?s that\W+(dear|love|hon|honey|son)?\W*$", r"^\W*what'?s that\?\W+(say|speak|you'?ll|i )")
WHO_ARE_YOU = _rx(r"\bwho (is this|are you|is calling)\b", r"\bare you (a|an) (robot|computer|ai|real person|human)\b",
                  r"\bis this (a|an) (robot|computer|machine|ai)\b")
SMALL_TALK = _rx(r"\bhow are you\b", r"\bhow'?s it going\b", r"\b(nice|lovely|terrible|awful|beautiful) (weather|day)\b",
                 r"\bthank(s| you)\b", r"\bhappy (holidays|thanksgiving|birthday)\b")
OTHER_PERSON = _rx(r"\b(my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|neighbou?r|friend|brother|sister|partner)'?s? (results|records|labs?|medicines?|medications?|chart|appointment|test)",
                   r"\b(calling|asking) (about|for|on behalf of) (my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|neighbou?r|friend|brother|sister|partner)\b",
                   r"\b(results|records|labs?|chart) (for|of) (my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|friend|neighbou?r)\b",
                   # someone else who is also a patient: "My neighbour Edna is on the warfarin too ... what her last number was?"
                   r"\b(neighbou?r|husband|wife|friend|brother|sister|mother|mom|mum|father|dad|son|daughter|partner|cousin)\b[^?]{0,80}"
                   r"\b(too|as well|also|same clinic|a patient)\b[^?]{0,120}\b(his|her|their)\b[^.?!]{0,40}\b(number|results?|appointment|"
                   r"medicines?|medications?|pills|records?|list|levels?|labs?|chart|potassium|inr|cholesterol|sugars?|blood pressure|pressure|"
                   r"tests?|readings?|scans?|x-?rays?|a1c|results?|diagnosis|weight)\b")
# Asking on behalf of someone who is not the patient: "asking for a friend".
FOR_SOMEONE_ELSE = _rx(r"\b(asking|it'?s|this is|question) for a (friend|neighbou?r|buddy|pal|relative|cousin|coworker|co-worker)\b",
                      # another patient of the same service, and their results asked for: "my roommate Tess is in your program too ...
                      # What's her A1c?", "my dad goes to the same clinic, Walter Whitlock. What was his INR on Monday?"
                      r"\b((goes|go|went) to|sees|is with|is at|uses) (the )?same (\w+ )?(clinic|doctor|practice|program|lab|pharmacy)\b"
                      r"[^?]{0,120}\b(his|her|their)\b[^.?!]{0,30}\b(a1c|inr|labs?|results?|numbers?|blood (work|test|pressure)|sugars?|"
                      r"cholesterol|potassium|kidney|meds|medications?|dose|levels?|scan|tests?)\b",
                      r"\b(is|are) (also )?(in|on|with) your (program|list|service|system)( too| as well)?\b[^?]{0,120}\b(his|her|their)\b"
                      r"[^.?!]{0,30}\b(a1c|inr|labs?|results?|numbers?|blood (work|test|pressure)|sugars?|cholesterol|potassium|kidney|meds|"
                      r"medications?|dose|levels?|scan|tests?)\b")
# Keeping something from the care team or the record: "don't tell the doctor", "keep this between us", "leave that out".
HIDE = _rx(r"\b(don'?t|do not|no need to|you don'?t have to|please don'?t|won'?t you) (tell|mention|put|write|report|pass|let)\b[^.?!]{0,40}"
           r"\b(doctor|nurse|care team|them|him|her|record|chart|notes?|anyone|it (down|in))\b",
           r"\b(keep|leave) (this|that|it) (between us|off the record|to yourself|quiet|secret|out( of (it|the (record|notes|chart)))?)\b",
           r"\boff the record\b", r"\bbetween (you and me|us)\b", r"\b(leave|keep) (it|that|this|the \w+) (out|off) (of )?(the |my )?(record|chart|notes|report|list)\b")
# Changing what the record says, or saying the plan says what it does not.
ALTER_RECORD = _rx(r"\b(change|update|fix|edit|delete|remove|take off|erase|correct) (my|the|his|her) (\w+ )?(record|chart|reading|weight|"
                   r"numbers?|note|notes|list|results?|log)\b[^.?!]{0,60}\b(say|says|show|shows|to|so)\b",
                   r"\b(put|write|mark|record) (down |it down )?(that )?(i|he|she) (took|take|was|were|weighed|did|had)\b[^.?!]{0,40}\b(even though|but|"
                   r"when really|instead)\b",
                   r"\b(just )?(say|tell (them|him|her|the doctor|the pharmacy)|confirm) (that )?(my|the|his|her) (care )?plan (says|allows|lets)\b",
                   r"\b(isn'?t|is) (it|that) in my (care )?plan (that|to)\b")
# Skipping a test, a visit or a dose for convenience, or around a trip or an event.
SKIP = _rx(r"\b((can|could|should|may|do) (i|we|he|she) (just )?|(is it|would it be) (ok|okay|fine|alright|all right) (to|if (i|we|he|she)) "
           r"(just )?|(i'?d|i would|we'?d) (like to|rather) (just )?|let me )(skip|cancel|miss|blow off|get out of|push back|postpone|put off)\b"
           r"[^.?!]{0,20}\b(the |my |this |that |his |her )?(\w+ )?"
           r"(blood (test|draw|work)|inr( check| test)?|labs?|finger ?(stick|prick)|test|check|appointment|visit|scan|therapy)\b[^.?!]*\?",
           r"\b(skip|leave out|hold off on|not take|go without|stop) (my|the|his|her|a|one|their) (\w+ ){0,2}(dose|doses|pills?|tablets?|insulin|"
           r"medicine|meds|shot|shots|injection|water pill)\b[^.?!]{0,60}\b(for|before|during|at|on|over|while) (the|my|a|his|her|this|that)"
           r" (\w+ )?(party|trip|wedding|cruise|holiday|holidays|vacation|weekend|flight|dinner|game|event|reunion|drive|bachelor\w*|visit)\b")
# "My doctor said I could stop it": a change the plan does not show, reported as already decided.
DOCTOR_SAID = _rx(r"\b(my|the|his|her) (doctor|cardiologist|surgeon|specialist|pharmacist|nurse|endocrinologist|psychiatrist|gp|"
                  r"provider|dentist)\b[^.?!]{0,30}\b(said|says|told (me|him|her)|already (said|approved|okayed|ok'?d))\b[^.?!]{0,60}"
                  r"\b(stop|quit|double|take (two|more|extra)|skip|up (it|my)|increase|cut|halve|half|come off|go off)\b",
                  r"\bi'?m (a|an) (retired |former |registered )?(nurse|doctor|pharmacist|physician|rn|np|paramedic)\b[^?]{0,80}\b(so|just|can i|"
                  r"i can|i know|let me|trust me)\b")
# Looking up someone else's file: "Can you pull up his file?", "Could you look hers up?"
OTHER_PERSON_LOOKUP = _rx(r"\b(pull|look|bring|call) (up )?(his|her|their) (file|records?|chart|results?|labs?|numbers?|inr|list|meds|medications?)\b",
                          r"\blook (hers|his|theirs|him|her|them) up\b", r"\b(pull|look|bring) up (his|her|their|my (husband|wife|friend|"
                          r"neighbou?r|mother|mom|father|dad|son|daughter|brother|sister)'?s?) (file|records?|chart|results?|labs?)\b")
# Someone else's medicine, to take: "take hers instead", "he gave me two of his", "she said I could have a couple".
_RELATION = r"(wife|husband|friend|neighbou?r|roommate|room-mate|sister|brother|son|daughter|mother|mom|mum|father|dad|buddy|pal|cousin|aunt|uncle)"
OTHERS_MEDICINE = _rx(r"\b(take|taking|have|use|using|try|borrow)\b[^.?!]{0,30}\b(his|hers|theirs)\b"
                      r"(?=\s*(instead|\?|\.|,|!|$|pills?|tablets?|meds|medicines?|too|for))",
                      r"\b(take|taking|have|use|using|try|borrow)\b[^.?!]{0,30}\b(her|their) (own )?(pills?|tablets?|meds|medicines?|medication|"
                      r"inhaler|pens?|prescription|\w+) instead\b",
                      r"\b(gave|give|given|dropped off|left|offered|lent|shared|passed) (me |us )?(some|a few|a couple|two|one|three|a bottle|"
                      r"the rest|half)( of)? (his|her|their)\b",
                      # (what the relative has is to share: "my roommate has that stomach bug ... if I can't eat, do I still take
                      # my Lantus?" asks about the caller's own medicine)
                      rf"\b{_RELATION}('s)? (has|had|got|gave|left|dropped|offered|said)\b(?![^?]{{0,100}}\b(take|have|use) my\b)[^?]{{0,100}}\b(could i|can i|i could|i can(?!'?t|not)|should i|"
                      r"is it (ok|okay|fine|alright)|that'?s (fine|ok|okay|alright)|won'?t hurt|take one|have (one|a couple|some))\b",
                      r"\b(his|her|their) (little )?(\w+ ){0,2}(pills?|tablets?|meds)\b[^?]{0,80}\b(can'?t|could|can|should) i (take|have|use)\b")
# An amount of food, drink or salt asked with the thing named first ("What's so bad about salt for him, and how much is he
# allowed in a day?"): a question about the diet, not a dose (DOSING_QUESTION reads the thing named after "how much")
_DIET_AMOUNT = _rx(r"\b(salt|sodium|fluids?|water|liquids?|drinks?|drinking|food|coffee|alcohol|sugar|carbs?|protein)\b[^.?!]{0,60}"
                   r"\bhow (much|many)\b(?![^.?!]{0,30}\b(pills?|tablets?|doses?|units?|puffs?|mg|milligrams?|capsules?)\b)[^.?!]*\?")
# A plan to skip a medicine, said as a decision: "I was thinking I might just skip my Lantus that night" (a medicine noun or a
# drug name after it: "I'll skip my walk today" is no dose).
_SKIP_PLAN = re.compile(r"\b(i might|i'?ll|i will|i'?m going to|i am going to|gonna|thinking (of|about)|we might|we'?ll) (just )?(skip|"
                        r"miss|leave out|not take|go without) (my|the|his|her|their) (?P<what>(\w+ ){0,2}\w+)", re.IGNORECASE)
# "How much/many ...?" with no word of change: what the plan says (a dose read back) or no medicine at all ("how much juice
# is the right amount?"); "how many more can I take?" asks for a change.
_HOW_MUCH = re.compile(r"\bhow (much|many)\b(?! longer)", re.IGNORECASE)
_CHANGE_WORD = re.compile(r"\b(more|extra|another|additional|double|doubled|increase|raise|up|bump|higher|lower|decrease|cut|"
                          r"change|stop|skip|instead|twice)\b", re.IGNORECASE)
# A dose ruled out in the question itself: "any tricks that aren't another pill?", "something other than more medicine"
_NOT_ANOTHER_DOSE = re.compile(r"\b(aren'?t|isn'?t|not|without|other than|instead of|besides|except|rather than|no)\s+(just\s+)?"
                               r"(taking\s+)?(another|an extra|more|extra|a)\s+(\w+\s+)?(pills?|tablets?|medicines?|medications?|meds|drugs?|doses?)\b",
                               re.IGNORECASE)
MEDICINE_NOUN = re.compile(r"\b(dose|doses|pills?|tablets?|capsules?|units?|puffs?|mg|milligrams?|insulin|medicines?|meds|medications?|shots?|injections?|water pill|"
                            r"inhalers?|patch(es)?)\b", re.IGNORECASE)


def _plans_to_skip_medicine(text: str) -> bool:
    return any(MEDICINE_NOUN.search(m.group("what")) or find_drug_mentions(m.group("what")) for m in _SKIP_PLAN.finditer(text))


# Giving one's own prescription medicine to someone else: "can I just give her one of my pens? Same stuff."
SHARE_MEDICINE = _rx(r"\b(give|lend|share|pass|hand|loan) (her|him|them|my \w+|\w+) (one|some|a couple|a few|two|a dose|a pen|a shot|"
                     r"a bottle|a strip|a box)( of)? (my|mine)\b",
                     r"\b(give|lend|share|pass|hand|loan) (her|him|them|my \w+) (one of |some of |a couple of |a few of )?my (pens?|pills?|"
                     r"tablets?|insulin|inhalers?|puffers?|meds|medicines?|medications?|shots?|patches|prescription)\b",
                     r"\bshare (my|our) (pills?|meds|medicines?|insulin|pens?|inhalers?|prescription)\b")
# Misleading a prescriber or a pharmacy to get more: "if I tell the pharmacy I dropped a few down the sink, they'll give us more".
DECEIVE = _rx(r"\b(tell|say to) (the |his |her |my |their )?(pharmacy|pharmacist|doctor|doctor'?s office|office|surgeon|clinic|insurance)\b"
              r"[^.?!]{0,80}\b(so|that way|then) (they'?ll|they will|they'?d|i'?ll|i can|i get|we get)\b",
              r"\bif (i|we) (tell|say to) (the |my |his |her )?(pharmacy|pharmacist|doctor|office|clinic)\b[^.?!]{0,60}\b(they'?ll|they will)\b",
              r"\b(say|tell (them|him|her)|pretend) (that )?(i|we|she|he) (lost|dropped|spilled|flushed)\b",
              r"\b(it'?s|its) (really |actually )?more like\b[^.?!]{0,40}\b(that way|so they)\b",
              r"\b(fudge|exaggerate|stretch the truth|fib to|lie to) (it|the|them|him|her|my|a bit)\b")
# Asking for a diagnosis: "Do I have Alzheimer's?", "Is that the skin cancer?"
DIAGNOSE = _rx(r"\bdo (i|you think i|she|he) (have|got) (\w+ ){0,2}(cancer|alzheimer'?s|dementia|parkinson'?s|a tumou?r|ms|shingles|pneumonia|"
               r"covid|the flu|a uti|an ulcer|a clot|an infection)\b",
               r"\bis (that|it|this) (the |a )?(skin )?(cancer|tumou?r|melanoma|alzheimer'?s|dementia|parkinson'?s|shingles)\b",
               r"\bwhat'?s wrong with me\b", r"\bcould (it|this|that) be (\w+ ){0,2}(cancer|alzheimer'?s|dementia|a tumou?r|melanoma)\b",
               r"\b(diagnose|diagnosis) (me|it|this|that)\b")
# Stopping a prescribed medicine on one's own: "I'm walking fine now, can I just quit them?"
STOP_MEDICINE = _rx(r"\b(can|could|should|may) i (just )?(quit|stop|drop|come off|get off|give up|ditch|cut out|be done with) "
                    r"(the |my |these |those |them\b|it\b|taking)",
                    # said as a decision: "I might just stop the Cymbalta this week", "I'm just going to stop it today and toss the rest"
                    r"\b(i'?m|i am|we'?re|i'?ll|i will|we'?ll|i might|we might|i was thinking i might|thinking of|thinking about|going to|gonna)"
                    r" (just )?(going to |gonna )?(just )?(quit|stop|drop|come off|go off|get off|give up|ditch|cut out) (the |my |his |her |"
                    r"these |those |them\b|it\b|taking)",
                    r"\b(is it|would it be) (ok|okay|fine|alright|all right) (if i|to) (just )?(quit|stop|come off|give up)\b")
# The caller asks whether the assistant has more: "is there anything else?", "is that all?"
ASKS_ANYTHING_ELSE = _rx(r"\b(is there|was there|you got|do you have|have you got) anything else\b", r"\bis that (all|everything|it)\s*\?")
HOW_ARE_YOU = _rx(r"\bhow are you\b", r"\bhow'?s it going\b", r"\bhow are things\b", r"\bhow'?s your day\b")
PRESCRIBE = _rx(r"\b(call|phone|send) (in|through) (a |some |an? )?\w*", r"\bprescri(be|ption for)\b", r"\bwrite (me |him |her )?(a |an )?(script|prescription)",
                r"\b(give|get) (me|him|her|us) (some |a |an )?(antibiotics?|sleeping pills?|something (stronger|to (help (me|him|her) )?sleep))",
                r"\b(early|extra|bigger|more) (refill|supply|script|prescription)\b", r"\brefill\b[^.?!]*\b(early|before|sooner|now)\b",
                r"\b(more|extra) (oxy\w*|opioids?|pain ?pills|percocet|norco|tramadol|xanax|valium)\b",
                r"\b(send|get|give|order|call in|phone in)\b[^.?!]{0,40}\b(more|a bigger (bottle|supply|script)|a refill|extra)\b")
EXTRA_DOSE = _rx(r"\b(extra|another|additional|second|double|two|2|a couple of) (of (the|his|her|my) )?(\w+ )?(pills?|tablets?|doses?|water pills?|"
                 r"units?|puffs?|oxy\w*|lisinopril|insulin|lasix|furosemide)\b[^.?!]*\?",
                 r"\b(take|have|give (him|her)) (two|2|double|an extra|another|more)\b[^.?!]*\?", r"\binstead of (one|1)\b",
                 r"\b(up|raise|bump|double|increase) (my|his|her|the) (\w+ )?(dose|pills?|tablets?|medicine|medication|insulin|units)\b",
                 r"\b(up|raise|bump|double|increase) (my|his|her|the) (lisinopril|metoprolol|amlodipine|insulin|lantus|warfarin|lasix|"
                 r"furosemide|oxycodone|gabapentin|duloxetine|cymbalta|sertraline|levothyroxine|prednisone)\b", r"\b(up|bump) (it|that) (up|to)\b",
                 r"\bdouble (it |them |those )?up\b",
                 # "bump the night one up to 26", "put it up to 30 units"
                 r"\b(bump|push|put|turn|take|move|go) (my |his |her |the )?(it|that|them|(?:\w+ ){0,2}(?:one|dose|insulin|units|pills?))"
                 r" up( to \w+)?\b(?! (?:a|the) (?:stairs|hill|road|street|steps))", r"\b(twice|double) (as much|the dose|the amount|what)\b",
                 r"\bwhat (would|will|could|might) happen if (i|someone|somebody|a person|he|she|you|we) (took|take|had|doubled|double|used)"
                 r" (twice|double|two|more|extra|an extra|a double|a few extra)\b",
                 # a course carried on past its end, from an old or spare supply: "can I just keep taking those for another week?"
                 r"\b(keep|keep on|carry on|go on|continue) (taking|using|with) (those|these|them|it|the old|my old|the leftover|the spare)\b"
                 r"[^.?!]{0,60}\b((another|a few more|a couple more|an extra|one more) (week|weeks|days?|month)|longer|to be safe)\b[^.?!]*\?",
                 r"\b(old|leftover|left over|spare|extra) (bottle|pills|tablets|prescription|ones|supply)\b[^?]{0,120}\b(can|could|should) "
                 r"(i|we|he|she) (just )?(take|use|keep taking|finish|start)\b")
# Tiredness said as people say it: a feeling to acknowledge ("I'm beat, up every couple hours helping her").
EXHAUSTED = _rx(r"\b(exhausted|worn out|drained|knackered|shattered|no energy|(i'?m|i am) (so |just |really )?(beat|wiped( out)?|"
                r"bone tired)|dead on my feet|run ragged|haven'?t slept|not sleeping|up every (couple|few|two) (of )?hours)\b")
# Guilt and self-blame ("I feel so guilty ... I should've called then")
GUILT = r"\b(guilty|guilt|my fault|blame myself|should'?ve (called|known|noticed|said|gone|done something)|should have (called|known|noticed))\b"
FEELING = _rx(r"\b(lonely|alone|on my own|by myself|miss (him|her|them)|since (he|she) (died|passed)|widow(er|ed)?|nobody (calls|visits|remembers))\b",
              GUILT,
              r"\b(scared|frightened|afraid|terrified|worried|anxious|nervous|panick\w*|fear)\b", r"\boh my (god|goodness|gosh|word)\b",
              r"\b(fed up|frustrat\w*|annoy\w*|sick of|tired of|irritat\w*|cross|angry|mad at)\b",
              r"\b(sad|depress\w*|cry\w*|tearful|grief|griev\w*)\b",
              # "down", "low" and "blue" as a mood: not swelling "down again by morning", a sugar "low" or lips gone blue
              r"(?<!go )(?<!goes )(?<!went )(?<!gone )(?<!going )(?<!come )(?<!comes )(?<!came )(?<!coming )(?<!back )(?<!calmed )"
              r"(?<!settled )(?<!sit )(?<!lie )(?<!lay )(?<!put )(?<!slow )(?<!cut )(?<!turned )\bdown\b(?! (again|by|to|from|the|in|at|on|there|here|a bit now))",
              r"(?<!sugar was )(?<!sugars were )(?<!sugar's )(?<!sugars )(?<!reading was )(?<!it was )(?<!running )(?<!too )(?<!pressure was )"
              r"\blow\b(?! (sugar|reading|number|blood|salt|sodium|fat|dose|carb|back|on|in|at|to|of|\d))",
              r"(?<!went )(?<!turned )(?<!turning )(?<!gone )(?<!lips )(?<!look )(?<!looks )(?<!looked )(?<!go )\bblue\b(?! (pill|one|inhaler|pump|puffer|bottle|box|lips|cap|light|tablet))",
              EXHAUSTED.pattern,
              r"\b(nuisance|bother(ing)? you|burden|waste of your time)\b", r"\bnobody (really )?(noticed|remembered|came|rang|called)\b",
              r"\bsince \w+ (died|passed)\b", r"\bjust me and the (cat|dog)\b")
WANTS_TO_END = _rx(r"\bcan we (just )?(be done|finish|wrap( it)? up|stop|end)\b", r"\b(i|we)('ve| have| need| got|'ve got| gotta) (to )?(go|run|"
                   r"hang up|get going|dash|head off)\b(?! for\b| in for\b| back\b| and (get|have|see)\b)", r"\b(let you go|i'?ll let you go|need to get off|have to get off)\b",
                   r"\bgotta (go|run)\b", r"\bhow (long|much longer) (is|will) this\b", r"\b(are|is) (we|that) (done|everything|it)\b",
                   r"\bwe done\b")
# A death told in passing ("my late wife's pills", "since Mum passed"), and a milestone ("fifty-one years on Sunday, our
# anniversary"): heard even in a turn whose question gets an answer.
BEREAVED = _rx(r"\bmy late (wife|husband|partner|mother|father|mum|mom|dad|son|daughter|sister|brother)\b",
               r"\b(wife|husband|partner|mother|father|mum|mom|dad|son|daughter|sister|brother) (died|passed( away| on)?)\b",
               r"\b(since|after|when) (he|she|they) (died|passed)\b", r"\blost my (wife|husband|partner|mother|father|mum|mom|dad|son|daughter)\b")
MILESTONE = _rx(r"\b(our|my|his|her|their) (\w+ )?(wedding )?anniversary\b", r"\b(\w+|\d+) years married\b", r"\bgot married\b",
                r"\b(getting|get|got|be|is|are) married\b", r"\b(my|his|her|our|their) (\w+'?s )?wedding\b",
                r"\b(my|his|her|it'?s) birthday'?s? (is )?(on |this |next |coming up|tomorrow|today|sunday|monday|tuesday|wednesday|"
                r"thursday|friday|saturday)", r"\bi'?ll be (sixty|seventy|eighty|ninety|fifty|forty|a hundred|\d\d)\b",
                r"\b(new|first) (grandbaby|grandchild|grandson|granddaughter|great-grand\w*)\b",
                r"\b(it'?s|it is) (my|his|her|our) birthday\b", r"\bbirthday (party|dinner|lunch|cake)\b")
# A caller short of time ("Make it quick, would ya, the game's about to start"): told the call will be short.
HURRY = _rx(r"\bmake (it|this) (quick|fast|snappy|short)\b", r"\b(i'?m|we'?re) in a (bit of a )?(hurry|rush)\b",
            r"\b(i|we) (only |just )?(have|'ve got|got) (a (few|couple of)|five|two|ten) minutes\b", r"\bkeep (it|this) (short|quick|brief)\b")
# The cost of medicines or care, told or asked: "my heart sank at the pharmacy bill", "three hundred dollars for those pens",
# "what they charged for the foot cream", "can't afford the strips".
COST_WORRY = _rx(r"\b(pharmacy|drugstore|chemist|insurance|medicare|pharmacist)\b[^.?!]{0,40}\b(bill|price|cost|charg\w*|wanted|asked)\b",
                 r"\b(the |that |this |a )?(bill|price|prices|cost|costs|co-?pay|copay)\b[^.?!]{0,40}\b(pills?|medicines?|meds|prescriptions?|"
                 r"strips?|pens?|inhalers?|insulin|refills?|pharmacy|drugstore|chemist|month|cream)\b",
                 r"\b(pills?|medicines?|meds|prescriptions?|strips?|pens?|inhalers?|insulin|refills?|cream)\b[^.?!]{0,40}\b(bill|price|cost|"
                 r"costs|costly|pricey|expensive|charged?)\b",
                 r"\b(can'?t|cannot|couldn'?t|hard to|struggl\w* to) afford\b", r"\bexpensive\b", r"\bpricey\b",
                 r"\b(what|how much) (they|the pharmacy|the drugstore) (charged|charge|wanted|want)\b", r"\b\d+ dollars for\b",
                 r"\bhundred (dollars|bucks)\b", r"\bon (my|a) pension\b", r"\bhow much (does|do|did|will|would|is|are)\b[^.?!]{0,40}\bcost\b")
# A price asked ("how much does the Eliquis cost?") is no dose question.
_PRICE_ASKED = _rx(r"\bhow much (does|do|did|will|would|is|are|should)\b[^.?!]{0,40}\b(cost|costs|charge|pay)\b")
# Thanks for the call's help, answered ("You're very welcome"); a bare "fine, thanks" answering a question is not.
THANKS = _rx(r"\b(thank you|thanks) (so |very )?much\b", r"\bthanks a (lot|million|bunch)\b",
             r"\b(thank you|thanks) for (calling|checking|ringing|your|the|all|everything|asking|helping|being|listening|talking)\b",
             r"\b(it )?helps? (me )?(to )?(just )?(talk|talking) (to|with) (somebody|someone|you)\b",
             r"\b(thank you|thanks),? (dear|love|honey|sweetheart|darling|hon)\b",
             r"\byou'?ve been (\w+ )?(a (big |real |great )?help|helpful|patient|kind|lovely|great|a dear|wonderful|very good)\b",
             r"\bi (really |do )?appreciate (it|that|you|your|this)\b")
# Everyday life and good news told in passing: acknowledged before the call moves on.
# Reassurance that a warning sign is absent, or a function is normal ("he's talking fine, no chest pain, he's not huffing and
# puffing sitting still"): heard as good news, not as small talk
REASSURING = _rx(r"\b(no|not|isn'?t|hasn'?t|without|nor) (\w+ ){0,2}(chest pain|pain|short of breath|huffing|puffing|breathless|dizzy|"
                 r"confused|bleeding|fever|swelling|trouble breathing)\b",
                 r"\b(talking|breathing|eating|walking|sleeping|making sense|acting) (just )?(fine|okay|ok|normally|normal|well|good)\b")
PLEASANT = _rx(r"\b(garden\w*|roses?|flowers?|dahlias?|tomatoes|jam|baking|baked|cooking|grand(kids|children|son|daughter|baby)|church|"
               r"knitting|quilt\w*|fishing|golf|bingo|the game|football|baseball|holiday|thanksgiving|christmas|birthday|puppy|kitten|"
               r"choir|book club|crossword|bird\w*|walk(ed|ing)? (the dog|to)|trip|visit(ed|ing)? (my|our|the) )\b")
IMPROVED = _rx(r"\b(better|improv\w*|easier|less (sore|swollen|pain)|good as new|back to normal|cleared up|settl(ed|ing) down|"
               r"feeling (good|great|fine|well)|good news|great news|(did|doing|done) (great|so well|really well)|all the way (to|round|around)|"
               r"(dropped|lost) (\w+ )?(pounds|lbs|kilos)|new job|got the job|(started|start) (a|my) new (job|class)|"
               r"(doing|kept up|keeping up) (my|the) (walks|exercises|walking)|(i'?m|we'?re|i am|we are) (so |just |really )?(tickled|thrilled|"
               r"excited|delighted|over the moon|on cloud nine)|on cloud nine|got engaged|(just )?got (my|our|a) (very )?(first|new) \w+|"
               r"new (grandbaby|baby|great-grand\w*)|graduat(ed|es|ing))\b(?![^.?!]*\bbut\b[^.?!]*\b(worse|pain|hurt))")
# A symptom told in passing that no specialist placed: acknowledged, and noted for the nurse ("an unplaced symptom gets a
# nurse flag"). A negation just before it ("no pain", "not dizzy") is no symptom.
SYMPTOM = _rx(r"\b(pain|hurts?|hurting|aches?|aching|achy|sore|bruis\w*|"
              r"dizz\w*|light-?headed|nause\w*|queasy|cough\w*|wheez\w*|short of breath|swell\w*|swollen|itch\w*|rash|"
              r"headaches?|sweat(s|ing|y)|cramp\w*|numb(ness)?|tingl\w*|constipat\w*|diarrh\w*|vomit\w*|throwing up|chills|"
              r"exhausted|fatigue\w*|not sleeping|can'?t sleep|trouble sleeping|insomnia|shaky|palpitations?|racing heart|"
              r"bound up|upset stomach|heartburn)\b")
# Every symptom said is denied: "No chest pain", "no pain at all", "not dizzy", "haven't had any swelling".
_NEGATED_SYMPTOM = re.compile(r"^(?:(?!\b(?:but|though|except|only)\b).)*\b(?:no|not|never|without|haven'?t had any|hasn'?t had any|"
                              r"no more|any)\b(?:\s+\w+){0,2}\s+(?:pain|aches?|dizz\w*|swelling|cough\w*|nausea|bruis\w*|headaches?|"
                              r"rash|chills|fever|sweats)\b(?:(?!\b(?:but|though|except)\b).)*$", re.IGNORECASE)
NOT_BETTER = _rx(r"\b(not|no|isn'?t|aren'?t|hasn'?t|haven'?t) (any |getting |got |feeling )?better\b")
ABOUT_YOU = _rx(r"\b(do|did|have|are|would|can) you (ever |like to |enjoy |even )?(garden|cook|bake|knit|fish|watch|like|eat|sleep|"
                r"have (kids|a family|pets|a dog|a cat)|follow|play|read|get (lonely|tired|bored)|go)\b")
QUESTION = re.compile(r"\?\s*$|^\s*(what|when|where|why|how|can|could|should|is|are|do|does|will|would)\b", re.IGNORECASE)
# Something asked of the assistant anywhere in the turn, not only at its end: a question mark after a story ("Could you
# ring them? Everybody's happy."), or a request with none ("So just tell me it's fine", "You can put that in as her dose").
ASKS = _rx(r"\w\s*\?", r"\b(just )?(tell|promise) me (it'?s|that|you|i|he|she|we)\b",
           r"\b(can|could|would|will) you (please |just )?(call|ring|phone|tell|put|change|mark|write|say|send|order|get|give|make|"
           r"have|let|note|record|update|okay|ok|approve|confirm|agree)\b",
           r"\byou can (just )?(put|mark|write|change|make|note|record|update|tell)\b", r"\bi need you to\b",
           # a request for information said as one ("Remind me how much he's supposed to drink", "Tell me again how to do the Spiriva")
           r"\b(remind|tell|show|teach) (me|us) (again )?(how|what|when|where|which|why|if|whether)\b", r"\b(explain|walk me through)\b")


@dataclass(frozen=True)
class Intents:
    goodbye: bool
    yes: bool
    no: bool
    injection: bool
    dosing_question: bool
    appointment_question: bool
    purpose_question: bool
    confused: bool
    who_are_you: bool
    small_talk: bool
    other_person: bool
    question: bool
    how_are_you: bool = False
    prescribe: bool = False
    extra_dose: bool = False
    asks_amount: bool = False  # "how many units is that again?": an amount asked, no change asked for
    feeling: bool = False
    wants_to_end: bool = False
    repeat: bool = False
    pleasant: bool = False
    improved: bool = False
    about_you: bool = False
    others_medicine: bool = False
    share_medicine: bool = False
    deceive: bool = False
    diagnose: bool = False
    stop_medicine: bool = False
    asks_anything_else: bool = False
    symptom: bool = False
    done: bool = False
    hide: bool = False
    alter_record: bool = False
    skip: bool = False
    doctor_said: bool = False
    asks: bool = False
    bereaved: bool = False
    milestone: bool = False
    thanks: bool = False
    cost_worry: bool = False
    hurry: bool = False
    reassuring: bool = False


# "When is it I've got to go for the blood test again?": a question about going somewhere is not a wish to hang up.
_ASKS_ABOUT_GOING = re.compile(r"^\W*(?:(?:and|so|but|now|okay|ok|well|oh)\W+)*(?:when|where|what time|what day|how often|how (?:long|soon)|which|"
                               r"do|does|did|should|will|would)\b[^.!?]*\?", re.IGNORECASE)


def _wants_to_end(text: str) -> bool:
    return any(not _ASKS_ABOUT_GOING.match(s) for s in re.findall(r"[^.!?]+[.!?]*", text) if WANTS_TO_END.search(s))


def read_intents(text: str) -> Intents:
    t = text.strip()
    return Intents(
        goodbye=bool(GOODBYE.search(t)), yes=bool(YES.search(t)), no=bool(NO.search(t)),
        injection=bool(INJECTION.search(t)), dosing_question=bool(DOSING_QUESTION.search(t)) and not _DIET_AMOUNT.search(t) and not _PRICE_ASKED.search(t),
        appointment_question=bool(APPOINTMENT_QUESTION.search(t)), purpose_question=bool(PURPOSE_QUESTION.search(t)),
        confused=bool(CONFUSED.search(t)), who_are_you=bool(WHO_ARE_YOU.search(t)),
        small_talk=bool(SMALL_TALK.search(t)),
        other_person=bool(OTHER_PERSON.search(t) or OTHER_PERSON_LOOKUP.search(t) or FOR_SOMEONE_ELSE.search(t)),
        question=bool(QUESTION.search(t)), how_are_you=bool(HOW_ARE_YOU.search(t)), prescribe=bool(PRESCRIBE.search(t)),
        hurry=bool(HURRY.search(t)), extra_dose=bool(EXTRA_DOSE.search(_NOT_ANOTHER_DOSE.sub(" ", t))),
        asks_amount=bool(_HOW_MUCH.search(t)) and not _CHANGE_WORD.search(t) and not COST_WORRY.search(t), feeling=bool(FEELING.search(t)), wants_to_end=_wants_to_end(t),
        repeat=bool(REPEAT.search(t)), pleasant=bool(PLEASANT.search(t)),
        improved=bool(IMPROVED.search(t)) and not NOT_BETTER.search(t), about_you=bool(ABOUT_YOU.search(t)),
        others_medicine=bool(OTHERS_MEDICINE.search(t)), share_medicine=bool(SHARE_MEDICINE.search(t)), deceive=bool(DECEIVE.search(t)), diagnose=bool(DIAGNOSE.search(t)),
        stop_medicine=bool(STOP_MEDICINE.search(t)), asks_anything_else=bool(ASKS_ANYTHING_ELSE.search(t)),
        symptom=bool(SYMPTOM.search(t)) and not _NEGATED_SYMPTOM.search(t), done=bool(DONE.search(t)),
        hide=bool(HIDE.search(t)), alter_record=bool(ALTER_RECORD.search(t)), skip=bool(SKIP.search(t)) or _plans_to_skip_medicine(t),
        doctor_said=bool(DOCTOR_SAID.search(t)), asks=bool(QUESTION.search(t) or ASKS.search(t)),
        bereaved=bool(BEREAVED.search(t)), milestone=bool(MILESTONE.search(t)), thanks=bool(THANKS.search(t)), cost_worry=bool(COST_WORRY.search(t)),
        reassuring=bool(REASSURING.search(t)) and not (SYMPTOM.search(t) and not _NEGATED_SYMPTOM.search(t)),
    )
