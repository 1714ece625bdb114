"""Every sentence a user reads, in one place: answers, abstentions, the CLI, Telegram, the scorecard and its chart.

Each text is a named template filled with str.format; the code builds the data and picks the template. Cue words
that recognise report and question wording live in index/vocabulary.py instead; this module only says things.
A test (tests/bot/test_texts.py) fails when a Chinese text is written in any other module.
"""
from __future__ import annotations

from minsheng.index.kinds import Field, Status

# --- pieces shared by many texts ------------------------------------------------------------------------------------

# What separates the members of a list in a sentence.
LIST_JOIN = "、"
CLAUSE_JOIN = "；"
COMMA_JOIN = "，"
QUOTED = "“{text}”"
TITLE = "《{title}》"
ITEM = "第{item}项"
PLACE_PERIOD = "{place}（{period}）"
# A name with what places it ("城关区（兰州市）", "大兴区（北京市，2024年一季度）").
NAME_WITH = "{name}（{detail}）"
SENTENCE = "{text}。"
PARENTHESES = "（{text}）"

# --- fields and statuses ----------------------------------------------------------------------------------------------

# A field's name in an answer ("牵头单位：…", "报告没有写存在的问题").
FIELD_NAMES: dict[Field, str] = {
    Field.TASK: "任务目标",
    Field.LEAD: "牵头单位",
    Field.UNITS: "配合单位",
    Field.LEADER: "分管领导",
    Field.PROGRESS: "进展",
    Field.PROBLEMS: "存在的问题",
    Field.PLAN: "下一步计划",
}
# A field's short label in `minsheng records`.
FIELD_SHORT: dict[Field, str] = {
    Field.TASK: "任务",
    Field.LEAD: "牵头",
    Field.UNITS: "配合",
    Field.LEADER: "领导",
    Field.PROGRESS: "进展",
    Field.PROBLEMS: "问题",
    Field.PLAN: "计划",
}
# The verdict that answers 完成了吗.
STATUS_VERDICTS: dict[Status, str] = {
    Status.COMPLETED: "已完成",
    Status.ON_TRACK: "正在推进，报告未说已全部完成",
    Status.BEHIND: "进度滞后",
    Status.NOT_STARTED: "尚未启动",
    Status.UNKNOWN: "报告未说明是否完成",
}
# The verdict that answers 落后了吗.
LAG_VERDICTS: dict[Status, str] = {
    Status.COMPLETED: "没有落后：已完成",
    Status.ON_TRACK: "报告未说滞后：正在推进",
    Status.BEHIND: "是，进度滞后",
    Status.NOT_STARTED: "尚未启动",
    Status.UNKNOWN: "报告未说明进度是否滞后",
}
# A status as a list heading on a scorecard, its chart and its answers.
STATUS_NAMES: dict[Status, str] = {
    Status.COMPLETED: "已完成",
    Status.ON_TRACK: "正在推进",
    Status.BEHIND: "滞后",
    Status.NOT_STARTED: "未启动",
    Status.UNKNOWN: "未说明进度",
}
# A status's short label in `minsheng records` (a record whose text says nothing of it: 未提及).
STATUS_SHORT: dict[Status, str] = {**STATUS_NAMES, Status.UNKNOWN: "未提及"}

# --- what the index covers ------------------------------------------------------------------------------------------

PROVINCE_NOT_SETTLED = "省份未定"
PROVINCE_GROUP = "{province}：{places}"
PLACE_OPEN = "{place}（"
NO_PLACE_GROUP = "未注明地区：{reports}"

# --- an answer quoting records ----------------------------------------------------------------------------------------

