"""The judge's phrase lists for gratitude and the door kept open, as regular expressions over
the normalised reply (those for a feedback request are in lexicon_request.py).

The normalised form (see normalize.py) is lower case, one space between words, contractions
spelled out ("i would", "do not", "can not") and recognizer slips mended ("feedback",
"interview", "should have"). Patterns here are written against that form, so one pattern
covers "I'd", "id" and "I would". Each entry says why it is there where that is not obvious.
The rules they implement are the scoring guide's (/work/shared/scoring-guide.md).
"""

from __future__ import annotations

import re

from rehearsal.judging.phraseset import PhraseSet


def _rx(*parts: str) -> PhraseSet:
    return PhraseSet(*parts)


# ---------------------------------------------------------------- gratitude
# Something that looks like thanks; context decides whether it is sincere.
THANKS = _rx(
    r"\b(?:many |a thousand )?thanks\b(?: (?:a lot|a bunch|heaps|a ton|so much|very much))?",
    r"\bthank you\b(?: (?:ever so|so|very) much)?",
    r"\bthank\b(?! you\b)(?! (?:me|god|goodness|heavens|anyone|nobody|nothing|him|her|them)\b)",  # a dropped s
    r"\bcheers\b",
    r"\bmuch (?:appreciated|obliged)\b",
    r"\bta\b(?<!ta ta)(?! ta\b)(?: (?:very much|muchly|so much|ever so much|ever so))?",
    r"\bthanking you\b",  # British and Australian "thanks"
    r"\bbless you\b",
)
APPRECIATION = _rx(
    r"\bappreciat(?:e|ed|es|ing)\b",
    r"\b(?:grateful|thankful|obliged|indebted)\b",
    r"\b(?:my|our|sincere|heartfelt|deep|deepest|express|expressing|with|great|much) gratitude\b",
    r"\bi owe you (?:one|a drink|a coffee|big time)\b",
    r"\b(?:kind|good|generous|nice|lovely|sweet|thoughtful|gracious|decent|considerate) of you\b",
    r"\b(?:you have been|you were|you are being|you have|you are) (?:so |very |really |incredibly |super |extremely )?(?:generous|kind|helpful)\b",
    r"\bcan not thank you enough\b",
    r"\b(?:pass on|send|give|extend) my thanks?\b",
)
# Not thanking the listener at all: "thank god", "don't thank me", "thanks to X, I missed...".
NOT_THANKS_AFTER = re.compile(r"^ (?:me|god|goodness|heavens|anyone|nobody|the lord|note|notes|card|cards|letter|email|message)\b")
THANKS_TO_BLAME = re.compile(r"^ to (?!you\b|everyone\b|all\b)")  # "thanks to your recruiter, I..." = because of
# Sarcasm: thanks for something bad.
SARCASTIC_OBJECT = re.compile(
    r"\b(?:nothing|wasting|waste|wasted|ghosting|ghosted|runaround|run around|form letter|form email|"
    r"canned|generic|stringing|strung|leading me on|letting me down|for the detailed feedback really|"
    r"absolutely nothing|non answer|for what|i guess|i suppose for|i suppose$|finally (?:\w+ ){1,5}after (?:\w+ )?(?:weeks|months)|messed around|messing me around|mucked about|jerked around|\w+ word (?:answer|reply|response|email)|\w+ line (?:email|reply|response|rejection)|(?:weeks?|days?|months?) late|last minute|two line|one line|"
    r"automated|form rejection|vague|cut and paste|copy and paste|boilerplate|"
    r"(?:really|truly|very|so|most|how|super|hugely) (?:enlightening|illuminating|informative)|gem of wisdom|pearls? of wisdom|copy paste|cut paste|copy pasted|what for|"
    # session judge4: "thanks for the three weeks of silence", "thank you for the lesson in how not to ..."
    r"for (?:the|all the|your|those) (?:\w+ ){0,3}silence|how not to)\b"
)
SARCASM_OPENER = re.compile(r"\b(?:gee|gee whiz)\b")
SARCASM_BEFORE = re.compile(r"\bi (?:suppose|guess) i (?:should|ought to|must|have to|had better) (?:say )?$|\boh yeah $|\b(?:oh|yeah) sure\b|\byeah right\b|\boh right (?:a|an|the|because|so|of course)\b|\bsure sure\b")
# "I'm not going to thank you", "don't expect me to thank you", "why would I thank you": refused thanks.
# "I'd say thanks, but I'm not sure what for": thanks held back by a "but".
THANKS_HELD_BACK = re.compile(r"\bi would (?:say|have said)$")
THANKS_REFUSED_BEFORE = re.compile(
    r"\b(?:not|never) (?:\w+ ){0,2}(?:going to|about to|gonna|expect me to|want to|be)$|\bwhy (?:would|should) i$|\bwill not$"
    r"|\b(?:do not think|doubt) i will(?: be)?$"
)
NEGATORS = frozenset({"not", "never", "hardly", "nor"})
# "can not thank you enough" and "not at all, thank you" are not negations of the thanks.
NEGATION_EXCEPTIONS = re.compile(
    r"\bcan not (?:thank you enough|tell you how (?:much|grateful|thankful))|\bnot at all\b|\bnot only\b"
    r"|\bcould not be (?:more )?(?:grateful|thankful)|\b(?:get|got|chance|opportunity) to thank\b"
)
CONDITIONAL_BEFORE = frozenset({"would", "if", "will"})
CONDITIONAL_AFTER = re.compile(
    r"^ (?:\w+ ){0,2}?(?:if|in advance)\b|^ (?:\w+ )?(?:for )?any\b"
    r"|^ (?:it )?(?:a|some) (?:quick |short |brief |little )?(?:call|reply|response|word|feedback|pointers|tips|advice|thoughts)\b"
    r"|^ (?:\w+ )?(?:knowing|hearing|getting|learning|understanding) (?:what|where|how|why|if|whether|any|some|your)\b"
)
REFUSAL_BEFORE = frozenset({"no", "nope"})
THANKS_BUT_NO = re.compile(r"^ but no\b")
DECLINE_BEFORE = re.compile(
    r"\b(?:do not|no) (?:\w+ )?(?:need|want)\b|\bkeep your\b"
    # "No, I'm alright, thanks." / "Nah, you're alright, thanks.": an offer turned down (session judge4;
    # "your" as the recognizer writes "you're", session judge5)
    r"|\b(?:no|nah|nope) (?:i am|you are|your|we are|i will be) (?:\w+ )?(?:alright|all right|fine|good|okay|ok|all set)\b"
    r"|\bnot (?:right )?now ?$"  # "Not right now, thanks, maybe another time." (session judge5)
)
DECLINE_AFTER = re.compile(r"^(?: though| anyway)? i am (?:good|fine|okay|ok|all set|alright)$")

