"""Tone cues, as phrase sets over the normalised reply (see lexicon.py for the form they match).

Negative: upset, arguing with the decision, blaming, sarcasm, pleading. Positive: warmth,
appreciation, a learning frame, a forward look. Each cue carries the note a tip can quote.
"""

from __future__ import annotations

import re

from rehearsal.judging.phraseset import PhraseSet


def _rx(*parts: str) -> PhraseSet:
    return PhraseSet(*parts)


# "Great, thanks, I'll keep an eye out so I don't miss the next one": a promise right after the
# exclamation makes it sincere, whatever "not" or "again" comes later.
_SINCERE_AFTER = (
    r"(?: thanks?(?: (?:so|very) much)?| thank you(?: (?:so|very) much)?)?(?: i will| i am going to| i shall| i can| will do| i would love"
    r"| i will not (?:give up|take up|keep you|hold you)| that is (?:exactly|really|very|so|great|good))"
)
# A cue said of other people ("most companies don't bother") praises the listener by contrast.
THIRD_PARTY = frozenset("others companies places employers firms recruiters people".split())

# (phrases, note). Any negative cue outweighs warmth: "thanks, but this was unfair" is negative.
# Pleading counts as negative (the guide says so); calm disappointment is in neither list.
NEGATIVE_CUES: list[tuple[PhraseSet, str]] = [
    (_rx(r"\bridiculous\b", r"\bunfair(?:ly)?\b", r"\brigged\b", r"\ba joke\b", r"\bterrible\b",
         r"\bthe worst\b",
         r"\bfurious\b", r"\binsult(?:ed|ing)\b", r"\blied\b", r"\bliars?\b", r"\brude\b", r"\bunprepared\b",
         r"\bnonsense\b", r"\buseless\b", r"\bpathetic\b", r"\bdisgrace(?:ful)?\b", r"\boutrageous\b",
         r"\babsurd\b", r"\bunbelievable\b", r"\bincompetent\b", r"\bshut up\b",
         r"\bwhatever\b(?! (?:you (?:can|could|think|noticed|have|are able|feel|would)|feedback|advice|might|would|could|that (?:might|would|could|helps?)|helps?|it takes))",
         r"\bare you serious\b", r"\byou people\b", r"\bstupid\b", r"\bbullshit\b", r"\bcrap\b", r"\bdamn\b",
         r"\bso called\b", r"\bstrung along\b", r"\bcode for\b", r"\bdisagree\b", r"\bbroken\b",
         r"\bclueless\b",
         r"\bdisrespect\w*", r"\bunprofessional\b", r"\bawful\b", r"\bhorrible\b", r"\bappalling\b",
         r"\bdisgust\w*",
         r"\bgarbage\b", r"\brubbish\b", r"\bscam\b", r"\bsham\b", r"\bfarce\b", r"\bcop out\b", r"\blame\b",
         r"\bexcuses?\b", r"\bbiased\b", r"\bdiscriminat\w*", r"\bfavou?ritism\b", r"\bnepotism\b",
         r"\bpointless\b",
         r"\bsick of\b", r"\btired of\b", r"\bfed up\b", r"\bhell\b", r"\bbloody\b", r"\bfreaking\b",
         r"\bwtf\b",
         r"\bshameful\b", r"\bembarrassing\b", r"\bhypocrit\w*", r"\bcoward\w*", r"\bidiot\w*",
         r"\bjoke of\b",
         r"\bbored\b", r"\bboring\b", r"\bregret\b", r"\bashamed\b", r"\bshame on\b", r"\bkidding me\b",
         r"\bpatroni[sz]\w*",
         r"\bcondescend\w*", r"\bdismissive\b", r"\bbrush off\b", r"\bfob(?:bed)? (?:me )?off\b",
         r"\bbox ticking\b", r"\btick box\b", r"\brich coming from\b", r"\bnot buying\b",
         r"\bdo not buy (?:it|that)\b",
         r"\blaughable\b", r"\bfuming\b", r"\bdisgusted\b", r"\bunacceptable\b", r"\bamateur\w*",
         r"\bshambles\b",
         r"\bcheated\b", r"\brobbed\b", r"\bmisled\b", r"\bdeceived\b", r"\bslap in the face\b", r"\bhate\b",
         r"\bhated\b",
         r"\bdreadful\b", r"\batrocious\b", r"\bworthless\b", r"\btrash\b", r"\bcopout\b", r"\bbaloney\b",
         r"\bsuch a waste\b", r"\ba waste\b", r"\bforegone conclusion\b", r"\bstitch(?:ed)? up\b",
         r"\bfor show\b",
         r"\bcomplain\w*", r"\blawyer\b", r"\bsue\b", r"\btribunal\b", r"\bspare me\b", r"\blecture\b",
         r"\bdisinterested\b", r"\buninterested\b", r"\bcould not care less\b",
         r"\bsick and tired\b"), "upset"),
    (_rx(r"\bwast(?:e|ed|ing) (?:\w+ )?(?:my|our) (?:time|afternoon|day|morning|evening|weeks?)\b",
         r"\bwasting my\b", r"\bfor nothing\b", r"\btells? me (?:absolutely )?nothing\b",
         r"\btelling me nothing\b", r"\banything useful\b", r"\bnon answer\b", r"\ball you have got\b",
         r"\btoo much to ask\b", r"\bwhy on earth\b", r"\bdo you even\b", r"\b(?:did|do) not even\b",
         r"\bnot listening\b", r"\bthat is not true\b", r"\bmakes? no sense\b", r"\bmade up your mind\b",
         r"\bnever intended\b", r"\bdecency\b", r"\bbothered\b", r"\bglassdoor\b", r"\bleaving a review\b",
         r"\b(?:does|do) not value\b", r"\bless experience(?:d)?\b", r"\bi do not get it\b",
         r"\b(?:clearly|obviously) the (?:best|most|strongest|right)\b", r"\bi was the best\b",
         r"\bnailed\b", r"\b(?:they|it) (?:were|was) perfect\b", r"\bpossibly have\b",
         r"\b(?:made|making) a (?:\w+ )?mistake\b", r"\bwrong (?:person|candidate|choice|decision)\b",
         r"\byou (?:clearly|obviously|never|just)\b", r"\bi am done\b",
         r"\bdone with (?:this|you|the|your)\b",
         r"\bheard enough\b", r"\b(?:will not|never) (?:be )?apply(?:ing)? (?:\w+ )?again\b",
         r"\bnot going to (?:keep|apply|bother)\b", r"\bdo not bother\b", r"\bstop (?:wasting|thanking)\b",
         r"\bdo not thank me\b", r"\bnot thanking\b",
         r"\b(?:will not|not going to|never going to|not about to|expect me to|why would i|why should i|do not think i will|doubt i will) (?:be )?thank(?:ing)?\b", r"\bjust tell me\b", r"\bthank god\b",
         r"\bdo not (?:\w+ )?care\b", r"\bkeep your feedback\b",
         r"\bnot your feedback\b", r"\bforget the feedback\b", r"\bdo not need your\b",
         r"\bcan not believe\b", r"\bdo not give me\b", r"\bnot fine\b", r"\bdoes not matter\b",
         r"\bfine whatever\b", r"\bfor less\b", r"\bnobody\b", r"\bare you kidding\b",
         r"\bwhat a (?:surprise|shock|joke)\b", r"\bbut no thanks\b", r"\bnot interested\b",
         r"\bcan not be serious\b", r"\bnever been treated\b", r"\btreated (?:\w+ )?badly\b",
         r"\byou know it\b",
         r"\byour loss\b", r"\bi deserved?\b", r"\bheard that (?:one|line|before)\b",
         r"\bcorporate (?:speak|nonsense|jargon)\b",
         r"\bi knew (?:it|you)\b",
         r"\bsomeone s friend\b|\bsomeone friend\b|\binside hire\b|\balready decided\b",
         r"\bwaste of\b", r"\bi did everything right\b", r"\bnever (?:even )?gave me\b",
         r"\bof course you (?:did|would)\b",
         r"\btypical\b", r"\bhow dare\b", r"\bwho do you think\b", r"\bfor what exactly\b",
         r"\bdo not (?:\w+ )?(?:need|want) your (?:feedback|advice|opinion|input|help|pity)\b",
         r"\btake my \w+ elsewhere\b",
         r"\b(?:decision|choice) (?:was|is) (?:\w+ )?(?:wrong|a mistake|unfair|bad|stupid)\b",
         r"\bi still think\b",
         r"\bexpect(?:ed)? better\b",
         r"\b(?:did not|never|not) (?:\w+ )?(?:give|gave|giving) me a (?:fair|real|proper) (?:shot|chance|go)\b",
         r"\bi bet (?:you|they)\b", r"\bsomeone cheaper\b", r"\bbe serious\b", r"^come on\b", r"^seriously\b",
         r"\b(?:that is|is that) your answer\b", r"\bmore experience than\b", r"\bthan your whole\b",
         r"^sure (?:you|they) (?:do|did|are|were|will|have)\b", r"\bdo not want (?:\w+ )?feedback i want\b",
         r"\bpass on (?:the|your) advice\b",
         r"\bnot (?:\w+ )?(?:happy|pleased|impressed|satisfied|amused|okay with|ok with)\b", r"\bunhappy\b",
         r"\bnever even\b", r"\byou lot\b", r"\bbetter than anyone\b", r"\bmore qualified than\b",
         r"\bshould have been me\b",
         r"\byou will be sorry\b", r"\bonly (?:\w+ ){0,2}late\b", r"\bat the last minute\b",
         r"\btook (?:you )?(?:a|two|three|four|six) (?:weeks?|months?)\b",
         r"\bno idea what you are doing\b", r"\bkeep your (?:advice|feedback|tips|opinion|pity)\b",
         r"\bpep talk\b",
         r"\bnot here for\b", r"\bwaste (?:any )?(?:more )?(?:of my )?time\b", r"\bas good as me\b",
         r"\bbetter than me\b",
         r"\b(?:is|was|it is|that is) not (?:\w+ )?(?:accurate|true|fair)\b",
         r"\b\w+ line (?:email|reply|response)\b", r"\ball i get\b",
         r"\bbeen waiting (?:\w+ ){0,2}(?:weeks|months|days)\b",
         r"\b(?:does|did) not make (?:any )?sense\b", r"\byou told me\b",
         r"\byou have got your (?:hire|person|candidate|answer)\b",
         r"\bgreat \w+ you have (?:got|there)\b", r"\bneed you to tell me\b", r"\bheard all i need\b",
         r"\bgive me a break\b", r"\bi do not need it\b", r"\b(?:had|heard|said) enough\b",
         r"\bnot even going to\b",
         r"\b(?:poor|bad|terrible|awful|stupid|big|huge) (?:decision|call|choice)\b", r"\bflawed\b",
         r"\b(?:is|was|are|were) (?:just|simply|completely|totally|plain|flat out) wrong\b",
         r"\bany idea how much\b",
         r"\bshould have (?:got|gotten|been given|been offered|had) (?:that|the|this) (?:job|role|offer|position)\b",
         r"\bwast(?:e|ed|ing) (?:\w+ ){0,3}of my (?:life|time)\b", r"\bdisorgani[sz]ed\b", r"\bchaotic\b",
         r"\bmess(?:ed|ing)? (?:me )?around\b", r"\bgot (?:this|it|that) (?:one )?wrong\b", r"\bwrong call\b",
         r"\b(?:are|do|did|were) you even\b", r"\bi will pass$", r"\bno thanks i will pass\b",
         r"\bof my life\b", r"^thanks to (?:your|the)\b"), "upset"),
    (_rx(r"^(?:oh |wow |yeah |gee |well |ah )?(?:great|perfect|wonderful|lovely|cool|brilliant|fantastic|super|awesome)\b(?!" + _SINCERE_AFTER + r").*\b(?:another|again|nothing|not)\b",
         r"\b(?:oh|yeah) (?:sure|right|of course)\b", r"\bof course the classic\b", r"\bright because\b",
         r"^right\b.*\bso helpful\b", r"\bgee\b",
         r"\banother (?:\w+ )?(?:vague|generic|canned|non|form|useless|empty|stock) ",
         r"\b(?:helpful|useful|great|clear|insightful|detailed|informative|good|specific) not$",
         r"\bsure a better fit\b",
         r"\bthe classic\b", r"\b(\w+) just \1\b", r"^(?:sure|yeah) (?:sure|yeah)\b",
         r"^(?:oh|wow|gee|ah|yeah) (?:great|brilliant|perfect|wonderful|fantastic|lovely|terrific|marvell?ous|super)\b(?!" + _SINCERE_AFTER + r").*\b(?:another|more|again|nothing|so|just|that)\b",
         r"\bmore (?:corporate|jargon|buzzwords|excuses|of the same|waffle)\b",
         r"\banother (?:\w+ )?(?:brush off|fob off|excuse|platitude|cliche|line)\b", r"\byet another\b",
         r"^(?:super|great|perfect|brilliant|wonderful|fantastic|lovely|marvell?ous|terrific|awesome|wow|oh|right|cool)\b.*\b(?:cleared|clears) (?:things|everything|it|that) up\b",
         # Echo and mock praise: "Keep an eye on your postings? I've been doing that for two years."
         r"\bthat is what (?:everyone|everybody|they|you|people|all|you all|they all) (?:\w+ )?(?:says?|said|tells? (?:everyone|people|me))\b",
         r"\bi have been doing (?:that|this|exactly that|just that|it) (?:for|since)\b", r"\btimes already\b",
         r"\bhow (?:original|convenient|predictable|enlightening|illuminating|surprising|nice for)\b",
         # Treated worse than by a machine: "I've been treated better by a vending machine".
         r"\b(?:better|warmer|nicer|kinder|friendlier|more) (?:\w+ ){0,4}(?:by|from|with|to) (?:a|an|my|the|our) (?:\w+ ){0,2}"
         r"(?:machines?|chatbots?|bots?|robots?|meters?|toasters?|walls?|kiosks?|microwaves?|fortune cookies?|voicemails?|self checkouts?|answerphones?|computers?)\b",
         r"\bget right on (?:that|it)\b", r"\b(?:because|cause) that is (?:so|really|totally|just) (?:easy|simple|helpful|useful)\b",
         r"^(?:oh |wow |well )?(?:lovely|great|brilliant|perfect|wonderful|fantastic|marvell?ous|super|terrific) (?:a|an) (?:\w+ ){0,2}(?:form|generic|canned|automated|template|standard|stock|vague)\b", r"\bof course (?:it|they|you|he|she) (?:is|was|did|would|were|are|does|do)$"), "sarcastic"),
    # Arguing with the decision, defending oneself against it.
    (_rx(r"\bi (?:really |just |honestly |genuinely |still )?do not (?:think|feel|believe) (?:that is|that was|it is|it was|this is|this was|that|it|this|you are|you were) (?:\w+ )?(?:\w+ )?(?:fair|right|true|accurate|justified|reasonable|correct)\b",
         r"\bwith (?:all )?(?:due )?respect\b", r"\bnot what (?:happened|i said|i meant)\b",
         r"\b(?:you have|you|have) got (?:\w+ ){0,3}wrong\b", r"\byou are (?:\w+ )?wrong\b",
         r"\b(?:gave|sent|told|giving|sending) me (?:\w+ ){0,3}wrong\b",
         r"\bi (?:do not|can not|will not) accept (?:that|this|the|your|it)\b",
         r"\bmore (?:\w+ ){1,2}experience than\b", r"\balways going to (?:go to|the|someone|be (?:someone|the internal|an internal|given))\b", r"\balways (?:meant|destined) (?:to|for)\b",
         r"\bmade (?:your|their|the|his|her) (?:choice|decision|pick) (?:already|before|from|long before|ahead)\b|\b(?:already|had) made (?:your|their|the|his|her) (?:choice|decision|pick)\b", r"\bpicked out (?:from|before|already)\b",
         r"\bbefore i (?:even )?(?:walked in|walked through|sat down|arrived|opened my mouth|said a word|got there)\b",
         r"\b(?:and|then|so) (?:you )?decided (?:that )?i (?:was not|am not|lacked|did not|could not|was too)\b",
         r"\bso it (?:is|was) (?:all )?my fault\b", r"\byou (?:have )?(?:\w+ )?misunderstood\b", r"^(?:so )?(?:you are|are you|your) telling me\b|\bso (?:you are|your) telling me\b",
         r"\ba bit rich\b", r"\b(?:then|and then) (?:rejecting|rejected|ghosting|ghosted|ignoring|ignored|dropping|dropped) me\b",
         r"\bfree (?:project|work|labour|labor|consulting|consultancy)\b", r"\bthe (?:old|usual|standard) (?:\w+ ){0,10}(?:line|excuse|story|chestnut)\b", r"\bi still (?:believe|feel|maintain) (?:that )?(?:i was|i am|i should|i deserved|i would have|you|the decision|it was|this was|my)\b",
         r"\bnothing to do with the (?:\w+ )?(?:job|role|work|position)\b", r"\bnever (?:\w+ )?given (?:me )?a (?:\w+ )?chance\b", r"\bmisjudged\b", r"\bcontradicts?\b",
         r"\b(?:does|did) not (?:hold up|add up|stack up)\b", r"\bcan not (?:judge|tell|know|assess) (?:\w+ ){0,2}from (?:a|one|just)\b"), "argumentative"),
    # Complaining about the process: chasing, silence, being kept waiting.
    (_rx(r"\b(?:third|fourth|fifth|sixth|seventh|tenth|umpteenth|hundredth) (?:time|message|email|voicemail|call)s?\b(?! (?:of|to))",
         r"\bnot (?:once|a single|one of (?:them|those|you|my))\b",
         r"\bwould (?:have )?been nice (?:\w+ ){0,7}(?:instead|rather than|if (?:someone|somebody|anyone|you))\b",
         r"\bwould be nice to (?:actually|at least|finally)\b", r"\bnice to actually\b",
         r"\bto actually (?:hear|get|reply|respond|call|bother)\b",
         r"\bnot exactly (?:ideal|great|professional|helpful|fair|brilliant|the best)\b",
         r"\bthe least you (?:could|can)\b", r"\b(?:had|have|having) to chase\b", r"\bchasing (?:you|this|them|up)\b",
         r"\b(?:nobody|no one) (?:has |had |ever |even |actually )?(?:told|tells|said|mentioned|warned|explained|bothered|read|picked|called|rang|replied|got back|responded|answered|looked|listened|asked|followed)\b",
         r"\b(?:round|rounds|interview|interviews|stage|stages|week|weeks|month|months|hours|project|projects|task|tasks|test|tests|presentation|presentations|calls) (?:\w+ ){0,6}for (?:a|an|one) (?:\w+ ){0,3}(?:rejection|email|reply|response|voicemail|no|answer|form letter)\b",
         r"\bshould not have taken\b", r"\b(?:called|rang|emailed|phoned|messaged|chased|written) (?:you |them )?(?:three|four|five|six|seven|eight|several|multiple|so many) times\b",
         r"\bkeep getting (?:voicemail|no answer|ignored|the runaround|fobbed|passed)\b", r"\b(?:had|have) to (?:find out|hear|learn) (?:\w+ ){0,3}from (?:linkedin|a friend|someone else|the website|social media|a colleague|another candidate|the grapevine|a third party|an automated|the portal)\b",
         r"\bfound out (?:from|on|via|through) (?:linkedin|a friend|someone else|the website|social media|a colleague)\b", r"\b(?:said|mentioned) nothing about\b",
         r"\bspent (?:half|most|the whole|all) (?:of )?the (?:time|interview)\b", r"\bnot how you treat\b",
         # "I would have appreciated a heads-up before...": a complaint about what was not done.
         r"\bwould have (?:really |much |at least )?(?:appreciated|preferred)\b",
         r"\bwould have liked (?:a|an|some|to be|to have been|being|more notice|more warning|someone)\b",
         r"\bnever (?:answered|returned|replied to|acknowledged|responded to) (?:\w+ ){0,3}(?:my|a single|one of)\b",
         # Going over the listener's head: "I want to speak to someone above you."
         r"\b(?:want|would like|need|demand|like|ask|going) to (?:speak|talk) (?:to|with) (?:your (?:line )?(?:manager|boss|supervisor|superior)|(?:someone|somebody|anyone|whoever|the person) (?:\w+ ){0,2}(?:above you|senior to you|senior than you|in charge|higher up))\b",
         r"\bput me through to (?:your (?:line )?(?:manager|boss|supervisor|superior)|(?:whoever|someone|somebody|the person) (?:\w+ ){0,3}(?:charge|senior|above))\b",
         r"\btake (?:this|it|that) (?:up )?(?:further|higher|with (?:someone|somebody|your|the) (?:\w+ ){0,2}(?:above|senior|manager|boss|supervisor|director|charge|higher|head))\b",
         r"\bescalat(?:e|ed|ing)\b", r"\bwhoever is in charge\b", r"\bformal complaint\b"), "aggrieved"),
    # Giving up with a shrug: "I don't think I'll bother applying again."
    (_rx(r"\bi (?:will not|do not think i will|doubt i will|am not going to|can not be|really can not be) bother(?:ed)?\b",
         r"\b(?:not|never) (?:\w+ ){0,2}apply(?:ing)? (?:\w+ ){1,3}again\b", r"\b(?:see|is) the point (?:in|of) (?:applying|trying|bothering)\b",
         r"\bholding my breath\b", r"\bsave (?:myself|you) the (?:trouble|bother|hassle)\b",
         r"\b(?:will not|not) be (?:troubling|bothering) you (?:again|any more|anymore)\b", r"\bfind somewhere (?:else )?(?:that|who|which|where) (?:actually |really )?(?:wants?|values?|appreciates?|respects?)\b",
         r"\btake my \w+ somewhere\b",
         # "Pointers? I don't want pointers, I want a job."
         r"\bi (?:do not|did not) (?:want|need) (?:\w+ ){0,2}(?:feedback|pointers|tips|advice|suggestions|notes|guidance|a lecture|platitudes|excuses|sympathy|pity) i (?:\w+ )?(?:want|need|would rather)\b", r"\bdo not (?:want|need) to hear (?:any more|anymore|anything else|it|any of it|more)\b"), "dismissive"),
    (_rx(r"\bbeg(?:ging)?\b", r"\bdesperate\b", r"\bi will do (?:anything|whatever)\b", r"\bplease please\b",
         r"\bplease (?:just|i really|reconsider|give me|let me)\b", r"\bplease anything\b",
         r"\b(?:just|please) (?:\w+ )?(?:give|let) me (?:\w+ )?(?:another|one more|a) (?:chance|interview|round|shot|try|go)\b",
         r"\bdo one more\b", r"\bi (?:really )?need this(?: job)?\b", r"\bchange your mind\b",
         r"\bdo not close the door\b", r"\banything you can do\b", r"\bwhatever it takes\b",
         r"\bdo not do this to me\b", r"\bneed (?:a|this|the) job\b",
         r"\btake any (?:salary|pay|role|job|position)\b",
         r"\bi am pleading\b", r"\bi am on my knees\b", r"\bhave to have this\b",
         r"\bfor free\b", r"\bpay cut\b", r"^please\b.*\banything$",
         r"\bput in a (?:good )?word\b.*\bdesperate\b"), "pleading"),
]
# After "but" / "though" (a contrast, often right after thanks), these turn the reply into a
# complaint: "Thanks for calling, but I was never given a chance to explain."
CONTRAST_COMPLAINT = _rx(
    r"\b(?:was|were|you|they|have|had|i have) never\b|\bnever (?:given|gave|got|told|heard|received|had a|even|once|bothered|called|replied|asked|responded|read|looked|explained)\b",
    r"\bfrankly (?:i|the|this|that|you|your|it)\b", r"\b(?:whole|entire) (?:thing|process|interview|day)\b",
    r"(?<!went )(?<!go )(?<!going )(?<!gone )(?<!did )(?<!doing )(?<!do )\bwrong\b(?! with (?:my|me)\b)",
    r"\b(?:was|were|had been|already|been) decided\b", r"\b(?:completely|totally|entirely) (?:\w+ )?(?:wrong|misjudged|irrelevant|different|unfair|missed)\b",
    r"\bmy age\b", r"\bhonestly the\b", r"\b(?:i was|we were|i had been|i have been) (?:promised|told|assured|led to believe)\b",
    r"\bclearly\b", r"\bexactly my\b", r"\bnot on$", r"\bpicked\b", r"\b(?:clearly|obviously) (?:\w+ )?(?:did not|had|was|were|never|made)\b",
)
CONTRAST = re.compile(r"\b(?:but|though|although|however)\b(?! (?:also|i would|i am still|could|can|would|before|if|at|please|anyway|that is|it is))")