# Where a quote comes from, then the quote; the answer's first line is split here again to find its figure.
QUOTE_SEP = "："
QUOTE_LINE = "{where}" + QUOTE_SEP + "{text}"
FIELD_LINE = "{field}：{value}"
TARGET_LINE = "目标：{target}"
SEE_ALSO_ITEM = "另见{where}第{item}项：{text}"
SEE_ALSO = "另见{where}：{text}"
# The same project's figure in the previous report of its series, after the quoted one.
EARLIER_FIGURE = "（{period}：{figure}）"
FIELD_WRITTEN = "报告写明{field}：{text}"
FIELD_NOT_WRITTEN = "报告没有写{field}"
PLAN_IN_PROGRESS = "报告没有单列下一步计划，进展中写到：{text}"
LATEST_PROGRESS = "{missing}。最新进展：{progress}"
BY_HEADER = "按表头：{groups}"
# A measure of a figures table with its labelled figures ("城镇新增就业(人)：目标任务1900，进度3029").
MEASURE_LINE = "{measure}：{figures}"
HEADER_LINE = "（表头：{header}）"
LIST_LINE = "· {head}：{text}"
LIST_LINE_BARE = "· {text}"
MORE_RECORDS = "其他相关记录："
NO_MORE_RECORDS = "没有更多相关记录了。"
UNIT_PROJECTS = "{units}牵头的项目（{count}项）："
OVERVIEW_HEAD = "{places}各项目的{field}（{count}项）："
PLACES_WITH_TOPIC = "有相关内容的地区（{count}个）：{places}"
COMPARE_NOTHING = "{place}：收录的报告里没有找到这方面的内容。"
REPORT_PERIOD_LINE = "{place}：《{title}》{covers}。"
REPORT_PERIOD_HELD = "，统计时段：{period}"
REPORT_PERIOD_NONE = "，报告未写明统计时段"
A_REPORT = "报告"
# A project across the reports of its series.
NO_EARLIER = "（收录的报告里找不到这个项目更早一期的进展，以下是现有的内容。）\n{text}"
CHANGE_FIRST = "{before_period} {before} → {after_period} {after}"
CHANGE_STEP = "{before_period} {before}"
CHANGES_LINE = "变化：{changes}"

# --- a place's projects as a whole, and over time --------------------------------------------------------------------

OTHER_PLACES_SILENT = "其余{count}个地方（{places}{etc}）的最新报告没有写明{asked}的项目。"
ETC = "等"
PROJECTS = "项目"
MORE_PLACES = "（另有{count}个地方的报告，可指定地区再问。）"
BEHIND_FIRST = "各地最新报告，滞后项目多的在前："
CARD_HEADING = "{place}{issuer}（{period}）"
CARD_HEADING_BARE = "{place}{issuer}"
COUNTED_PART = "{status}{count}项"
COUNTED_LINE = "按报告逐项统计（据各项的进展文字）：共{total}项，{parts}。"
STATUS_LIST_HEAD = "{heading}{asked}的项目："
REPORT_SAYS = "报告原文：“{sentence}”"
STATUS_ITEMS = "{status}（{count}项）：{items}{more}"
MORE_ITEMS = " 等{count}项"
# The phrase of the report a project's status comes from, after its name; a long one is cut.
EVIDENCE = "（报告：{phrase}）"
CUT = "…"
NONE_OF_STATUS = "{heading}的报告里没有写明{asked}的项目。"
STATUS_JUDGED = "（状态按报告列出的名单和各项的进展文字判断。）"
HEADING_REPORT_SAYS = "{heading}报告原文：“{sentence}”"
NO_TOTAL_COUNTED_STATUSES = "{heading}：报告没有写总数。按报告逐项统计，{statuses}{count}项（共{total}项，据各项的进展文字判断）。"
NO_TOTAL = "{heading}：报告没有写总数。{counted}"
NO_COUNT_NO_LIST = "{heading}的报告没有写项目总数，也没有逐项列出项目。"
CARD_TITLE = "{heading}《{title}》"
BEHIND_OR_NOT_STARTED = "滞后或未启动：{items}{more}"
NO_SUMMARY = "报告没有总体的说法，也没有逐项列出项目。"
COUNT_MOVED = "{status} {before}项 → {after}项"
COUNTS_SINCE = "与上一期（{period}）相比（逐项统计）：{moved}。"
ITEM_MOVED = "{item}{name}{before} → {after}"
# After a moved project's name (a change without a name or number, the report's overall count, has none).
ITEM_MOVED_NAMED = "{name}："
ITEM_PREFIX = "第{item}项 "
ITEMS_SINCE = "与上一期（{period}）相比有变化的项目：{items}{more}"
PREVIOUS_SAYS = "上一期（{period}）报告原文：“{sentence}”"
PREVIOUS_HELD = "上一期（{period}）的报告也已收录。"