# ---------------------------------------------------------------- door open
DOOR_OPEN = _rx(
    r"\bkeep(?:ing)? (?:an eye|my eyes|a lookout|a look out)\b|\bkeep an eye out\b",
    r"\bconsidered (?:for|if|again|in the future|down the line)\b|\bconsider me for (?:future|other|any)\b",
    r"\bkeep (?:me|my \w+) in mind\b|\bkeep me posted\b|\bin mind for\b",
    r"\bapply(?:ing)? again\b|\breapply(?:ing)?\b|\bkeep applying\b|\banother (?:shot|crack|go|try) at\b|(?<!give me )\banother shot\b",
    r"\bconsidered (?:next time|again|in future)\b",
    r"\bstay in touch\b|\bkeep in touch\b|\bconnect on linkedin\b|\bpaths cross\b",
    r"\b(?:watch|watching|look|looking|check|checking|keep an eye|keeping an eye|monitor|monitoring|follow|following) (?:\w+ ){0,3}(?:openings|postings|roles|careers|jobs|job board|positions|vacancies|site|page|website|listings|opportunit\w+|adverts)\b",
    r"\bjump at the chance\b|\b(?:interview|work) (?:with you )?again\b|\bi will (?:definitely |certainly |be sure to )?(?:apply|reapply|try again)\b(?! (?:somewhere|elsewhere|to other))",
    r"\bon your radar\b|\bnext (?:opportunity|opening)\b|\b(?:stay|be|keep|keeping) on the lookout\b|\blookout for\b",
    r"\bfollow (?:the|your) (?:\w+ )?(?:page|postings|careers)\b",
    r"\bfuture (?:roles|openings|opportunities|positions|vacancies)\b",
    r"\bif (?:anything|something|another (?:\w+ )?(?:role|position|opening)|a (?:\w+ )?(?:role|position)) (?:\w+ ){0,3}(?:opens|comes) up\b",
    r"\breach out if\b|\bwork with (?:your|the) team (?:someday|one day|in the future)\b",
    r"\blooking forward to applying\b",
    r"\b(?:set|setting|sign|signing|signed) up (?:for )?(?:\w+ ){0,2}(?:alerts?|notifications?)\b|\bjob alerts?\b",
)
DOOR_CLOSED_BEFORE = frozenset({"not", "never", "bother", "no", "whether", "point", "breath"})
