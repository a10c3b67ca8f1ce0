"""Negative tone said politely: courteous arguing, pleading, and a grievance after thanks.

The scoring guide counts calm, courteous arguing with the decision as arguing ("With respect, I'd
like my application looked at again"), pleading as negative, and thanks followed by a grievance as
negative. These replies carry no rude word, so the cues are the polite frames themselves. Written
against the normalised form (contractions spelled out, lower case, no punctuation), high precision
first: the learned reader (learned.py) weighs them with everything else.
"""

from __future__ import annotations

from rehearsal.judging.phraseset import PhraseSet

COURTEOUS_CUES: list[tuple[PhraseSet, str]] = [
    (PhraseSet(
        r"\brespectfully\b", r"\bwith the (?:greatest|utmost) (?:of )?respect\b", r"\bif i may\b(?! (?:ask|say (?:so|thank)))",
        r"\bi would (?:gently |respectfully |just )?(?:push back|point out|dispute|challenge|contest)\b",
        r"\bi do not (?:see|understand) how (?:that|this|it) (?:can|could) (?:be|have been) (?:right|fair|true|the case)\b",
        r"\bi am (?:a little |a bit |slightly |somewhat |quite )?confused by (?:that|this)\b",
        r"\bnot sure (?:that is|that was|it is|it was) (?:quite |entirely |really |totally )?(?:fair|right|accurate)\b",
        r"\b(?:seems|sounds) (?:like )?(?:an odd|a strange|an unusual) reason\b",
        r"\b(?:like|want|wish|intend) to (?:formally )?(?:appeal|object|complain|challenge|contest)\b|\bformally appeal\b|\bmy objection\b",
        r"\bi (?:really |genuinely |honestly )?do not believe (?:the|my|that|it|this|you|your)\b",
        r"\b(?:the|my) scores? (?:do not|did not) reflect\b",
    ), "argumentative"),
    (PhraseSet(
        r"\bis there (?:really|truly|honestly|absolutely) (?:nothing|no way)\b", r"\bno way at all\b",
        r"\b(?:any role|any job|any position|anything|something) at all\b(?! (?:you|i) (?:could|can))",
        r"\bjust one more (?:time|chance|shot)\b|\bone more chance\b|\bgive me (?:one|a|another) (?:shot|chance)\b",
        r"\bwhatever it takes\b", r"\bunpaid\b", r"\bi would (?:honestly |happily )?take (?:a lower|less|any)\b",
        r"\bplease do not (?:close|go|hang up|give|say)\b", r"\bplease even\b",
        r"\b(?:could|can|would) you not (?:ask|find|make|check|talk|speak|keep|hold)\b|\bcan not you (?:find|do|make|ask)\b",
        r"\byou (?:would|will) not regret it\b", r"\bif you will let me\b", r"\bprove myself\b",
    ), "pleading"),
    (PhraseSet(
        r"\b(?:though|although|but) i (?:do |really |still )?wish\b", r"\b(?:though|although|but) i (?:have to|must|will) say\b",
        r"\bstill waiting (?:on|for)\b",
        r"\b(?:did |it |that )t(?:ook|ake) (?:\w+ ){0,2}(?:two|three|four|five|six|several|many) (?:emails|calls|messages|voicemails|weeks|months|chases)\b",
        r"\bi would (?:have )?(?:liked|preferred) to (?:hear|know|be told)\b", r"\bafter the deadline\b",
        r"\b(?:found|find) out from (?:a|the|your|my|linkedin)\b",
        r"\b(?:helped|done|said) (?:quite |more than )?(?:enough|plenty)\b",
    ), "aggrieved"),    # The guide: "a demand or a jab dressed as a request ('I'd appreciate it if you stopped reading
    # from a script') is negative". The polite frame asks them to stop, spare, learn or be honest;
    # "if you could send it" / "if you kept my CV on file" are ordinary asks (session judge4).
    (PhraseSet(
        r"\b(?:appreciate it|grateful|obliged) if (?:you|your \w+|the \w+|they|people) (?:would |could )?"
        r"(?:did not|do not|would not|stopped|stop|quit|spared|spare|learned|learnt|learn|skipped|skip|bothered|returned|were honest|be honest|actually)\b",
    ), "a jab dressed as a request"),
]