# --- caveats and abstentions ---------------------------------------------------------------------------------------

UNCOVERED_CAVEAT = "（没有收录{uncovered}的报告，以下是{places}的内容。）"
INSIDE_MISSING_CAVEAT = "（{reports}的报告里没有单独写{missing}的这项内容，以下是{reports}的内容。）"
INSIDE_CAVEAT = "{reports}的报告中关于{inside}："
PERIOD_CAVEAT = "（没有{periods}的报告，以下是{held}的内容。）"
MEANING_CAVEAT = "（报告里没有问题中的说法，以下是意思最接近的内容。）"
EXISTING_REPORTS = "现有报告"
EMPTY_INDEX = "索引里还没有任何报告。把报告文件放进语料目录后运行 `minsheng index`。"
NOT_COVERED = "收录的报告里没有{places}的内容。"
NEARBY = "附近收录的有：{places}。"
INSIDE_NOT_FOUND = "{reports}的报告提到了{inside}，但没有找到{inside}“{topic}”的内容。"
TOPIC_NOT_FOUND = "{places}的报告里没有找到“{topic}”的内容。"
NOT_ANSWERABLE = ("这个问题在收录的民生实事报告里找不到答案。我能回答各地民生实事项目（学校、养老、旧房改造、公交、"
                  "充电设施等）的任务目标、进展、存在问题和下一步计划。")
COVERED_NOW = "目前收录：{covered}。"
# After a refusal: the places near what was asked (or a few) and the count, not every place.
COVERED_NEAR = "相关的已收录地方：{places}。共收录{regions}个地方的{reports}份报告（问“你能做什么”可看全部）。"
COVERED_COUNT = "共收录{regions}个地方的{reports}份报告（问“你能做什么”可看全部）。"
COVERED_SOME = "共收录{regions}个地方的{reports}份报告，如{places}（问“你能做什么”可看全部）。"
ASK_LIKE = "可以这样问：{questions}"

# --- greetings and other languages ---------------------------------------------------------------------------------

HELLO = "你好！"
INTRODUCTION = ("你好！我根据各地政府公开的民生实事报告，回答项目的任务目标、进展、存在问题和下一步计划，"
                "引用报告原文并注明出处；报告里没有的，我会直说。")
ENGLISH_EMPTY = "I answer questions in Chinese about local governments' 民生实事 reports, but none are indexed yet."
ENGLISH_INTRO = "I answer questions in Chinese about the 民生实事 (livelihood projects) reports of {places}{example}"
ENGLISH_MORE_PLACES = " and {count} more places"
ENGLISH_EXAMPLE = "; for example: {question}"

# --- bot lists: start, help, regions, reports, stats (Telegram HTML) -----------------------------------------------

START_TITLE = "<b>民生实事问答</b>"
START_ABOUT = ("我根据各地政府公开的民生实事项目和进展报告回答问题：任务目标、进展、存在问题、下一步计划，"
               "回答引用报告原文并注明出处；报告里没有的，我会直说。")
