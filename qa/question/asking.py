"""How questions ask: every pattern that reads the wording of a question, in one table, each with
an example question it finds and what a match tells.

A row's ``pattern`` is the regex its module used to hold as a constant; the modules use it by
name from :data:`ASKS` (``ASKS["duty"].search(sc)``).  ``tests/test_asking.py`` checks that every
example is found by its pattern.  Patterns that are built from the grammar of unit names or from
data at import time (``qa/question/query.py`` ``_REVERSE_RE``, ``_UNIT_MORE_RE``, ``_META_DOC_RE``,
``_NEXT_UNIT_RE``, ``_UNIT_ONLY_RE``; ``qa/evidence/measures.py`` ``_measure_re``) stay beside that grammar,
and patterns over document text (clause headings, 落款, item titles…) stay where they are read.

This module imports nothing from :mod:`qa`, so any module may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Asking:
    name: str  # e.g. "duty", "wants:money"
    pattern: str  # the regex, verbatim from where it was
    example: str  # a question (Chinese) this pattern finds (re.search matches it)
    means: str  # one line: what a match tells the answer engine
    flags: int = 0  # re flags the pattern is compiled with


# the order that published a regulation (国务院令第375号), and the meeting that adopted a document
_ORDER = (
    r"令号|令第?几号|第?几号[^，。？]{0,6}令|哪一?号[^，。？]{0,6}令|(?:哪|什么)[^，。？]{0,6}(?<!责)令(?:公布|发布)"
)
_MEETING = r"(?:哪|几|什么)[^，。？]{0,8}会议"
# what a document repeals (…同时废止; …停止执行)
_REPEALED = (
    r"(?:哪|什么)[^，。？]{0,12}(?:废止|停止执行|不再执行)|(?:废止|停止执行)(?:了)?(?:哪|什么)"
    r"|(?:废止|停止执行|不再执行)的[^，。？]{0,8}(?:文件|通知|规定|办法|条例|意见|决定)"
)
# who issued a document, in any everyday words: 是哪个部门发的, 由什么机构印发, 以谁的名义发的,
# 哪个部门联合发布的, 发文单位是哪个, 发布主体是谁 (nothing but 联合/共同/名义 between who and the verb:
# 由哪个部门负责发布…信息 asks about a task)
_ISSUED_BY = (
    r"(?:(?:哪(?:个|家|一个|一级|级|些)?|什么)(?:部门|单位|机关|机构|政府)|谁)(?:联合|共同|的名义|以)?"
    r"(?:印发|发布|制定|出台|下发|颁布|制发|发文|签发|发的|出的)"
    r"|(?:印发|发布|发文|制定|制发)(?:机关|单位|部门|主体|机构)"
)
# the field words of a document's metadata (文号, 印发, 施行…), shared by "meta:field" and "meta:words";
# a time asked before 前 is a deadline the text sets (实施办法要在什么时候前报国务院办公厅)
_META_FIELD = (
    r"文号|发文字号|字号|印发|发布|发表|出台|(?:哪一?天|哪一?年|什么时候|何时)(?!之?前|以前)|日期|作者|发文机关|哪个机关|出自|来源|媒体|主送|发给|"
    r"依据|根据哪|上位文件|(?<![小大])标题|全称|题目|是(?:什么|哪个|哪份|哪一份)文件|抄送|签发人|密级|紧急程度|"
    rf"施行|生效|有效期|{_ORDER}|{_MEETING}|{_REPEALED}|{_ISSUED_BY}"
)
# a word naming a document, as "outline:parts" reads it (南昌方案, 《…意见》)
_DOC_WORD = r"(?:方案|意见|文件|文章|评论)》?"

TABLE: tuple[Asking, ...] = (
    # --- what a question is about (qa/question/query.py analyse) ---
    Asking(
        "duty",
        r"谁(?:来)?(?:负责|牵头|主管|承担|主抓|落实)|由谁(?:来)?(?:负责|牵头|承担|主管)|归谁管|谁来管|哪(?:个|些)部门管|哪(?:个|些|一)?(?:单位|部门|机构)(?:来)?(?:负责|牵头|承担|主管|落实|参与|参加)|"
        r"(?:哪(?:个|些|几个)|什么)(?:单位|部门|机构)的(?:责任|职责|事)|"
        r"牵头单位|责任单位|协同单位|配合单位|牵头部门|责任部门|主管部门|负责单位|负责部门",
        "江西建立人口基础数据库由谁负责？",
        "asks who is responsible for a task: the units of the clause's duty annotation answer",
    ),
    Asking(
        "body",
        r"哪(?:个|些|一个|级|一级)?(?:部门|机关|政府)|什么(?:部门|机关)|(?:由|经|报)哪(?:个|些|家)(?:单位|机构)",
        "转制后的企业名称要保留“中华”字样，需要经哪个部门批准？",
        "asks which body does something: the answer's sentence must name one, not 有关部门",
    ),
    Asking(
        "list",
        r"哪些|哪几|分别|有几|几项|几个|列举|包括什么|包括哪|都有什么",
        "《工伤保险条例》规定了哪些工伤情形？",
        "asks for a list: every item of the clause is wanted, not one sentence",
    ),
    Asking(
        "compare",
        r"分别|各是|各有|各自|各(?:用|提|定|讲|写|做|采取|安排|规定|怎么|如何)|两地|两边|对比|比较|相比|区别|异同|不同|"
        r"和.{1,6}(?:一样|相同)|都(?:提到|提出|提了|有|要求|规定|写|讲|涉及|部署|安排)|都[^，。？]{0,3}?(?:哪些|什么)",
        "江西和南昌对数据安全分别提了什么要求？",
        "with two places named, asks to compare them: each side is answered from its own documents",
    ),
    Asking(
        "meta:field",
        _META_FIELD,
        "《工伤保险条例》是什么时候发布的？",
        "names a field of a document's metadata (with a word naming the document, a metadata question)",
    ),
    # --- the kind of answer a question wants (qa/question/query.py ANSWER_TYPES, tried in this order);
    # the answer sentence must contain one ---
    Asking(
        "wants:phone",
        r"(?:哪个|什么|啥|几号)(?:电话|号码|热线)|(?:电话|热线|号码)(?:是|号码是)?多少|打(?:哪个|什么|啥)",
        "燃气漏气要报修，该打哪个电话？",
        "wants a telephone number (a hotline such as 12345, or a full number)",
    ),
    Asking(
        "wants:money",
        r"多少(?:钱|资金|经费|预算|投资|元|万元|亿元)|多少亿|"
        r"(?:资金|经费|预算|投资|投入|补贴|补助|奖补|奖励|贷款|额度|工资|收费|费用)[^，。？?]{0,8}(?:多少|几)|"
        r"多少[^，。？?]{0,6}(?:资金|经费|预算|投资|投入|补贴|补助)",
        "一次性伤残补助金是多少钱？",
        "wants an amount of money",
    ),
    Asking(
        "wants:age",
        r"(?:年龄|岁数|年纪)[^，。？?]{0,6}(?:要求|限制|条件|规定|上限|下限)|多大年纪",
        "延续护理待遇对参保人年龄有什么要求？",
        "wants an age (年满60周岁, 未满35周岁, 退休年龄)",
    ),
    Asking(
        "wants:degree",
        r"(?:学历|文凭|学位)[^，。？?]{0,6}(?:要求|限制|条件|规定|门槛)|(?:什么|哪种|何种|啥)(?:学历|文凭|学位)",
        "申请入户对学历有什么要求？",
        "wants a level of schooling (本科及以上学历, 硕士学位, 高中)",
    ),
    Asking(
        "wants:quantity",
        r"多少|(?<!哪)几(?:个|项|家|所|条|类|级|成|倍|万|亿|次|天)|(?:比例|比率|占比)(?![^？?]*谁)|百分之|多大(?:面积|规模|比重|权重|容量)|占多大|多长|多久|多远"
        r"|(?:规模|面积|金额|数额|总额|容量|额度)(?:有|是)?多大",
        "南昌要建多少个5G基站？",
        "wants a figure: a count, a share, a size or a length (a share asked of by who sets it, 比例由谁规定, is not)",
    ),
    Asking(
        "wants:time",
        r"哪一?年|哪天|哪一天|什么时候|什么时间|何时|几月|几号|时间表|截止",
        "南昌城市大脑哪一年建成？",
        "wants a time or a date",
    ),
    Asking(
        "wants:place",
        r"哪个(?:城市|区|县|市|省|地区|园区)|哪(?:几个|些)(?:城市|区县|县|地区|地市|园区)|哪座城市|选址|建在哪",
        "数据灾备中心建在哪个城市？",
        "wants a place",
    ),
    Asking(
        "wants:company",
        r"哪家(?:企业|公司|单位|银行|机构)|哪个(?:企业|公司|集团)",
        "赣政通由哪家公司运营？",
        "wants a company or another body by name",
    ),
    Asking(
        "wants:institution",
        r"哪(?:所|家|个)(?:高校|大学|学校|院校|医院|科研院所|研究院|研究所|实验室)",
        "联合实验室依托哪所高校建设？",
        "wants a named university, hospital or laboratory",
    ),
    Asking(
        "wants:rank",
        r"什么级别|哪个级别|哪一级|什么职级|什么层级",
        "首席数据官由什么级别的领导担任？",
        "wants a rank",
    ),
    Asking(
        "wants:papers",
        r"(?:什么|哪些|啥)(?:材料|证件|证明|资料|(?:资格)?证书)|带(?:什么|啥|哪些)|准备(?:什么|啥|哪些)",
        "申请工伤认定要准备什么材料？",
        "wants the papers to bring (换证要准备什么材料, 需要带哪些证件)",
    ),
    Asking(
        "wants:office",
        r"(?:去|到|在|找|向)(?:哪里|哪儿|哪|什么地方)(?:办|申请|交|缴|领|做|报|登记|鉴定|认证|预约|咨询|投诉|举报|查询)|找哪个部门|去哪个部门",
        "残疾证去哪里办？",
        "wants where to go or whom to ask (去哪里办, 在哪儿申请, 找哪个部门)",
    ),
    Asking(
        "wants:person",
        r"(?:局长|厅长|主任|书记|省长|市长|组长|负责人|主编|院长|部长|主席|处长|首席[^，。？]{0,4}官)(?:委员|助理)?(?:是谁|是哪位|叫什么)|"
        r"(?:是谁|哪位).{0,6}(?:局长|厅长|主任|书记|省长|市长|负责人)|姓名|叫什么名字|"
        r"由(?:哪位|谁)(?:来)?担任|哪位(?:省|市)?(?:领导|同志)|谁(?:来)?担任",
        "领导小组的组长是谁？",
        "wants a person: a name, or the holder of a post",
    ),
    Asking(
        "wants:penalty",
        r"(?:什么|哪些|何种|啥|怎样的?|怎么样的)(?:样的)?(?:行政)?(?:处罚|惩罚|罚则|法律责任|处分)"
        r"|(?:怎么|怎样|如何)(?:被)?(?:处罚|罚)(?![款金])|罚不罚|(?:受到|被)(?:处罚|罚款)",
        "专利代理机构接受有利益冲突的委托，会受到什么处罚？",
        "wants a sanction (罚款, 警告, 责令改正, 吊销…), which a list's lead-in may state for each of its items",
    ),
    # --- how a question counts and what part of it asks (qa/question/query.py) ---
    Asking(
        "count-then-list",
        r"(?:几|多少)(?:个|项|家|条|类|种|大)[^。]{0,16}?(?:分别(?:是|有|为)|有哪些|是哪些|都是什么|都有什么|包括哪些|是什么)",
        "江西要建几个基础数据库？分别是什么？",
        "asks how many things and what they are: the list answers both, no figure need be written",
    ),
    Asking(
        "counted",
        r"(?:多少|(?<![好十数这那近前])几)(?:个)?(?:工作日|天|年|周岁|岁|小时|分钟|次|项|倍|层|级|套|平方米|公里|户|人|名)"
        r"|(?:多少|(?<![好十数这那近前])几)个月|多少日",
        "工伤认定申请应当在多少天内提出？",
        "asks a count in a unit that is not money (多少天内, 几个月工资), whatever money word it also names",
    ),
    Asking(
        "yes-no-end",
        r"[，,]([^，,？?]*?)(?:吗|么|不|没有|没)[？?]?\s*$",
        "我手里有几项专利，想拿来作价入股，政策上允许吗？",
        "the question ends by asking yes or no: what comes before tells the asker's situation, it asks nothing",
    ),
    Asking(
        "asking-word",
        r"什么|多少|哪|几|谁|如何|怎么|怎样|何时|多久|多长|多大",
        "工伤认定要多久？",
        "a question word: a yes-or-no last clause that has one is not the only part that asks",
    ),
    Asking(
        "follow-up",
        r"^(?:那|那么|还有|另外|再问|如果是)",
        "那南昌呢？",
        "a short question that starts so follows up the previous one",
    ),
    # --- what the evidence must show (qa/evidence/) ---
    Asking(
        "asked-unit",
        r"多少(?P<unit>个月|个工作日|个小时|工作日|个|项|家|名|人|元|万元|亿元|平方公里|公里|兆|倍|天|小时|分钟|次|户|台|座|套|年|周岁|岁|[A-Za-z]+(?:/[A-Za-z]+)?)"
        r"|(?<![哪第好十数这那近前])几(?P<few>个月|个工作日|个小时|个|项|家|名|条|类|大|次|批|种|所|座|台|户|年|天|周岁|岁)",
        "超算中心的算力规模是多少PFlops？",
        "asks a count in a unit (多少PB, 几项): the evidence needs a figure in that unit",
    ),
    Asking(
        "asked-span",
        r"多长时间|多久|多长(?![度米远])",
        "失能评估结论的有效期是多长时间？",
        "asks a span of time in no unit it names: the evidence needs one in some unit (2年, 6个月, 15个工作日)",
    ),
    Asking(
        "asks-force",
        r"施行|实施(?:日期|时间)|(?:起|开始)实施|生效|有效期|失效|废止|停止执行|不再执行|解释|为准|不一致|另有规定|衔接|过渡",
        "本办法与原有政策不一致的，以哪个为准？",
        "asks about a document's own force (when it takes effect, how long, what it repeals, who "
        "interprets it, which rule prevails): only then does a clause that says nothing else answer",
    ),
    Asking(
        "in-money",
        r"多少(?:钱|元|块|万|亿)|几(?:块|元|万元|亿元)|多少[^，。？?]{0,4}(?:元|块钱)",
        "一天最多给多少钱？",
        "asks an amount in money itself: a share (25%) does not answer it, as it answers 投资达到多少",
    ),
    Asking(
        "asks-share",
        r"(?:比例|比率|费率|利率|税率|占比|百分比|成数)(?:是|为|有|应|要|能|大概|一般|最高|最低)*(?:多少|几)",
        "广州住房公积金贷款最低首付比例是多少？",
        "asks a share or rate: a figure in % (or 成, 倍) answers it, not a count",
    ),
    Asking(
        "asks-day",
        r"哪一?天|几月几[日号]|几号|什么日期|具体日期|哪一日",
        "申报几月几号截止？",
        "asks for a day: the evidence needs a date, not only a year or a month",
    ),
    # --- which clauses and sentences answer (qa/answer) ---
    Asking(
        "modal",
        r"^(?:[不没][会能是要用有]|是不是|能不能|会不会)$",
        "能不能",
        "a token of a question (会不会, 能不能) that says nothing of its topic: not counted in the off-topic gate",
    ),
    Asking(
        "overview",
        r"目标|指标|原则|思路|指导思想|解读|总体|到20\d\d|20\d\d年",
        "江西到2025年数字政府建设的目标是什么？",
        "asks for goals or principles: a document's overview clauses may answer",
    ),
    Asking(
        "author:person",
        r"是谁|谁写|什么人|身份|职务|头衔|哪个单位|哪家单位|什么单位|在哪(?:里)?工作|简介|介绍",
        "那篇评论文章的作者是什么身份？",
        "with an author named (or 作者, 谁写), asks who the author is: the author line answers",
    ),
    Asking(
        "two-questions",
        r"什么|多少|哪些|哪个|哪里|哪家|哪所|哪一|几|如何|怎么|怎样|是否|谁|何时",
        "南昌城市大脑二期项目什么时候启动，什么时候全面建成？",
        "words that make a clause a question: two clauses joined by a comma, each with one, ask two things",
    ),
    Asking(
        "small-talk",
        r"^(?:你好|您好|嗨|hi|hello|在吗|谢谢|多谢|感谢|再见|你是谁|你能做什么|你会什么|你可以做什么|怎么用|如何使用|帮助|help)"
        r"[呀啊吗呢！!。.？? ]*$",
        "你好！",
        "a greeting, thanks or “what can you do”: answered with what the assistant does, not from the documents",
        re.IGNORECASE,
    ),
    # --- one kind of question each (qa/answer/kinds) ---
    Asking(
        "article",
        r"第[（(]?([一二三四五六七八九十百零〇两\d]{1,6})[）)]?(条|项)(?:第([一二三四五六七八九十\d]{1,3})款)?",
        "《工伤保险条例》第十四条是怎么规定的？",
        "asks for an article by its number (第十四条, 第14条, 第十四条第二款), or a measure (第（二十三）条, 第（十）项)",
    ),
    Asking(
        "article:generic",
        r"规定|怎么|怎样|如何|什么|哪些|哪几|是否|有没有|内容|讲了|说了|要求|对|的|是|了|吗|呢|有",
        "《工伤保险条例》第十四条讲了什么？",
        "words of a question about an article that do not say what in it is asked",
    ),
    Asking(
        "article:item",
        r"第([一二三四五六七八九十\d]{1,3})项",
        "《工伤保险条例》第十四条第一项是什么？",
        "asks for one 项 of an article by its number",
    ),
    Asking(
        "duty:split",
        r"[，,]?(?:分别|各自)?(?:由谁|是谁|由哪些|由哪个|归谁|谁来|谁)|[，,]?(?:分别|各自)?的?(?:牵头单位|责任单位)",
        "江西建立人口基础数据库和法人基础数据库分别由谁负责？",
        "where a duty question about several tasks starts asking who: what comes before are the tasks",
    ),
    Asking(
        "duty:responsible",
        r"牵头|负责|责任",
        "智慧城市建设由哪个部门牵头？",
        "asks who leads or is responsible, which a list of tasks does not answer",
    ),
    Asking(
        "library:newest",
        r"哪(?:份|个|篇)(?:文件|文档|政策)?(?:最新|最近|最晚)|最(?:新|近)的(?:文件|一份|是哪)",
        "哪份文件最新？",
        "asks which document of the library is the newest",
    ),
    Asking(
        "library:oldest",
        r"哪(?:份|个|篇)(?:文件|文档|政策)?最早|最早的(?:文件|一份|是哪)",
        "哪份文件最早？",
        "asks which document of the library is the oldest",
    ),
    Asking(
        "library:files",
        r"(?:文库|资料库|库里|系统里|你们|这里|现在)[^，。？]{0,6}(?:有|收录了?|包括)(?:哪些|几份|多少份?|什么)(?:文件|政策|文档|资料)"
        r"|(?:一共|总共|共)(?:有|收录了?)?(?:几|多少)份(?:文件|政策|文档)",
        "文库里有哪些文件？",
        "asks what documents the library holds",
    ),
    Asking(
        "which-docs",
        r"哪(?:个|份|些|几份|几个|一份)(?:文件|文档|政策|材料)[^，。？]{0,4}?(?:提到|提出|说到|讲到|涉及|写到|提及|出现)(?:了|过)?"
        r"[“「]?([^，。？”」]{2,16}?)[”」]?(?:吗|呢)?[？?。]?$",
        "哪些文件提到了“工伤认定”？",
        "asks which documents say a term (group 1): each is answered with the first clause that says it",
    ),
    Asking(
        "meta:words",
        _META_FIELD
        + r"|文件|意见|方案|通知|文章|评论|网页|这份|该文|此文|那篇|哪篇|是什么|哪个|哪份|谁|签发|写的|哪个?月|几月|[发出]的"
        + r"|现行|开始(?=施行|生效|实施)",
        "《工伤保险条例》的文号是什么？",
        "the words of a metadata question (field words, words naming a document): what remains is its content",
    ),
    Asking(
        "meta:order",
        _ORDER,
        "《工伤保险条例》是以哪一号国务院令公布的？",
        "asks for the order that published a regulation: the line of its opening that states it",
    ),
    Asking(
        "meta:meeting",
        _MEETING,
        "《山东省民营经济发展促进条例》是由哪次会议通过的？",
        "asks for the meeting that adopted (or revised) a document: the line of its opening that states it",
    ),
    Asking(
        "definition",
        r"(?:所称|所说|所指)的?(?P<named>[^，。？、《》“”]{2,20}?)(?:是|，)?(?:指|包括)"
        r"|(?P<term>[^，。？、《》“”的]{2,16}?)(?:是|，)?指(?:的是)?(?:什么|哪些|哪几|哪类|何)"
        r"|什么(?:是|叫)(?P<what>[^，。？、《》“”]{2,16}?)[？?]",
        "汽车三包规定所称的家用汽车产品指哪些车？",
        "asks what a term means: the sentence of a document that defines it (本规定所称X，是指…; X，指…)",
    ),
    Asking(
        "meta:repealed",
        _REPEALED,
        "《家用汽车产品修理更换退货责任规定》施行后，哪部旧规定同时废止？",
        "asks what a document repeals: the sentence of it that says so (…同时废止)",
    ),
    Asking(
        "meta:issued",
        r"印发|发布|出台|发文|成文|公布|发表|刊登|刊发|落款|签发|制定|写的|写于",
        "《工伤保险条例》是哪天发布的？",
        "asks for a document's own date: it was issued (印发), not something it plans starts (实行)",
    ),
    Asking(
        "meta:issued-by",
        _ISSUED_BY,
        "这份预案是哪个部门发的？",
        "asks who issued a document in everyday words: its issuer (发文机关) answers",
    ),
    Asking(
        "outline:parts",
        _DOC_WORD + r"(?:的|一共|共|总共|正文)*(?:分(?:为|成)?|有|包括|包含)?(?:几|多少|哪几|哪些)个?(?:部分|章节|板块)"
        r"|" + _DOC_WORD + r"的?(?:目录|提纲|大纲|篇章结构|主要内容|要点|概要)"
        r"|(?:总结|概括|介绍)(?:一下)?[^，。？]{0,16}"
        + _DOC_WORD
        + r"|"
        + _DOC_WORD
        + r"(?:都|主要)?(?:讲了|讲的|说了|写了)(?:些)?(?:什么|啥)",
        "南昌方案分几个部分？",
        "asks for a document's outline: its parts, read from the clause tree",
    ),
    Asking(
        "outline:section",
        r"(主要任务|重点任务|保障措施|总体要求|工作目标|主要目标|发展目标|总体思路|基本原则|组织保障)"
        r"(?:都|分别|主要)?(?:有哪些|包括哪些|包括什么|是哪些|有几|有多少|分哪几)",
        "南昌方案的主要任务有哪些？",
        "asks for the items of one section, by the words of its heading (是什么 asks for its content)",
    ),
    Asking(
        "outline:nth",
        r"(?:第([一二三四五六七八九十\d]{1,3})|(最后))一?个?(?:部分|小标题|大标题|章节|板块)"
        r"(?:的)?(?:主要)?(?:讲|说|写|谈|是|叫|内容|标题|题目|关于)[^，。？]{0,4}(?:什么|啥|哪)",
        "这篇文章第三部分讲什么？",
        "asks for one part of a document, by its place (第三部分, 最后一部分)",
    ),
    Asking(
        "parts:who",
        r"(?:由|归|是)?(?:谁|哪个|哪些|哪家|哪几个)|(?:的)?(?:牵头|责任)单位",
        "2025年智慧城市要达到什么目标？由谁负责？",
        "where a part asking who is responsible starts asking: what comes before is the task",
    ),
    Asking(
        "reverse:role-asked",
        r"哪(?:项|些|几项|个)(?:是|为|属于)(?:牵头|责任|协同)|其中|(?:牵头|责任|协同)(?:单位)?还是",
        "南昌市数据局负责哪些任务？哪项是牵头？",
        "a question about all a unit's tasks that asks which role each is: the answer says, no role is picked",
    ),
)

#: Each row's pattern, compiled, by name.
ASKS: dict[str, re.Pattern] = {a.name: re.compile(a.pattern, a.flags) for a in TABLE}
