"""The judge's phrase lists for a feedback request, as regular expressions over the normalised reply.

Written against the normalised form, as lexicon.py's are (see there and normalize.py); the
rules that use them are in request.py. Each entry says why it is there where that is not obvious.
"""

from __future__ import annotations

import re

from rehearsal.judging.phraseset import PhraseSet


_rx = PhraseSet  # as in lexicon.py: one pattern per line


# ---------------------------------------------------------------- feedback request
# Words that make a sentence about the interview, the candidacy, or getting better.
FEEDBACK_TOPIC = _rx(
    r"(?<!when will the )(?<!when is the )\bfeedback\b(?! (?:form|survey|process|policy|be (?:ready|sent|coming|available|emailed)|will be))",
    r"\b(?:advice|tips|pointers|suggestions|insights?|guidance|input|constructive criticism|comments|observations)\b",
    r"\b(?:your|any|some|a few|honest) (?:\w+ )?(?:thoughts|notes|perspective|opinion|take|view)\b|\bfor next time\b",
    r"\bimprov(?:e|ing|ement)\b",
    r"\b(?:done|do|did|go|gone) (?:\w+ )?better\b|\bget better\b|\bprepared better\b|\bbetter next time\b",
    r"\bdifferently\b",
    r"\b(?:work|focus|brush up) on\b|\b(?:should|could|need to|ought to) (?:\w+ )?(?:be )?(?:working|focusing) on\b",
    # "anything that might help me next time": what would help, asked for indirectly.
    r"\b(?:anything|something|whatever)(?! it takes) (?:\w+ ){0,4}(?:help|helps|give|put|set) me\b",
    r"\bput (?:you|them|the panel|the team|the committee|people) off\b",
    r"\b(?:fell|fall|falls) flat\b|\bmiss(?:ed)? the mark\b|\b(?:did|does) not (?:convince|impress|persuade)\b|\btighten(?:ed)? up\b",
    r"\b(?:anything|something) (?:that )?you (?:noticed|spotted|saw|picked up on)\b",
    r"\b(?:develop|strengthen|stronger|weak|weaker|weakest|weakness|weaknesses)\b",
    r"\b(?:fell|fall) short\b|\bwent (?:wrong|worst|badly|poorly)\b|\bgo wrong\b|\bdid (?:\w+ )?wrong\b|\bwas wrong with\b",
    r"\bmistakes?\b",
    r"\b(?:missing|lacking)\b",
    r"\b(?:held|hold) (?:me|my \w+|\w+ application) back\b|\bheld back\b",
    r"\bconcerns?\b|\bred flags?\b|\braised? (?:any )?(?:concerns|questions|anything|flags|issues|eyebrows)\b",
    r"\blose points\b|\blost points\b",
    r"\b(?:deciding|main|key|biggest) (?:factor|reason|concern|issue|problem)\b",
    r"\breasons?\b(?! (?:you|why you))",
    r"\b(?:tipped|swung) the\b|\bmade (?:the|a|any) difference\b|\bmake (?:the|a|any) difference\b",
    r"\bstand out\b|\bstood out\b|\bcompared?d?\b|\bcame across\b|\bcome across\b",
    r"\bcount(?:ed)? against me\b|\blet me down\b|\bpart of the problem\b|\bthe problem\b",
    r"\b(?:strong|good|enough|experienced) enough\b|\bnot enough\b",
    r"\bwhy (?:i|my|me)\b|\bwhy (?:did not|was not|were not|have not|had not) (?:i|my|me)\b",
    r"\bwhy (?:you|the team|they|the panel) (?:chose|picked|went|decided|rejected|passed|did not)\b",
    r"\b(?:not|never) (?:selected|chosen|picked|hired|successful|shortlisted)\b",
    r"\bdid not get (?:the|this) (?:job|role|position|offer)\b|\bmake it (?:to|through)\b",
    r"\b(?:what|how) (?:the|my) interview went\b|\bhow i (?:did|went|performed|compared|came across|could)\b",
    r"\b(?:think|thought|felt|wrote|said|noted) (?:of|about) (?:me|my)\b",
    r"\bskills?\b|\bwhat areas?\b|\bwhich areas?\b",
    r"\bhad that i did not\b|\bhave that i did not\b|\bwanted to hear from me\b",
    r"\b(?:mean|meant) by (?:a )?better fit\b|\bbetter fit (?:what|mean)\b|\bmore specific\b",
    r"\b(?:mean|meant|way|explain|specific|why|how) (?:\w+ ){0,6}(?:better|right|good|stronger|best) (?:fit|match)\b",
    r"\btoo (?:nervous|quiet|junior|senior|much|long|short|vague|technical)\b",
    r"\b(?:learn|learning) from\b",
    r"\b(?:suggest|recommend)\b|\bfell down\b|\btipped (?:it|the)\b|\bto fix\b",
    r"\bwhat (?:the|you|they|your|the team|the panel) (?:\w+ )?(?:thought|think|felt|made of it|made of me|made of my|wrote|said|noted|had to say)\b",
    r"\black of\b",
    r"\b(?:did|does|do) not (?:work|land|go well)\b(?! out)|\bnot (?:good|strong|clear) enough\b",
    r"\bnotes (?:from|on|about)\b|\b(?:where|when|how) i (?:lost|went|fell|messed|slipped|could|should)\b|\blost (?:you|them|the panel)\b",
    r"\bwhy (?:on earth |exactly |then )?(?:would|did|do) (?:you|they|the team|the panel) (?:hire|pick|choose|go|decide|select|reject|pass)\b",
    r"\bwhat happened\b|\bdecision (?:was )?(?:about|based on|down to)\b|\bcame down to\b",
    r"\b(?:expecting|expected|looking for|wanted to see|want to see|hoping to see|hoping for) (?:more|less|something|someone|from me)\b",
    r"\byou (?:felt|thought|sensed|decided|realised|realized|knew)\b|\b(?:went|go|going) with (?:the other|someone|another|him|her|them)\b",
    r"\b(?:understand|explain|reasoning behind|reasons? (?:for|behind)) (?:\w+ ){0,2}decision\b",
    r"\b(?:scorecard|score card|scores?|scored|rating|rated|rate|assessment|evaluation|marks|impressions?)\b",
    r"\b(?:fell|fall) below\b|\bbelow (?:the )?(?:\w+ )?(?:standard|bar|level|mark)\b",
    r"\bshortcomings?\b|\bshort comings?\b|\bdeficienc\w+|\b(?:gap|gaps) in my\b|\bweak (?:spots|points|areas)\b|\bcompetenc\w+",
    r"\bthe way i (?:answered|handled|presented|approached|spoke|dealt|came across|explained)\b",
    r"\bhow i (?:answered|handled|presented|approached|explained)\b",
    r"\b(?:the|an|a) (?:main |real |big |biggest |only )?issue\b|\ba factor\b|\bfactors\b|\bsticking point\b|\bdeal ?breaker\b",
    r"\b(?:something|anything) i (?:said|did|wrote|missed|mentioned|forgot)\b",
)
# A sentence that asks: typed with "?", or starting (after small talk) with a question word.
QUESTION_START = re.compile(
    r"^(?:in|on|at|for|about|with) (?:what|which|whose)\b|\b(?:what|where|how|why|which) (?:should|could|can|do|did|would|might|will) (?:i|you)\b|(?:^|\b(?:thanks|thank you|so|and|but|okay|ok|well|um|uh|like|also|then|sorry|honestly|hi|hey|right|just|now|please|question|look|listen|actually|surprised|curious)\s)"
    r"(?:what|why|how|where|which|who|when|could|can|would|will(?! do\b)|(?:do|did|does)(?= (?:you|i|we|they|he|she|my|the|your|it|that|this|any|anyone|someone))|is|was|were|are|should|may|might|any|mind|have|has)\b"
)
REQUEST_FRAME = _rx(
    r"\b(?:could|can|would|will) you\b",
    r"\b(?:can|could|may) i (?:ask|get|hear|have|know)\b",
    r"\bmind (?:if i ask|telling|sharing)\b",
    r"\bi would (?:\w+ )?(?:like|love|appreciate|welcome|value|be (?:\w+ )?(?:grateful|thankful|glad|interested|keen))\b",
    r"\bwould be (?:\w+ )?(?:great|helpful|appreciated|welcome|useful|wonderful|amazing|grateful)\b",
    r"\b(?:any|some|your) (?:\w+ )?(?:feedback|advice|tips|pointers|thoughts|insights?|suggestions|help|input) (?:\w+ ){0,3}(?:is|are|would be) (?:\w+ )?(?:welcome|appreciated|helpful|great|useful)\b",
    r"\bi (?:just |really |only |simply )?(?:want|wanted|was hoping|am hoping|hope|hoped|am calling|was calling|called|am trying|need|needed) to (?:\w+ )?(?:know|understand|hear|ask|learn|get|find out)\b",
    r"\bi (?:was|am) hoping (?:you|for|to)\b",
    r"\b(?:it is|it would be|would be) (?:\w+ )?(?:important|helpful|useful) (?:(?:for|to) me )?to (?:know|understand|hear|learn)\b|\b(?:is |it is )?possible to (?:know|hear|understand|ask|get|learn)\b",
    r"\bi (?:am|was|keep) (?:left |just |really |still |a bit |a little |genuinely )?(?:curious|wondering|asking myself)\b",
    # "...I'm all ears", "happy to hear it", "were there any answers that": open invitations.
    r"\bi am (?:all ears|listening)\b|\bfire away\b|\b(?:happy|glad|keen|open|eager|ready) to hear\b",
    r"\b(?:is|was|are|were) there (?:any|anything|something|a|one|parts?)\b|\bif there (?:is|was|are|were) (?:any|anything|something|a|one)\b",
    r"\bi (?:keep |just |still |can not help |often )?wonder(?:ing|ed)? (?:if|whether)\b|\bhelp wondering\b",
    r"\bkindly\b(?! of you)",
    r"\b(?:please|just) (?:tell|share|send|let|explain|give|advice|indicate|outline|clarify|specify|elaborate|detail)\b|\btell me\b|\bbe honest\b|\blet me know\b",
    r"\bif i understand (?:correctly|right)\b|\bjust to (?:clarify|confirm|check)\b|\banything else$",
    r"\b(?:talk|walk|take) me through\b|\bbreak (?:it )?down\b|\bdo not hold back\b",
    r"\bappreciate (?:\w+ )?(?:knowing|hearing|getting|learning|understanding)\b",
    r"\bif you (?:have|could|can|had|are able|do not mind)\b",
    r"\b(?:anything|something|whatever) you (?:can|could) (?:tell|share|say)\b|\bwould (?:\w+ )?help me\b",
    r"\bi (?:\w+ )?(?:love|like) to (?:hear|know|understand|learn)\b",
    r"\b(?:i am|i was|i am just|just) (?:calling|ringing|asking|hoping|looking|phoning) (?:for|about|to get|to ask for|to hear)\b",
    r"\b(?:wanted|want|like|love|hoping|called|calling|phoned|rang) to ask (?:for|about)\b|\bcan i ask for\b",
    r"\bwhat i (?:could|should|can|might|need to)\b|\bwhere i (?:went|fell|could|should)\b",
    r"\bdo you (?:think|have|know)\b|\bis there (?:any|anything|a|something|one|one more|another|a single)\b",
    r"\b(?:any|some|a few) (?:\w+ )?(?:feedback|advice|tips|pointers|suggestions|thoughts|insights?|notes|guidance)\b",
)
# Questions about the candidacy that count on their own, whatever else the sentence holds.
STRONG_REQUEST = _rx(
    r"\bwhat (?:could|should|can|might|would) i (?:have )?(?:done|do|said|say|change|improve|work on|focus on|prepare)\b",
    r"\bwhat i (?:could|should|can|might) (?:have )?(?:done|do|said|say|change|improve|work on|focus on)\b",
    r"\bwhat (?:went|was) wrong\b|\bwhat did i (?:do )?wrong\b|\bwhere did i (?:go wrong|lose|fall short)\b",
    r"\bhow (?:did|do|could|can|should|might) i (?:have )?(?:come across|do|did|compare|perform|improve|prepare|get better|do better)\b",
    r"\bwhat did (?:the|you|they|your) (?:\w+ ){0,2}(?:think|make) of (?:my|me)\b",
    r"\bwhat would you (?:focus on|work on|suggest|recommend|change|advise|say was)\b",
    r"\b(?:was|is) it (?!(?:\w+ )?the same\b)(?:\w+ )?(?:my|your|the|something|because|that i|what i|about)\b",
    r"\bwhat would you have (?:wanted|liked|expected|needed|hoped)\b",
    r"^(?:so |and |but )?(?:was|did|were) i\b",
    r"^(?:so |and |but )?should i (?:get|work|focus|learn|improve|practise|practice|take|do|have|build)\b",
    r"\bwhy (?:did not|was not|were not|have not|had not) i\b|\bwhy i (?:was not|did not|am not|was|did)\b",
    r"\btell me why\b(?! you)",
    r"\b(?:any|some|a few|your honest) (?:\w+ )?(?:feedback|advice|pointers|tips|suggestions|insights?|constructive criticism|guidance)\b",
    r"\b(?:share|give|offer|pass on) (?:me )?(?:a few|some|any|your) (?:\w+ )?(?:thoughts|notes|pointers|tips|feedback)\b",
    r"\bdo you think i (?:need|should|was|lacked|lack|could)\b",
    r"\bwhat would have (?:made|changed|helped|tipped)\b",
    r"\b(?:feedback|advice|pointers|tips|insights?|thoughts|guidance|notes|comments|words) (?:\w+ ){0,4}(?:would|will|could) (?:\w+ )?(?:be|help|mean)\b",
    r"\b(?:anything|something) (?:else )?i (?:could|should|might) (?:have )?(?:done|do|said|say|change|improve|work on|know)\b",
    r"\b(?:anything|something|whatever) you (?:are |were )?(?:\w+ )?(?:can|could|comfortable|happy|willing|able) (?:\w+ )?(?:sharing|share|tell|say)\b",
    r"\bwhat made (?:you|them|the team|the panel) (?:go with|choose|pick|hire|decide|select|prefer)\b",
    r"\bwhere (?:should|do|would) i (?:start|begin|focus)\b",
    r"\b(?:wonder|wondering|wondered|curious) (?:if|whether) it (?:was|is|came down to|might have been|had (?:something|anything) to do)\b",
    r"\b(?:anything|something) (?:else )?(?:apart from|besides|other than|aside from|beyond) (?:the|my|that)\b",
    r"\bwas (?:there )?(?:anything|something) else\b(?! (?:you|i) (?:need|needed|want))",
    r"\b(?:was|is) (?:that|this) (?:the )?(?:main|real|only|biggest|deciding|key) (?:issue|problem|reason|factor|concern)\b",
    r"\b(?:fit|match|enough|qualified|experience|skills|strong|weak|better|right|good) in what (?:sense|way|respect|areas?)\b",
    r"\bwhat (?:exactly )?(?:do|did) you mean (?:by|exactly|when)\b|\bwhen you say (?:i|my|me)\b",
    # Calling to ask for feedback, said as the reason for the call ("my coach said I should call and ask
    # for feedback, so here I am"); "my partner thinks I should ask for feedback" alone is a mention.
    r"\b(?:ring|call|phone|calling|ringing|rang|called|phoned|reach out|reaching out) (?:\w+ ){0,3}(?:and |to )?(?:ask|asking) (?:you )?for (?:\w+ ){0,3}(?:feedback|pointers|advice|tips|guidance)\b",
    r"\b(?:ask|asking) (?:you )?for (?:\w+ ){0,3}(?:feedback|pointers|advice|tips|guidance) (?:\w+ ){0,6}(?:here i am|give you a (?:ring|call|bell)|why i am (?:calling|ringing)|so i (?:am calling|called|rang|thought))\b",
    # "Was the decision more about experience or the interview?", "Just whether it was something I said."
    r"\bwas the decision (?:\w+ ){0,2}(?:about|down to|based on|because)\b",
    r"^(?:just |only |mainly |mostly )?(?:whether|if) (?:it|i|my \w+) (?:was|were|came down to|did|had)\b",
    # "It'd help me a lot to know how my portfolio landed with the team."
    r"\b(?:help|helpful|useful|go a long way) (?:\w+ ){0,3}to (?:know|hear|understand|learn) (?:how|what|where|why|whether|if) (?:my|i|me)\b",
    r"\bhow my (?:\w+ ){0,2}(?:landed|went down|came across|was received|compared|stacked up)\b",
    # One part of the interview asked about: "which part was not good", "the technical part, it was okay or not?"
    r"\bwhich (?:part|parts|bit|bits|section|sections|answer|answers|question|questions|one|ones) (?:of (?:the|my) \w+ )?(?:i (?:\w+ ){0,2}(?:do|did|done|need)|was (?:not|weak|bad|poor|the)|were (?:not|weak|bad|poor|the)|went|let me|lost|needs?|did not|could)\b",
    r"\b(?:was|were|is|did) (?:\w+ ){0,2}(?:okay|ok|fine|good|alright|all right|well|enough|strong enough|good enough) or not\b",
    # Conditional invitations: "if the panel said anything about my portfolio, I'd like to hear it".
    r"\bif (?:(?!open|opens|opening|openings|role|roles|position|positions|vacancy|vacancies|comes|came|job|jobs)\w+ ){0,5}(?:anything|something) (?:(?!open|opens|opening|openings|role|roles|position|positions|vacancy|vacancies|comes|came|job|jobs)\w+ ){0,8}i would (?:\w+ )?(?:like|love|welcome|appreciate|want|be (?:glad|happy|keen|grateful)) (?:to )?(?:hear|know|learn)\b",
    # Advice for the next candidate: "What would you tell a friend going in for that interview?"
    r"\bwhat (?:would|do) you (?:tell|say to|advise) (?:\w+ ){0,3}(?:going (?:in|into)|preparing|applying|interviewing|in my (?:shoes|position))\b",
    r"\bwhat advice would you\b",
    # What the other candidate had: "what made the difference between me and the person you hired?"
    r"\bwhat made the difference\b|\b(?:the )?differences? between me and\b",
    r"\bwhat (?:did )?(?:the other candidate|the successful candidate|the other person|the person you (?:hired|picked|chose)|they|he|she) (?:have|had|bring|brought|offer|offered|do|did|show|showed) that i\b",
    r"\bwhat (?:is|was) (?:the )?one thing (?:\w+ ){0,4}(?:work on|improve|change|do differently|do better|have done)\b",
    r"\bwhat made (?:the other candidate|the successful candidate|the other person|them|him|her) (?:\w+ ){0,2}(?:stronger|better|stand out|the (?:stronger|better|right|stand out))\b",
    r"\bhow did my (?:\w+ ){0,3}(?:go|land|come across)\b",
    r"\bdid (?:\w+ ){1,2}(?:say|mention|note|notice|flag|think) (?:anything|something) (?:\w+ ){0,2}(?:about|on) my\b",
    # What would have met the bar: "would acting up as shift lead have counted, or did it need a formal title?"
    r"\bwould (?:\w+ ){1,6}have (?:counted|been enough|been sufficient|qualified|been (?:okay|acceptable|good enough))\b",
    # A small piece asked for: "I'd love a line or two on my portfolio review", "point me to the answers that dragged".
    r"\b(?:a line|a few lines|a word|a few words|a note|a sentence|a quick word) (?:or two )?(?:on|about) (?:my|how i|the way i)\b",
    r"\b(?:point me (?:to|at|towards)|show me|flag|highlight) (?:\w+ ){0,2}(?:answers?|parts?|bits?|sections?|questions?|mistakes?|where i|what i)\b",
)
# Asks for something else, about the interview but not about how it went: returning a pass,
# expenses, a reference, a referral. A question only about these is not a feedback request.
OTHER_REQUEST = re.compile(
    r"\b(?:return|send (?:it |them |this |that )?back|give (?:it |them )?back|hand (?:it |them )?back|claim (?:back|for)|travel (?:costs|expenses)"
    r"|expenses|reimburse\w*|delete|destroy|dispose of|shred|security pass|badge|lanyard|laptop|equipment|keys|parking|invoice|receipt|recommend me|introduce me"
    r"|put me in touch|(?:pass|forward|send) my (?:cv|resume|details|name|portfolio|application)|your network"
    r"|keep the (?:notes|materials|laptop|pass|badge|documents|slides|copy)|referee"
    r"|(?:be|act as|write me|give me|provide) (?:a |my |me a )?(?:\w+ )?reference|(?:you|they) (?:need|needed|want|wanted) (?:from|of) me"
    # Logistics: "do you mind if I take notes", "is it the same role that was reposted", "the reference number".
    r"|(?:do|would) you mind if i (?!ask\b)|(?:alright|all right|okay|ok|fine) (?:with you )?if i (?!ask\b)|take (?:a few |some )?notes"
    r"|record (?:this|the) call|the same (?:role|job|position|posting|vacancy|one|opening)|reposted|re ?advertised|advertised again"
    r"|reference number|(?:job|application|vacancy|candidate) (?:id|number|reference|code)"
    # Asking to reconsider: "any chance the decision could change if I sent more samples?"
    r"|(?:decision|outcome) (?:\w+ )?(?:could|would|might|can) (?:\w+ )?change|change the (?:decision|outcome)"
    r"|look (?:at (?:\w+ ){0,3})?again|another (?:round|interview|chance|look)|more (?:work )?samples|i would like you to know|i want you to know"
    # Who got the job and what they are paid: "what the starting salary was for the person you hired".
    r"|(?:starting|the) salary (?:was|is|for|of)|the person you (?:hired|picked|chose)|(?:who|whom) (?:you|they) (?:hired|picked|chose|went with)"
    # About the other candidate's standing, or a different arrangement: "whether they were on the original shortlist", "a job share".
    r"|(?:they|he|she|the (?:other )?(?:candidate|person|hire)) (?:were|was) (?:on the (?:\w+ )?shortlist|internal|external|already)|job share|(?:they|you) would consider (?:a|an|me|taking)"
    # A jab dressed as a request: "I'd be grateful if you stopped calling that feedback".
    r"|if you (?:would |could )?(?:stopped|stop|quit))\b"
)
# A question about the caller themself ("how far off was I?", "did my references check out?") asks
# for insight into the candidacy, unless it asks for something else (these words).
SELF = re.compile(r"\b(?:i|me|my|mine|myself)\b")
OTHER_ASK = re.compile(
    r"\b(?:reconsider|consider (?:me|my)|considered|nothing you can do|do anything|please|salary (?:range|band)|pay range|who|when|still (?:open|available|posted|listed|up)"
    r"|re ?advertised|reposted|posting|posted|listing|listed|openings?|opens|hiring|apply|reapply|applying|on file"
    r"|e ?mail|call (?:you )?back|call me|called|calling|phone|number|message|speak (?:to|with)|talk to|put me through|hear me"
    r"|repeat|say that again|benefits|hr|contact|job description|received?|get my|got my|confirm|meet|start date"
    r"|starts|status|another chance|one more|change your mind|appeal|wast\w*|link|note|available|a minute|a moment"
    r"|again|look at|second look|idea how much|exception|whatever|what i needed|what i wanted|even|listening|all i get|another look|put in a word|word for me|forward|refer|pass (?:it|my \w+) on"
    r"|a second|bad time|good time|okay time|hold|leave|address|directions|parking|expenses|reimburse\w*|invoice|careers|website|web page|portal)\b"
)
TAG_QUESTION = re.compile(r"\b(?:did|do|are|is|were|have|would|will|can|could) (?:you|it|they|we|not)(?: not)?$")
# Feedback refused or only mentioned, not asked for.
FEEDBACK_REFUSED = re.compile(
    r"\b(?:do not|did not|never) (?:\w+ ){0,3}(?:need|want|care about|care for) (?:\w+ ){0,2}feedback\b"
    r"|\b(?:not|never) (?:\w+ )?(?:looking|calling|asking|here|interested|ringing) (?:for|in|about) (?:\w+ ){0,8}?"
    r"(?:feedback|lecture|advice|critique|what i did wrong|hearing it|notes)\b|\bspare me\b|\bkeep your feedback\b"
    r"|\bforget (?:the|your) feedback\b|\bdo not bother with (?:the |your |any )?feedback\b|\b(?:do not|did not) (?:\w+ )?(?:need|want) (?:you|anyone) to (?:tell|explain|lecture)\b|\bfeedback (?:\w+ ){0,2}do not (?:need|want) it\b|\bnot your feedback\b|\brather not (?:\w+ ){0,3}feedback\b"
    r"|\bfeedback (?:is|was) not (?:\w+ )?what\b|\bno (?:more )?feedback\b"
)
FEEDBACK_MENTION = re.compile(
    r"(?<!you have )(?<!if you )(?<!you )\b(?:gave|given|got|had|received|read|sent|passed on|heard|shared|getting|been getting) (?:\w+ ){0,3}"
    r"(?:feedback|tips|advice|pointers|notes|suggestions)\b"
)
# "I already know what went wrong" reports, it does not ask.
ALREADY_KNOWN = re.compile(r"\bi (?:already |now |do |fully )?(?:know|understand|get|see|realise|realize)(?: exactly)?$")
# Own reflection reported, not asked: "I've been thinking about what I could have done differently".
REFLECTED = re.compile(
    r"\b(?:thinking|thought|reflecting|reflected|going over|gone over|went over|replaying|replayed|wrote down|written down"
    r"|noted down|worked out|figured out|mulling over|mulled over|made a list of|talked me through|walked me through|took me through|taken me through|ran me through|run me through)(?: (?:a lot|long and hard|hard|carefully|it through))?(?: about| on)?$"
)
# Negators that, just before a topic word, take the topic away ("do not want feedback").
TOPIC_NEGATORS = frozenset({"not", "no", "never", "forget", "without"})