START_COVERED = "目前收录 {count} 份报告：{covered}"
START_NOTHING_COVERED = "（还没有）"
# How to ask: in a group the bot hears only /ask and mentions; in a private chat every message is a question.
START_HOW_GROUP = "在群里请用 /ask 问题，或 @我 提问。"
START_HOW_PRIVATE = "直接发问题就行，也可以追问，比如“那……呢？”“它的问题是什么？”。"
FOR_EXAMPLE = "例如："
START_COMMANDS = "命令：/summary 地区 进展汇总和图表 · /help 帮助 · /regions 收录地区 · /reports 报告列表 · /stats 使用统计"
HOW_TO_ASK = "\n".join([
    "<b>怎么问</b>",
    "· 进展：地区＋项目＋“进展”",
    "· 数字：“…建了多少个”“…完成了多少”",
    "· 是否完成、是否落后：“…完成了吗”“…落后了吗”",
    "· 整体情况：“…民生实事总体进展怎么样”“哪些项目滞后”“A和B哪个完成得多”",
    "· 问题和计划：“…存在什么问题”“…下个月计划做什么”",
    "· 某单位的项目：“…局负责哪些项目”",
    "· 比较：“A和B的…分别进展如何”；“哪些地区有…”",
    "· 追问：“那……呢？”“它的问题是什么？”“下个月呢？”；发“新话题”重新开始",
    "",
    "<b>命令</b>",
    "/ask 问题 — 提问（群里用）",
    "/summary 地区 — 一个地区的项目完成情况（已完成、正在推进、滞后）和图表；不写地区就从按钮里选",
    "/regions — 收录的地区和报告期",
    "/reports — 收录的报告",
    "/stats — 使用统计",
    "/reindex — 重新索引报告（仅管理员）",
])
EXAMPLES_INLINE = "例如：{questions}"
NO_REPORTS_YET = "还没有收录任何报告。"
REGIONS_HEAD = "<b>收录的地区</b>（{count}个）"
PROVINCE_UNKNOWN = "未定省份"
REGION_LINE = "· {place}：{periods}（{reports}份报告）"
PERIOD_NOT_STATED = "报告期未注明"
UNPLACED_HEAD = "<b>没有写明地区的报告</b>（{count}份）"
UNPLACED_LINE = "· 《{title}》：{periods}"
REPORTS_HEAD = "<b>收录的报告</b>（{count}份）"
RECORD_COUNT = "{count}条"
SAME_REPORT_FILES = "；同一份报告的其他文件：{names}"
REPORT_LINE = "· {title}（{facts}）"
STATS_HEAD = "<b>使用统计</b>"
STATS_USAGE = "运行 {hours:.1f} 小时，回答 {questions} 个问题（其中 {abstained} 个报告里没有答案），限流 {limited} 次"
STATS_LATENCY = "回答用时中位数 {median:.2f} 秒"
STATS_INDEX = "索引：{reports} 份报告，{regions} 个地区，{records} 条记录"

# --- Telegram ------------------------------------------------------------------------------------------------------

# The bot's command menu, by command.
COMMAND_DESCRIPTIONS: dict[str, str] = {
    "start": "这是什么，收录了什么",
    "help": "怎么提问",
    "ask": "提问（群里用）：/ask 问题",
    "regions": "收录的地区和报告期",
    "reports": "收录的报告",
    "summary": "某地总体进展和图表：/summary 大兴区",
    "stats": "使用统计",
    "reindex": "重新索引报告（管理员）",
    "add": "按网址添加报告（管理员）：/add 网址",
    "follow": "关注某地，有新报告时通知：/follow 大兴区",
    "following": "正在关注的地方",
    "unfollow": "取消关注：/unfollow 大兴区",
}
# Said after 新话题 in a chat and on the command line.
RESET_DONE = "好的，换个话题。"
CHART_NOT_DRAWN = "（图表未生成：{reason}）"
FULL_TEXT_REINDEXED = "（报告已重新索引。以下是这条回答所依据的原文，重新提问可看到最新内容。）"
NO_FULL_TEXT = "没有可显示的原文。"
REINDEX_BUSY = "已经在重新索引了，请稍候。"
REINDEX_DONE = ("重新索引完成（{seconds:.1f} 秒）：新增 {added}，更新 {updated}，删除 {removed}，失败 {failed}，"
                "未变 {unchanged}；共 {records} 条记录。")