# After a short echo question ("Work on my confidence?"), a reply starting like this argues back.
ECHO_REBUTTAL = re.compile(
    r"^(?:but |yet |well )?(?:(?:last|a|one|two|three|\w+) (?:week|month|year|weeks|months|years)(?: ago)? )?"
    r"i (?:have been|have|had|already|am already|do that|did that|did|was|managed|led|ran|built|presented|handled|spent|used)\b"
)
# Interjections that may sit between the echo and the rebuttal ("Not enough leadership. Sure. I managed...").
ECHO_INTERJECTIONS = frozenset("sure right really riiight great wow brilliant".split())
ECHO_NOT = re.compile(r"^(?:okay|ok|right|sure|fair|i see|got it|understood|thanks|thank|alright|yes|yeah|no|hmm|well|oh|so what|really)\b")

# A lone word of praise closing a reply that hands back the reason for the rejection is sarcasm.
MOCK_PRAISE = frozenset("great wonderful brilliant perfect lovely fantastic marvellous marvelous super terrific fabulous".split())
PRAISE_LINKS = frozenset("fine okay ok alright understood does did do is was sounds sounded looks looked seems seemed be very really so just pretty quite all that".split())
REJECTION_REASON = re.compile(
    r"\b(?:candidates?|applicants?|someone|somebody|experienced|better fit|stronger|internal|went with|go with|going with|chose|picked|decided)\b"
)
MOCK_PRAISE_SINCERE = re.compile(r"\bi (?:will|am going to|would love|am glad|am happy)\b|\bcongratulations\b|\bgood luck\b|\bwish\b")