REINDEX_FILE_LINE = "· {change} {name}"
REINDEX_ADDED = "新增"
REINDEX_UPDATED = "更新"
REINDEX_REMOVED = "删除"
REINDEX_FAILED = "失败"
REINDEX_ADMINS_ONLY = "只有管理员可以重新索引。"
REINDEX_STARTED = "开始重新索引…"
SUMMARY_NEEDS_PLACE = "请在 /summary 后面写上地区，例如：/summary 大兴区"
SUMMARY_PICK_PLACE = "要看哪个地区的民生实事完成情况？点一下地区（也可以写 /summary 地区）："
ASK_NEEDS_QUESTION = "请在 /ask 后面写上问题。"
ASK_NEEDS_QUESTION_EXAMPLE = "请在 /ask 后面写上问题，例如：/ask {question}"
BUTTON_EXPIRED = "这个按钮已经过期，请重新提问。"
HANDLER_FAILED = "抱歉，处理这个问题时出错了，请稍后再试。"
QUESTION_TOO_LONG = "问题太长了（{length}字）。请用一两句话提问，不超过{limit}字。"
RATE_LIMITED = "提问有点频繁，请{seconds}秒后再问。"
CHAT_NOT_ALLOWED = "这个机器人只在指定的会话里回答问题。"
BUTTON_MORE = "更多结果"
BUTTON_FULL = "完整原文"
TOKEN_MISSING = "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and export its token"
# In place of a sentence of a record addressed to a language model, in the records the model is shown.
INSTRUCTION_LEFT_OUT = "（此处一段对模型的指令已略去）"
WEBHOOK_URL_MISSING = "config.toml [telegram] mode = \"webhook\" needs webhook_url"
WEBHOOK_SECRET_GENERATED = ("TELEGRAM_WEBHOOK_SECRET is not set: this run uses a secret of its own, given to Telegram "
                            "with setWebhook (set the variable to keep one across restarts, e.g. for a proxy that "
                            "checks it)")

# --- the sources under an answer --------------------------------------------------------------------------------------

SOURCES_HEAD = "来源："
SOURCES_HEAD_TRADITIONAL = "來源："
SOURCES_HEAD_HTML = "<b>来源</b>"
SOURCES_HEAD_HTML_TRADITIONAL = "<b>來源</b>"
# An `ask --json` source: the record's relabelled fields, then the report's own wording for checking.
SOURCE_WITH_ORIGINAL = "{text}\n原文: {original}"

# --- the scorecard and its chart --------------------------------------------------------------------------------------

# After the refusal of a summary of a place not covered (no full stop, unlike COVERED_NOW).
COVERED_SO_FAR = "目前收录：{covered}"
NO_REPORTS_INDEXED = "索引里还没有任何报告。"
NO_PLACE_GIVEN = "（空）"
NOTHING_TO_SUMMARIZE = "{places}没有可以汇总的报告。"
PERIOD_NOT_UNDERSTOOD = "看不出“{period}”是哪个时期：请写成 2024年一季度、上半年、1-9月 或 2023年 这样。"
NO_REPORT_OF_PERIOD = "{places}没有{period}的报告；已收录的时期：{periods}。"
# Where the chart's counts come from.
CHART_FROM_REPORT = "报告原文的统计"
CHART_COUNTED = "按报告逐项统计"
CHART_AXIS = "项目数（{how}）"
CHART_TITLE = "{place}{issuer} {period} 民生实事进展"
# Places' cards compared, before the cards themselves.
SIDE_BY_SIDE = "并列对照：{parts}。"
SIDE_PART = "{heading}已完成{done}/{total}项（{share}%，{how}）"
PERIODS_DIFFER = "各报告的时期不同，完成多少只能对照，不能直接相比。"
CHART_TOTAL = "共{total}项 · 已完成{done}项（{share}%）"
CHART_BEHIND = "滞后或未启动：{items}{more}"
CHART_SHARES = "各项目完成目标的比例（报告所列）"
CHART_FOOTER = "来源：《{title}》（{source}）· {period}"
CHART_FONT_MISSING = "{path}: the font file set in config.toml [chart] font does not exist"
CHART_NO_FONT = ("no font with Chinese characters for the chart: install pylopdf-fonts-zh-cn "
                 "(bash scripts/setup.sh does) or set [chart] font in config.toml to a .otf/.ttf/.ttc file")
CHART_NOTHING_TO_COUNT = "{source}: the report lists no projects to count"
CHART_NOT_WRITABLE = "{path}: the chart cannot be written there ({reason})"