# Emotion words that are negative unless negated ("I'm not upset, I just want to understand").
UPSET_WORDS = re.compile(r"\b(?:upset|angry|mad|annoyed|frustrated|pissed|livid|outraged|offended)\b")

POSITIVE_CUES: list[tuple[PhraseSet, str]] = [
    (_rx(r"\benjoy(?:ed)?\b", r"\bpleasure\b",
         r"\b(?:great|nice|good|lovely) (?:talking|speaking|meeting|to meet|to talk|chatting)\b",
         r"\bgood experience\b", r"\blearn(?:ed|t)? a lot\b", r"\blearning experience\b", r"\blearn from\b",
         r"\bglad\b", r"\bexcited to\b", r"\bam excited\b", r"\blook(?:ing)? forward\b",
         r"\bwish(?:ing)? you\b",
         r"\ball the best\b", r"\bcongratulations\b", r"\bhope (?:it|our|you|the|to)\b", r"\btake care\b",
         r"\bhave a (?:great|good|nice|lovely|wonderful) (?:day|one|weekend|rest|afternoon|evening|week)\b",
         r"\b(?:really|very|so|super|hugely|incredibly) (?:useful|helpful|valuable|kind|insightful)\b",
         r"\b(?:that is|this is|it is|that was|this was|it was|been) (?:\w+ )?(?:helpful|useful|valuable|insightful)\b",
         r"\bgood to know\b", r"\bgreat point\b",
         r"\btake (?:that|it|this|your \w+|the \w+) (?:\w+ )?on board\b",
         r"\bi will (?:definitely |really |certainly )?(?:work on|practise|practice|brush up|focus on)\b",
         r"\bkeen to\b", r"\b(?:get|getting) better\b",
         # Acting on it: "I've signed up for a public speaking class", "I'm going to take a course on SQL".
         r"\b(?:signed up|sign up|signing up|enrolled|enrolling|booked|booking) (?:for|in|on|onto) (?:a |an |some )?(?:\w+ ){0,2}(?:course|class|classes|workshop|training|bootcamp|certification|programme|program)\b",
         r"\b(?:going to|will|plan to|planning to) (?:take|do|start|join) (?:a |an |some )?(?:\w+ ){0,2}(?:course|class|classes|workshop|training|bootcamp|certification)\b",
         r"\b(?:want|like|love|keen|eager|hoping|determined|rather) to (?:get better|improve|grow|learn|develop)\b",
         r"\blearn something\b", r"\bgrow\b",
         r"\bmeans? a lot\b", r"\bgood luck\b", r"\bbest wishes\b", r"\bbest of luck\b", r"\bevery success\b",
         r"\bwish (?:\w+ ){0,3}(?:luck|success|well|best)\b",
         r"\bcome back stronger\b", r"\bbounce back\b", r"\bjump at\b", r"\bmore than fair\b",
         r"\b(?:thrilled|delighted)\b", r"\bhappy to\b", r"\bwould (?:\w+ )?help me\b",
         r"\bhelp me (?:improve|grow|get better|learn)\b",
         r"\bi will (?:definitely |certainly |really )?(?:try (?:that|it|this)|give (?:it|that) a go|bear that in mind|keep that in mind|remember that)\b",
         r"\b(?:good|great|useful|fair|excellent|solid) (?:advice|point|tip|suggestion)\b",
         r"\byou (?:have been|were|are) (?:so |very |really |absolutely )?(?:brilliant|amazing|fantastic|super|wonderful|great|a star|lovely)\b",
         r"\byou have been (?:so |very |really |more than |incredibly )?(?:fair|great|wonderful|lovely|patient|kind|helpful|generous|gracious)\b",
         r"\bwould (?:\w+ )?(?:love|appreciate|value|welcome|be (?:\w+ )?(?:grateful|thankful|glad|great|happy))\b",
         r"\bbe (?:\w+ )?(?:grateful|thankful)\b", r"\bi would welcome\b", r"\bwelcome\b",
         r"\bwould be (?:\w+ )?(?:great|wonderful|amazing|helpful|gold|golden|huge|invaluable|brilliant|fantastic|appreciated)\b",
         r"\beager\b",
         r"\bi (?:would )?love\b", r"\bstill (?:\w+ )?interested\b", r"\bmakes sense\b.*\bthank",
         r"\bhelps\b",
         r"\bsomething concrete\b", r"\bthat is great\b", r"\bexactly the kind\b", r"\blovely\b",
         r"\bhonest(?:y)? (?:feedback)\b", r"\bi hear you\b",
         r"\b(?:that|this|it) (?:\w+ )?clears? (?:things|it|that|everything|a lot) up\b",
         r"\b(?:had not|never|have not) thought (?:of|about) (?:it|that)\b", r"\b(?:did not|never) expect (?:such|this|a|that|you|so)\b",
         r"\brespect (?:to you )?for\b", r"\bcongrats\b", r"\bwell done\b"), "warm"),
]
# Polite frames ("I'd appreciate", "I'd be grateful if", "would be helpful"): warm when they ask for
# feedback, matter-of-fact when they ask for something else ("I'd appreciate a call back").
POLITE_FRAME = re.compile(
    r"(?:would (?:\w+ )?(?:appreciate|value|welcome|be (?:\w+ )?(?:grateful|thankful|glad|happy))|be (?:\w+ )?(?:grateful|thankful)"
    r"|i would welcome|would be (?:\w+ )?(?:great|helpful|appreciated|wonderful|amazing|invaluable))"
)
# Replies that open "okay," / "alright," sound matter-of-fact even with a thanks in them.
FLAT_OPENER = re.compile(r"^(?:okay|ok|alright|all right|fine)\b")