# --- the command line ---------------------------------------------------------------------------------------------

CLI_DESCRIPTION = "民生实事 reports: parse, index and answer questions."
# Help of each subcommand and option, by "command", "command option" or (the program's own) "option".
CLI_HELP: dict[str, str] = {
    "--config": "config file (default: config.toml)",
    "records": "show what the parser makes of a report file (or of every corpus file)",
    "records file": "a report file (with --check, a file or a directory); without it, the corpus",
    "records --json": "print one JSON object instead of text",
    "records --check": "one line per file: place, year, period, records, share of text in records, warnings",
    "index": "index the corpus: new files added, changed replaced, removed deleted",
    "index --full": "rebuild everything from scratch",
    "index --json": "end with one JSON line describing the run",
    "index --wait": "when another build is running, wait this long for it (default: [index] lock_wait)",
    "add": "add reports by link or file: save them into the corpus, index them, say what was read and changed",
    "add sources": "http(s) links to report pages or files, or report files on this machine",
    "ask": "answer a question from the indexed reports",
    "ask question": 'the question, or "-" to read one question a line from standard input',
    "ask --k": "how many sources to return (default: config.toml)",
    "ask --json": "print one JSON object a line",
    "chat": "an interactive conversation with follow-up questions",
    "serve": "run the Telegram bot (token from TELEGRAM_BOT_TOKEN)",
    "watch": "watch the corpus directory and re-index when reports arrive or change",
    "bench": "index a synthetic corpus of N districts; ours vs a plain dense pipeline",
    "bench --sizes": "numbers of synthetic districts (default 10,100)",
    "bench --large": "also run 1,000 districts (long)",
    "bench --workdir": "where corpora and indexes go",
    "bench --hostile": "instead: index the corpus with hostile files (zip bombs, huge texts, odd names) in a fresh "
                       "process; its time, peak memory and refusals",
    "summary": "a place's scorecard: projects by status, the behind ones, the change",
    "summary place": "a covered place, e.g. 大兴区",
    "summary --json": "print the scorecards as JSON",
    "summary --chart": "also draw the bar chart of the latest report into this PNG file",
    "summary --period": "an earlier report's card: the period it covers (2024年一季度, 上半年, 2023年)",
    "eval": "score a question file (see the eval README) beside plain BM25 and dense",
    "eval file": "a JSONL question file",
    "eval --no-baseline": "skip the plain BM25 and dense baselines",
    "eval --by-type": "also print our figures for each question type",
}
NOT_POSITIVE = "must be a whole number of at least 1, not {text!r}"
CLI_ERROR = "minsheng: error: {error}"
CLI_SAYS = "minsheng: {message}"
CLI_INTERRUPTED = "minsheng: interrupted"
ASK_EMPTY = 'minsheng: the question is empty; write it after ask, e.g. minsheng ask "某区养老服务进展"'
ASK_NO_QUESTIONS = ("minsheng: no questions on standard input; write one question per line, e.g. "
                    'echo "某区养老服务进展" | minsheng ask -')
MODEL_PREPARING = "preparing the embedding model for this machine (once: an int8 ONNX export, about 15 s)…"
CHART_WRITTEN = "图表：{path}"
CHART_NOT_DRAWN_CLI = "minsheng: the chart was not drawn: {reason}"
CHAT_INTRODUCTION = "民生实事问答。输入问题，追问可以说“那……呢？”“它的问题是什么？”；“新话题”清空上下文，“退出”结束。"
CHAT_PROMPT = "问> "
# `minsheng records` of one report.
RECORDS_MONTHS = "（{first}-{last}月）"
RECORDS_REPORT = "地区 {region} · {year}年 · {period}{months} · {source}"
RECORDS_PLACE = "位置 {place}"
RECORDS_NOTE = "⚠ {note}"
RECORDS_SHAPE = "形式 {shape} · {records} 条记录 · {leftover} 行未归入记录"
RECORDS_LEFTOVER_HEAD = "未归入记录的文字:"
RECORDS_LEFTOVER_LINE = "  {text}"
RECORD_RATIO = " ({ratio:.1%})"
RECORD_HEAD = "#{item} {section}"
RECORD_HEAD_LINE = "{head} [{status}{ratio}]"
RECORD_FIELD = "  {field}: {value}"
RECORD_PAST = "  {period}: {text}"
# `minsheng records` of the corpus and `records --check`.
FILE_FAILED = "FAILED  {error}"
CORPUS_LINE = "{records:4d} records  {leftover:3d} leftover  {region} {year} {period}  [{shape}]  {name}"
CORPUS_PARSED = "{parsed} of {total} files parsed"
CHECK_READ = "{read} of {total} files read, {warned} with warnings"

# --- indexing and watching the corpus (`minsheng index`, `minsheng watch`) -----------------------------------------

REBUILDING = "rebuilding the whole index: {reason}"
REPAIRING = "repairing the index: {reason}"
INDEX_FILE_LINE = "{change:8s} {name}"
INDEX_ADDED = "added"
INDEX_UPDATED = "updated"
INDEX_REMOVED = "removed"
INDEX_SAME = "same     {copy} (the same content as {original}, indexed once)"
INDEX_WARNING = "warning  {name}: {note}"
INDEX_FAILED = "FAILED   {error}"
INDEX_TOTALS = ("{added} added, {updated} updated, {removed} removed, {failed} failed, {unchanged} unchanged; "
                "{records} records in {chunks} chunks; {seconds:.1f} s")
CORPUS_NOT_FOUND = "{folder}: corpus directory not found"
WATCHING = "watching {folder} (settle {settle:.1f} s); Ctrl-C to stop"
WATCH_CATCHING_UP = "indexing what changed while nothing was watching"
WATCH_CHANGED = "{time} changed: {names}"
WATCH_REINDEX_FAILED = "reindex failed: {error}"
WATCH_STOPPED = "stopped watching"

# --- settings and prompt files --------------------------------------------------------------------------------------

CONFIG_NOT_TOML = "{where}: not valid TOML ({error})"
CONFIG_UNKNOWN_SECTION = "{where}: unknown section [{section}]{guess}"
CONFIG_NOT_TABLE = "{where}: [{section}] must be a table"
CONFIG_UNKNOWN_KEY = "{where}: unknown setting {key!r} in [{section}]{guess}"
CONFIG_NOT_PATH = "{where}: {key} must be a non-empty path, got {value!r}"
CONFIG_NOT_IDS = "{where}: {key} must be a list of numeric Telegram ids, got {value!r}"
CONFIG_NOT_NETWORKS = "{where}: {key} must be a list of networks such as \"127.0.0.1/32\", got {value!r}"
CONFIG_WRONG_TYPE = "{where}: {key} = {value!r} has the wrong type"
CONFIG_NOT_CHOICE = "{where}: {key} = {value!r}; expected one of {choices}"
DID_YOU_MEAN = " (did you mean {name}?)"
PROMPT_NOT_FOUND = "prompt file not found"
PROMPT_UNREADABLE = "cannot read the prompt file ({error})"
PROMPT_MALFORMED = "malformed placeholder ({error}); write literal braces as {{{{ and }}}}"
PROMPT_UNKNOWN_PLACEHOLDER = "unknown placeholder {{{name}}} (allowed: {allowed})"
PROMPT_PLACEHOLDER = "{{{name}}}"
PROMPT_NO_PLACEHOLDERS = "none"
PROMPT_PLACEHOLDER_PLAIN = "placeholder {{{name}}} must be written plainly, without ! or :"
PROMPT_MISSING_PLACEHOLDER = "missing placeholder {{{name}}}"

# --- `minsheng records --check` -------------------------------------------------------------------------------------

CHECK_LINE = "{file}  {place}  {year}年  {period}  {records}条记录  文字入记录 {share:.0%}"
CHECK_WARNING = "\n    ⚠ {warning}"
CHECK_UNSETTLED = "{place}（未定）"
CHECK_UNKNOWN = "?"
CHECK_ONE_MONTH = "（{month}月）"
CHECK_MONTHS = "（{first}-{last}月）"
CHECK_WHOLE_YEAR = "全年"

# --- new reports: what was read, what changed, following a place (bot/changes.py, bot/intake.py, bot/follows.py) ----

NEWS_HEAD = "新报告：{heading}《{title}》"
NEWS_FIRST = "这是{place}收录的第一份报告。"
NEWS_PREVIOUS = "上一期：{period}《{title}》"
READ_HEAD = "已收录：{name}"
READ_TITLE = "标题：{title}"
READ_PLACE = "地区：{place}"
READ_PERIOD = "时期：{period}"
READ_PROJECTS = "项目：{count}项{counted}"
READ_COUNTED = "（{parts}）"
READ_WARNING = "⚠ {warning}"
READ_UNKNOWN = "未识别"
READ_NO_PERIOD = "period: none named in the title, file name or opening lines; read as the whole year"
ADD_FAILED = "FAILED   {error}"
ADD_SAVED = "saved    {name} ({origin})"
ADD_READ = "         {line}"
ADD_NOTHING = "minsheng: nothing to add; give report files or http(s) links"
ADD_ORIGIN_FILE = "from {path}"
ADD_ORIGIN_URL = "from {url}, fetched {at}"
CHANGED_HEAD = "changes  {name}:"
CHANGED_LINE = "         {line}"
UPLOAD_NOT_ADMIN = "只有管理员可以添加报告。想看某地的报告，可以直接提问或用 /summary。"
UPLOAD_RECEIVED = "收到《{name}》，正在检查和索引…"
UPLOAD_REFUSED = "没有收录《{name}》：{reason}"
UPLOAD_NOT_ADDED = "没有收录：{reason}"
UPLOAD_DUPLICATE = "这份报告已经收录了，文件名是《{name}》。"
UPLOAD_NOT_INDEXED = "《{name}》已保存，但索引没有成功：{reason}"
UPLOAD_TOO_BIG_FOR_BOTS = "文件超过 Telegram 允许机器人下载的 20 MB"
UPLOAD_DOWNLOAD_FAILED = "下载文件失败（{reason}），请重发一次"
BUTTON_REMOVE = "删除这份报告"
REMOVED = "已删除《{name}》并重新索引。"
REMOVE_GONE = "《{name}》已经不在报告目录里了。"
ADD_NEEDS_URL = "请在 /add 后面写上报告的网址，例如：/add https://www.example.gov.cn/art/2024/report.html"
ADD_FETCHING = "正在获取 {url} …"
# Between places named in one /follow argument ("大兴区、密云区").
PLACE_LIST_SPLIT = r"[、，,；;]+"
FOLLOW_NEEDS_PLACE = "请在 /follow 后面写上地区，例如：/follow 大兴区（可以写几个，用空格分开）。"
UNFOLLOW_NEEDS_PLACE = "请在 /unfollow 后面写上地区，例如：/unfollow 大兴区"
FOLLOW_DONE = "已关注{places}。这些地方有新报告收录时，会告诉你有什么变化。"
FOLLOW_ALREADY = "{places}已经在关注了。"
FOLLOW_NOT_COVERED_YET = "（{places}目前还没有收录的报告，第一份收录时会告诉你。）"
FOLLOW_UNKNOWN = "看不出“{name}”是哪个地方：请写地区的名称，例如 大兴区、青岛市、萧县。"
FOLLOW_AMBIGUOUS = "“{name}”可能是{places}，请写上上一级，例如“{example}”。"
FOLLOW_TOO_MANY = "每个会话最多关注{count}个地方，请先用 /unfollow 取消一些。"
FOLLOWING_NONE = "还没有关注任何地方。用 /follow 地区 关注，有新报告时会告诉你。"
FOLLOWING_HEAD = "正在关注：{places}"
UNFOLLOW_DONE = "已取消关注{places}。"
UNFOLLOW_NONE = "没有关注{places}。"
FOLLOWS_UNAVAILABLE = "关注功能暂时不可用，请稍后再试。"
