/**
 * The verl reward file the export writes (reward/dianjin_reward.py): a plain-Python port of the evaluation scorer
 * (answerFormat, numbers, choices, verdicts, openAnswers, scoreOutput, and the inspector's number reader), so GRPO on
 * a cluster is rewarded exactly as the workbench scores. Kept as text here so the build needs no loader; the test
 * runs it against the TypeScript scorer on a table of cases. Edit the scorer and this port together.
 */
export const DIANJIN_REWARD_PY = String.raw`"""
DianJin-R1's dual reward for verl, written by DianJin Workbench's 'dianjin train export --format verl'.

  compute_score(data_source, solution_str, ground_truth, extra_info=None) -> float
      format reward + accuracy reward (each 0 or 1, so 0, 1 or 2), the sum the workbench's own GRPO trainer uses
      (electron/services/training/grpo/rewards.ts: weights format 1, accuracy 1).
  compute_score_strict(...) -> float
      1.0 only when the format holds and the answer is right, else 0.0: the rule of DianJin-R1's published
      src/rl/reward_score_cflue.py.
  compute_score_parts(...) -> dict
      {"score", "format", "accuracy"}: for verl versions whose reward manager logs extra keys of a dict.

Plain Python 3.8+, no packages. It is a port of the workbench's TypeScript scorer so that GRPO on a cluster optimises
exactly what the workbench evaluates; each section names the file and function it follows (paths are in the
workbench's repository). Known differences: string positions count code points, not UTF-16 units (only text with
characters beyond the BMP can differ), and decimals use Python's decimal module at 1000 digits, half-up.

The task (finqa, cflue, ccc, open) comes from extra_info["task"], else from data_source ("dianjin/finqa").
Run 'python3 dianjin_reward.py < cases.jsonl' with {"task", "reference", "output"} per line to score outside verl.
"""
import json
import re
import sys
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

FORMAT_WEIGHT = 1.0
ACCURACY_WEIGHT = 1.0
TASKS = ("finqa", "cflue", "ccc", "open")

_CTX = Context(prec=1000, rounding=ROUND_HALF_UP)
# JavaScript's \b and \w are ASCII-only; Python's are Unicode (Chinese characters are \w), so boundaries are spelled out.
_W = "A-Za-z0-9_"
_B_BEFORE = "(?<![" + _W + "])"
_B_AFTER = "(?![" + _W + "])"
# \p{Script=Han} (not in Python's re): the CJK ideograph blocks, radicals and the Han-script marks.
_HAN = "\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9\U00020000-\U0003134a"


def _D(s):
    return Decimal(s)


# ---------------------------------------------------------------------------------------------------------------
# inspector/answer.ts: unwrapLatex, lastBoxed, writtenDecimals, roundTo, boxedWithUnit
# ---------------------------------------------------------------------------------------------------------------
_LATEX_WRAP = re.compile(r"\\(?:text|mathrm|textbf|mathbf|mbox|operatorname|textnormal)\s*\{([^{}]*)\}")


def unwrap_latex(text):
    t = text
    for _ in range(4):
        before = t
        t = _LATEX_WRAP.sub(r"\1", t)
        if t == before:
            break
    t = t.replace("{,}", ",").replace("\\%", "%")
    t = re.sub(r"\\left|\\right", "", t)
    t = t.replace("\\approx", "约")
    t = re.sub(r"\\[,;:! ]|~", "", t)
    t = re.sub(r"\\\$|\$", "", t)
    t = re.sub(r"\\(?:cdot|times)", "×", t)
    t = re.sub(r"\s+", " ", t)
    return t.strip()


def last_boxed(answer):
    """The last complete \\boxed{...}: (content, after) or None."""
    start = answer.rfind("\\boxed{")
    while start >= 0:
        opening = start + len("\\boxed{")
        depth = 1
        i = opening
        while i < len(answer):
            ch = answer[i]
            if ch == "\\":
                i += 1
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return answer[opening:i].strip(), answer[i + 1:]
            i += 1
        start = -1 if start == 0 else answer.rfind("\\boxed{", 0, start - 1 + len("\\boxed{"))
    return None


def written_decimals(raw):
    m = re.search(r"\d[\d,，]*(?:\.(\d+))?", raw)
    return len(m.group(1)) if m and m.group(1) else 0


def round_to(x, decimals):
    with localcontext(_CTX):
        if decimals >= 0:
            return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        step = Decimal(10) ** (-decimals)
        return (x / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


_UNIT_AFTER_BOX = re.compile(
    r"^\s*(?:\\text\s*\{\s*)?(个百分点|百分点|万亿|千亿|百亿|十亿|千万|百万|亿|万|千|\\?%|％|(?:percentage points?|percent|thousand|million|billion|trillion|bn|mn)(?![A-Za-z]))",
    re.I,
)
_SCALE_WORD = re.compile(r"[万亿千]|thousand|million|billion|trillion", re.I)


def _last_operand(numbers):
    for n in reversed(numbers):
        if n["role"] == "operand":
            return n
    return None


def boxed_with_unit(answer):
    box = last_boxed(answer)
    if box is None:
        return None
    content, after = box
    m = _UNIT_AFTER_BOX.match(after)
    if not m:
        return content
    unit = m.group(1)
    inside = _last_operand(extract_numbers(unwrap_latex(content)))
    if inside is None or inside["unit"] is not None or _SCALE_WORD.search(content):
        return content
    word = re.match(r"[A-Za-z]", unit) is not None
    return content + (" " if word else "") + ("%" if unit == "percent" else unit)


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/answerFormat.ts: the format rule (GRPO's format reward) and where the answer is
# ---------------------------------------------------------------------------------------------------------------
_TAG = re.compile(r"<\s*(/?)\s*(think|answer)\s*>", re.I)
_TRAILING_SPECIAL = re.compile(r"(?:\s*<[|｜][^<>]{0,40}[|｜]>)+\s*$")
_TAIL_CHARS = 300


def _find_tags(text):
    return [(("/" if m.group(1) else "") + m.group(2).lower(), m.start(), m.end()) for m in _TAG.finditer(text)]


def _blank(s):
    return s.strip() == ""


def _strip_tags(s):
    return _TAG.sub("", s)


def _well_formed(text, tags, start_in_reasoning=None):
    """isWellFormed: <think> </think> <answer> </answer> in that order (no <think> when the template opened it), only
    whitespace around them, a complete non-empty \\boxed{} in the answer."""
    opened = start_in_reasoning if start_in_reasoning is not None else (len(tags) > 0 and tags[0][0] == "/think")
    expected = ["/think", "answer", "/answer"] if opened else ["think", "/think", "answer", "/answer"]
    if [t[0] for t in tags] != expected:
        return False
    close_think, open_answer, close_answer = tags[0:3] if opened else tags[1:4]
    if not opened and not _blank(text[: tags[0][1]]):
        return False
    if not _blank(text[close_think[2]: open_answer[1]]) or not _blank(text[close_answer[2]:]):
        return False
    box = last_boxed(text[open_answer[2]: close_answer[1]])
    return box is not None and box[0] != ""


def format_reward(output, start_in_reasoning=None):
    text = _TRAILING_SPECIAL.sub("", output)
    return 1 if _well_formed(text, _find_tags(text), start_in_reasoning) else 0


def _answer_region(text, tags):
    opens = [i for i, t in enumerate(tags) if t[0] == "answer"]
    if opens:
        o = opens[-1]
        close = next((t for t in tags[o + 1:] if t[0] == "/answer"), None)
        return text[tags[o][2]: close[1] if close else len(text)]
    think_ends = [t for t in tags if t[0] == "/think"]
    return text[think_ends[-1][2]:] if think_ends else None


def _tail(text):
    lines = _strip_tags(text).strip().split("\n")
    last = next((l for l in reversed(lines) if not _blank(l)), "").strip()
    return last[-_TAIL_CHARS:] if len(last) > _TAIL_CHARS else last


def locate_answer(output, start_in_reasoning=None):
    """locateAnswer: format flag, answer text, last box (in the answer block, else anywhere) and the text it is in."""
    text = _TRAILING_SPECIAL.sub("", output)
    tags = _find_tags(text)
    region = _answer_region(text, tags)
    in_region = None if region is None else last_boxed(region)
    anywhere = None if in_region else last_boxed(text)
    region_text = "" if region is None else _strip_tags(region).strip()
    box = in_region or anywhere
    return {
        "format_ok": _well_formed(text, tags, start_in_reasoning),
        "answer_text": region_text if region_text != "" else _tail(text),
        "boxed": box[0] if box else None,
        "boxed_in": region if in_region else (text if anywhere else None),
    }


# ---------------------------------------------------------------------------------------------------------------
# inspector/numbers.ts: extractNumbers (every number with its exact value, unit and role)
# ---------------------------------------------------------------------------------------------------------------
_CHAR_MAP = {
    "．": ".", "－": "-", "−": "-", "–": "-", "＋": "+", "％": "%", "（": "(", "）": ")", "＝": "=", "～": "~",
    "〜": "~", "＄": "$", "／": "/", "＊": "*", "［": "[", "］": "]", "\u00a0": " ", "\u3000": " ", "\u2009": " ",
    "\u202f": " ",
}


def _fw_digit(c):
    return c is not None and "０" <= c <= "９"


def normalize_numerals(text):
    out = []
    for i, c in enumerate(text):
        if _fw_digit(c):
            out.append(chr(ord(c) - 0xFF10 + 48))
        elif c == "，" and i > 0 and _fw_digit(text[i - 1]) and i + 1 < len(text) and _fw_digit(text[i + 1]):
            out.append(",")
        else:
            out.append(_CHAR_MAP.get(c, c))
    return "".join(out)


def _at(s, i):
    return s[i] if 0 <= i < len(s) else None


def _is_digit(c):
    return c is not None and "0" <= c <= "9"


def _is_letter(c):
    return c is not None and re.match(r"[A-Za-z]", c) is not None


def _is_word(c):
    return c is not None and re.match(r"[A-Za-z0-9_]", c) is not None


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?")
_ISO_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")
_DMY_DATE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d.])")
_VERSION = re.compile(r"\d+(?:\.\d+){2,}(?!\d)")
_PHONE = re.compile(r"\d{3,4}-\d{3,4}-\d{4}(?![\d.])|\d{3,4}-\d{7,8}(?![\d.])")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})(?![\d.,%])")
_YEAR_RANGE = re.compile(r"(\d{4})([-/~])(\d{4}|\d{2})(?![\d.,%])")

_CURRENCY_PREFIX = re.compile(r"(?:(?<![A-Za-z])(?:US|HK|A|C|S|NT)?\$|(?<![A-Za-z])(?:RMB|USD|CNY|HKD|EUR|GBP|JPY) ?|[¥￥€£])$")
_CURRENCY_SUFFIX = re.compile(r"^(?:\s?(?:元|美元|港元|港币|欧元|日元|英镑|人民币|块钱|块)|\s(?:USD|RMB|CNY|HKD|EUR|dollars?|yuan)(?![A-Za-z]))")
_ZH_SCALE = re.compile(r"^(?:万亿|千亿|百亿|十亿|千万|百万|亿|万|千)")
_ZH_SCALES = {"万亿": (12, None), "千亿": (11, None), "百亿": (10, None), "十亿": (9, None), "千万": (7, None),
              "百万": (6, "百万"), "亿": (8, "亿"), "万": (4, "万"), "千": (3, "千")}
_EN_SCALE = re.compile(r"^ ?(thousand|million|billion|trillion|mn|mln|bn|bln|tn)(?![A-Za-z])", re.I)
_EN_MONEY_SCALE = re.compile(r"^(k|m|b)(?![A-Za-z0-9_])", re.I)
_EN_SCALES = {"thousand": (3, "thousand"), "k": (3, "thousand"), "million": (6, "million"), "mn": (6, "million"),
              "mln": (6, "million"), "m": (6, "million"), "billion": (9, "billion"), "bn": (9, "billion"),
              "bln": (9, "billion"), "b": (9, "billion"), "trillion": (12, None), "tn": (12, None)}
_PERCENT_POINTS = re.compile(r"^(?:个百分点|百分点| ?(?:percentage points?|pp|ppt)(?![A-Za-z]))", re.I)
_BASIS_POINTS = re.compile(r"^ ?(?:bps|bp|basis points?)(?![A-Za-z])", re.I)
_APPROX_BEFORE = re.compile(
    r"(?:(?:^|[^A-Za-z])(?:about|approximately|approx\.?|around|roughly|nearly|almost|circa|some)|~|≈|≒|约为|约合|大约|大概|将近|接近|差不多|约|(?<![最附])近)\s*$",
    re.I,
)
_APPROX_AFTER = re.compile(r"^(?:\s?(?:左右|上下)|\s(?:or so)(?![A-Za-z]))")
_ORDINAL_BEFORE = re.compile(
    r"(?:(?:^|[^A-Za-z])(?:steps?|stage|phase|part|section|chapter|item|note|table|figure|fig\.|page|p\.|pp\.|no\.|case|scenario|option|method|approach|question|problem|example|line|row|column|equation|eq\.|appendix|exhibit|schedule|rule|level|tier|rank)|#|第|步骤|方法|方案|情形|情况|问题|(?<!比)例|[见如附][表图]|附注|注释|阶段|排名)\s*$",
    re.I,
)
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_MONTH_BEFORE = re.compile(r"(?:^|[^A-Za-z])(?:" + _MONTHS + r")\.?,?\s*$", re.I)
_MONTH_AFTER = re.compile(r"^\s*(?:" + _MONTHS + r")(?![A-Za-z])", re.I)
_TIME_WORDS = "end|start|beginning|middle|half|quarter|close|rest|remainder|spring|summer|autumn|fall|winter|year|years"
_YEAR_BEFORE = re.compile(
    r"(?:(?:^|[^A-Za-z])(?:in|for|during|since|until|till|through|before|after|fiscal(?:\s+year)?|year(?:-end)?|as of|calendar year|(?:"
    + _TIME_WORDS
    + r")\s+of(?:\s+the\s+year)?)|年度|截至|截止)\s*$",
    re.I,
)
_YEAR_AFTER = re.compile(r"^(?:年|财年|财务年度|\s?fiscal(?:\s+year)?(?![A-Za-z]))", re.I)
_YEAR_MODIFIES = re.compile(r"^ [A-Za-z]")
_NOT_YEAR_WORD = re.compile(
    r"^ (?:and|or|nor|but|to|than|of|in|on|at|by|for|from|with|over|under|per|each|into|as|is|are|was|were|be|been|has|have|had|will|would|can|could|may|might|more|less|fewer|plus|minus|times|divided|multiplied|x|vs|versus|shares?|units?|people|persons?|employees?|staff|workers?|customers?|clients?|users?|members?|students?|patients?|households?|stores?|shops?|branches?|outlets?|sites?|locations?|items?|pieces?|products?|copies|tons?|tonnes?|barrels?|ounces?|grams?|kg|km|miles?|sq|square|meters?|metres?|dollars?|yuan|rmb|usd|euros?|pounds?|yen|cents?|points?|bps|basis|seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|contracts?|accounts?|loans?|transactions?|orders?|vehicles?|cars?|homes?|houses?|rooms?|seats?|votes?|lots?|cases?|bottles?|boxes)(?![A-Za-z])",
    re.I,
)
_DURATION_AFTER = re.compile(r"^(?:\s?(?:个月|个工作日|工作日|个季度|周|星期|天|日(?:内|以内|之内)|年(?!度|末|初|底|中|报))|\s(?:years?|months?|weeks?|days?|quarters?)(?![A-Za-z]))", re.I)
_DURATION_LABEL = re.compile(r"^(?:-(?:years?|yrs?|months?|weeks?|days?|quarters?)(?![A-Za-z])|(?:年|个月|月|周|天|日)期)", re.I)
_REFERENCE_BEFORE = re.compile(r"(?:(?:^|[^A-Za-z])(?:on|see|per|cf\.?|steps?|items?|parts?|under)|见|如|同|按|根据)\s*$", re.I)
_YEAR_JOIN = re.compile(r"^\s*(?:-|~|/|,|，|、|to|and|or|vs\.?|versus|through|至|到|和|与|及|或)\s*$", re.I)


def _is_year_value(v):
    return 1900 <= v <= 2100


def _draft(start, end, value, role):
    return {"start": start, "end": end, "value": _D(value), "unit": None, "approximate": False, "role": role,
            "year_candidate": False, "scaled": False, "duration": False, "num_start": start, "num_end": end}


def _read_compound(norm, i):
    m = _ISO_DATE.match(norm, i)
    if m and 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31:
        return [_draft(i, m.end(), m.group(1), "date")], m.end()
    m = _DMY_DATE.match(norm, i)
    if m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(3)) <= 31:
        return [_draft(i, m.end(), m.group(1), "date")], m.end()
    m = _VERSION.match(norm, i)
    if m:
        return [_draft(i, m.end(), m.group(0).split(".")[0], "label")], m.end()
    m = _PHONE.match(norm, i)
    if m:
        return [_draft(i, m.end(), m.group(0).split("-")[0], "label")], m.end()
    m = _YEAR_MONTH.match(norm, i)
    if m and _is_year_value(int(m.group(1))) and 1 <= int(m.group(2)) <= 12:
        return [_draft(i, m.end(), m.group(1), "date")], m.end()
    m = _YEAR_RANGE.match(norm, i)
    if m:
        first = int(m.group(1))
        second = m.group(3)
        plausible = _is_year_value(int(second)) if len(second) == 4 else int(second) > first % 100
        if _is_year_value(first) and plausible:
            s2 = i + len(m.group(1)) + 1
            return [_draft(i, i + 4, m.group(1), "year"), _draft(s2, s2 + len(second), second, "year")], m.end()
    return None


def _line_before(norm, pos):
    q = pos - 1
    while q >= 0 and q >= pos - 16 and norm[q] != "\n":
        q -= 1
    return norm[q + 1: pos] if q < 0 or norm[q] == "\n" else norm[q + 1: pos] + "\u0000"


def _sign_allowed_after(c):
    return c is None or re.match(r"[0-9A-Za-z_)%.\]]", c) is None


def _read_number_at(norm, num_start):
    digits = _NUMBER.match(norm, num_start).group(0)
    num_end = num_start + len(digits)
    is_integer = "." not in digits
    has_separator = "," in digits
    value = _D(digits.replace(",", ""))

    span_start = num_start
    prefix_start = num_start
    sign = None
    currency = False
    if _at(norm, num_start - 1) in ("-", "+") and _sign_allowed_after(_at(norm, num_start - 2)):
        sign = norm[num_start - 1]
        span_start = prefix_start = num_start - 1
    cur = _CURRENCY_PREFIX.search(norm[max(0, prefix_start - 6): prefix_start])
    if cur:
        currency = True
        prefix_start -= len(cur.group(0))
        if not sign and _at(norm, prefix_start - 1) in ("-", "+") and _sign_allowed_after(_at(norm, prefix_start - 2)):
            sign = norm[prefix_start - 1]
            span_start = prefix_start = prefix_start - 1
    unit = None
    scaled = False
    if not sign and prefix_start >= 3 and norm[prefix_start - 3: prefix_start] == "百分之":
        span_start = prefix_start = prefix_start - 3
        value = value / 100
        unit = "%"
        scaled = True

    q = num_end

    def rest():
        return norm[q: q + 24]

    with localcontext(_CTX):
        if not scaled:
            if _at(norm, q) == "%" or (_at(norm, q) == " " and _at(norm, q + 1) == "%"):
                q += 1 if norm[q] == "%" else 2
                value, unit, scaled = value / 100, "%", True
            elif _at(norm, q) == "\\" and _at(norm, q + 1) == "%":
                q += 2
                value, unit, scaled = value / 100, "%", True
            else:
                m = _PERCENT_POINTS.match(rest())
                if m:
                    q += len(m.group(0))
                    value, unit, scaled = value / 100, "%", True
                else:
                    m = _BASIS_POINTS.match(rest())
                    if m:
                        q += len(m.group(0))
                        value, scaled = value / 10000, True
                    else:
                        m = _ZH_SCALE.match(rest())
                        if m:
                            exp, unit = _ZH_SCALES[m.group(0)]
                            q += len(m.group(0))
                            value, scaled = value * (Decimal(10) ** exp), True
                        else:
                            m = _EN_SCALE.match(rest())
                            if not m and currency:
                                m = _EN_MONEY_SCALE.match(rest())
                            if m:
                                exp, unit = _EN_SCALES[m.group(1).lower()]
                                q += len(m.group(0))
                                value, scaled = value * (Decimal(10) ** exp), True
    end = q
    cur_suffix = _CURRENCY_SUFFIX.match(rest())
    if cur_suffix:
        currency = True
        q += len(cur_suffix.group(0))
    approximate = False
    approx_after = _APPROX_AFTER.match(rest())
    if approx_after:
        approximate = True
        q += len(approx_after.group(0))

    role = "operand"
    open_paren = -1
    a = prefix_start - 1
    while _at(norm, a) == " ":
        a -= 1
    b = end
    if cur_suffix:
        b = q - (len(approx_after.group(0)) if approx_after else 0)
    while _at(norm, b) == " ":
        b += 1
    if _at(norm, a) == "(" and _at(norm, b) == ")" and not sign:
        open_paren = a
        before = a - 1
        while _at(norm, before) == " ":
            before -= 1
        line_start = before < 0 or norm[before] == "\n" or re.match(r"^[\s>#*+-]*$", _line_before(norm, a)) is not None
        after_punct = re.match(r"[:：;；。，,、]", _at(norm, before) or "") is not None
        reference = re.match(r"^\s*[:：]", norm[b + 1: b + 4]) is not None or _REFERENCE_BEFORE.search(norm[max(0, a - 16): a]) is not None
        cb = _at(norm, before) or ""
        if is_integer and not has_separator and len(digits) <= 2 and not currency and not scaled and (line_start or after_punct or reference):
            role = "ordinal"
        elif re.match(r"[×*/÷^]", cb) or (cb == "x" and not _is_letter(_at(norm, before - 1))) or re.match(r"^\)\s*\^", norm[b: b + 8]):
            open_paren = -1
        else:
            value = -value
            span_start = a
            end = b + 1
            q = max(q, end)
    if sign == "-":
        value = -value

    before_start = open_paren if open_paren >= 0 else prefix_start
    approx_before = _APPROX_BEFORE.search(norm[max(0, before_start - 24): before_start])
    if approx_before:
        g = approx_before.group(0)
        tilde = g.rstrip().endswith("~")
        before_tilde = _at(norm, before_start - len(g) + g.find("~") - 1)
        if not tilde or not _is_digit(before_tilde):
            approximate = True

    year_candidate = (is_integer and not has_separator and len(digits) == 4 and _is_year_value(int(digits)) and not sign
                      and not currency and not scaled and open_paren < 0)
    d = {"start": span_start, "end": end, "value": value, "unit": unit, "approximate": approximate, "role": role,
         "year_candidate": year_candidate, "scaled": scaled, "duration": False, "num_start": num_start, "num_end": num_end}
    if role == "operand":
        d["role"] = _classify(norm, d, prefix_start, q, digits, is_integer, currency, scaled)
    if not currency and not scaled and end == num_end:
        after = norm[num_end: num_end + 12]
        d["duration"] = (d["role"] == "operand" and _DURATION_AFTER.match(after) is not None) or (
            d["role"] == "label" and _DURATION_LABEL.match(after) is not None)
    return d, max(q, end)


def _classify(norm, d, prefix_start, suffix_end, digits, is_integer, currency, scaled):
    num_start, num_end = d["num_start"], d["num_end"]
    bare = is_integer and not currency and not scaled and d["start"] == num_start
    n = int(digits.replace(",", "")) if is_integer else None
    left = _at(norm, prefix_start - 1)
    right = _at(norm, suffix_end)

    if suffix_end == num_end and _is_word(right):
        after = norm[num_end: num_end + 4]
        if is_integer and re.match(r"^(?:st|nd|rd|th)(?![A-Za-z])", after, re.I):
            return "ordinal"
        if re.match(r"^[xX](?![A-Za-z_])", after):
            return _identifier_on_left(norm, prefix_start, left, d, digits, is_integer, suffix_end) or "operand"
        if d["year_candidate"] and re.match(r"^(?:[AEFaef]|Q[1-4]|H[12])(?![A-Za-z_])", after):
            return "year"
        return "label"
    via_left = _identifier_on_left(norm, prefix_start, left, d, digits, is_integer, suffix_end)
    if via_left:
        return via_left
    if left == "-" and _is_letter(_at(norm, prefix_start - 2)):
        return "label"
    if _at(norm, num_end) == "-" and _is_letter(_at(norm, num_end + 1)):
        return "label"

    before = norm[max(0, prefix_start - 32): prefix_start]
    after = norm[suffix_end: suffix_end + 16]

    if bare and re.search(r"[\[【]$", before) and re.match(r"^[\]】]", after) and len(digits) <= 3:
        return "label"
    if not currency and not scaled and d["end"] == num_end and re.match(r"^(?:年|个月|月|周|天|日)期", after):
        return "label"
    if bare and d["end"] == num_end:
        if re.match(r"^月", after) and 1 <= n <= 12:
            return "date"
        if re.match(r"^[日号]", after) and not re.match(r"^日(?:内|以内|之内)", after) and 1 <= n <= 31:
            return "date"
        if re.match(r"^季度", after) and 1 <= n <= 4:
            return "date"
    if bare and _ORDINAL_BEFORE.search(before):
        return "ordinal"
    if bare and "," not in digits and len(digits) <= 3 and d["end"] == num_end:
        marker = re.match(r"^[.)、](?!\d)", after)
        at_line_start = re.match(r"^[\s>#*+-]*$", _line_before(norm, prefix_start)) is not None
        if marker and (at_line_start or (marker.group(0) != "." and re.search(r"[:：]\s*$", before))):
            return "ordinal"
    if bare and len(digits) <= 2 and 1 <= n <= 31 and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        return "date"
    if d["year_candidate"]:
        if _YEAR_AFTER.match(after) or _YEAR_BEFORE.search(before) or _MONTH_BEFORE.search(before):
            return "year"
        if _YEAR_MODIFIES.match(after) and not _NOT_YEAR_WORD.match(after):
            return "year"
    return "operand"


def _identifier_on_left(norm, prefix_start, left, d, digits, is_integer, suffix_end):
    if left == "_":
        return "label"
    if not _is_letter(left):
        return None
    word = re.search(r"[A-Za-z_]+$", norm[max(0, prefix_start - 16): prefix_start]).group(0)
    word_start = prefix_start - len(word)
    glued_before = _at(norm, word_start - 1)
    if re.match(r"^(?:FY|CY|FYE)$", word, re.I) and is_integer and len(digits) in (2, 4):
        return "year"
    if word in ("x", "X"):
        if _is_digit(glued_before) or glued_before in (")", "%"):
            return None
        return "label"
    if _is_word(_at(norm, suffix_end)) and suffix_end == d["num_end"]:
        return "label"
    if re.match(r"^[Qq]$", word) and len(digits) == 1 and 1 <= int(digits) <= 4 and not _is_word(glued_before):
        return "date"
    if re.match(r"^[Hh]$", word) and len(digits) == 1 and 1 <= int(digits) <= 2 and not _is_word(glued_before):
        return "date"
    return "label"


def _resolve_joined_roles(norm, drafts):
    def joinable(a, b):
        between = norm[a["end"]: b["start"]]
        return _YEAR_JOIN.match(between) is not None or re.match(r"^\s*$", between) is not None

    for k in range(1, len(drafts)):
        a, b = drafts[k - 1], drafts[k]
        if b["role"] != "operand" or not b["year_candidate"]:
            continue
        between = norm[a["end"]: b["start"]]
        if (a["role"] == "year" and joinable(a, b)) or (a["role"] == "date" and re.match(r"^[\s,，]*$", between)):
            b["role"] = "year"
        elif a["role"] == "operand" and a["year_candidate"] and _YEAR_JOIN.match(between) and not re.match(r"^\s*[,，]\s*$", between):
            a["role"] = "year"
            b["role"] = "year"
    for k in range(len(drafts) - 2, -1, -1):
        a, b = drafts[k], drafts[k + 1]
        if a["role"] == "operand" and a["year_candidate"] and b["role"] == "year" and _YEAR_JOIN.match(norm[a["end"]: b["start"]]):
            a["role"] = "year"


def _mark_table_header_years(norm, drafts):
    if "|" not in norm:
        return
    for d in drafts:
        if not d["year_candidate"] or d["role"] != "operand":
            continue
        line_start = norm.rfind("\n", 0, max(d["start"], 0)) + 1
        line_end = norm.find("\n", d["end"])
        if line_end < 0:
            line_end = len(norm)
        next_end = norm.find("\n", line_end + 1)
        next_line = norm[line_end + 1: len(norm) if next_end < 0 else next_end]
        if not re.match(r"^\s*\|?\s*:?-{3,}", next_line):
            continue
        cell_start = norm.rfind("|", 0, max(d["start"], 0))
        cell_end = norm.find("|", d["end"])
        cell_left = norm[max(cell_start + 1, line_start): d["start"]]
        cell_right = norm[d["end"]: line_end if cell_end < 0 or cell_end > line_end else cell_end]
        if re.match(r"^\s*(?:FY)?\s*$", cell_left, re.I) and re.match(r"^\s*(?:年|[AEF])?\s*$", cell_right):
            d["role"] = "year"


def _inherit_range_units(norm, drafts):
    with localcontext(_CTX):
        for k in range(1, len(drafts)):
            a, b = drafts[k - 1], drafts[k]
            if a["role"] != "operand" or a["scaled"] or a["end"] != a["num_end"] or a["start"] != a["num_start"]:
                continue
            between = norm[a["end"]: b["start"]]
            if not re.match(r"^(?:[-~]|\s*[至到]\s*)$", between):
                continue
            if b["role"] == "date" and b["end"] == b["num_end"]:
                a["role"] = "date"
                continue
            if b["role"] != "operand" or not b["scaled"]:
                continue
            written = _D(norm[b["num_start"]: b["num_end"]].replace(",", ""))
            if written == 0:
                continue
            a["value"] = a["value"] * (abs(b["value"]) / written)
            a["unit"] = b["unit"]
            a["scaled"] = True
            a["year_candidate"] = False


def extract_numbers(text):
    """extractNumbers: [{raw, value (Decimal), unit, role}]; offsets index the same-length normalised copy."""
    norm = normalize_numerals(text)
    drafts = []
    i = 0
    while i < len(norm):
        if not _is_digit(norm[i]) or _is_digit(_at(norm, i - 1)):
            i += 1
            continue
        compound = _read_compound(norm, i)
        if compound:
            drafts.extend(compound[0])
            i = compound[1]
            continue
        d, i = _read_number_at(norm, i)
        drafts.append(d)
    _resolve_joined_roles(norm, drafts)
    _mark_table_header_years(norm, drafts)
    _inherit_range_units(norm, drafts)
    return [{"raw": text[d["start"]: d["end"]], "value": d["value"], "unit": d["unit"], "role": d["role"]} for d in drafts]


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/numbers.ts: readNumber, scoreNumber (FinQA numbers at the written precision)
# ---------------------------------------------------------------------------------------------------------------
_EXACT_DECIMALS = 60
_RATIO_LIMIT = Decimal(10)
_SCALE_EXPONENTS = (3, 4, 6, 8, 9, 12)
_NEGATIVE_WORD = re.compile(
    _B_BEFORE + r"(?:decreas|declin|drop|fell|fall|loss|lower|reduc|down" + _B_AFTER + r"|shr[ai]nk)|减少|下降|降低|亏损|下滑|减|降|负", re.I
)
_FRACTION = re.compile(r"^\s*([-−]?)\s*\\[dt]?frac\s*\{\s*([-\d.,]+)\s*\}\s*\{\s*([-\d.,]+)\s*\}\s*(\\?%)?\s*$")
_ACCOUNTING_NEGATIVE = re.compile(r"^\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
_SCALE_LETTER = re.compile(r"(\d)\s?(mm|[kKmMbB])(?![A-Za-z])")
_SCALE_LETTER_WORDS = {"k": "thousand", "m": "million", "mm": "million", "b": "billion"}


def _to_decimal(s):
    try:
        d = Decimal(s.strip())
        return d if d.is_finite() else None
    except (InvalidOperation, ValueError, AttributeError):
        return None


def _prepare(text):
    t = unwrap_latex(text)
    t = re.sub(r"(\d)，(?=\d{3}(?!\d))", r"\1,", t)
    return _SCALE_LETTER.sub(lambda m: m.group(1) + " " + _SCALE_LETTER_WORDS[m.group(2).lower()], t)


def _read_fraction(text):
    m = _FRACTION.match(text)
    if not m:
        return None
    a = _to_decimal(m.group(2).replace(",", ""))
    b = _to_decimal(m.group(3).replace(",", ""))
    if a is None or b is None or b == 0:
        return None
    percent = m.group(4) is not None
    with localcontext(_CTX):
        value = a / b * (-1 if m.group(1) else 1) / (100 if percent else 1)
    return {"value": value, "decimals": _EXACT_DECIMALS, "percent": percent, "scaled": False, "sign_open": False}


def read_number(text):
    acc = _ACCOUNTING_NEGATIVE.match(text)
    if acc:
        inner = read_number(acc.group(1))
        if inner and inner["value"] > 0:
            return dict(inner, value=-inner["value"], sign_open=False)
    plain = _prepare(text)
    fraction = _read_fraction(plain)
    if fraction:
        return fraction
    numbers = extract_numbers(plain)
    mention = next((n for n in reversed(numbers) if n["role"] == "operand"), None) or next(
        (n for n in reversed(numbers) if n["role"] == "year"), None)
    if mention is None:
        return None
    value = mention["value"]
    raw = normalize_numerals(mention["raw"])
    wm = re.search(r"\d[\d,]*(?:\.\d+)?", raw)
    written = _to_decimal(wm.group(0).replace(",", "")) if wm else None
    if written is None:
        return None
    with localcontext(_CTX):
        factor = Decimal(1) if written == 0 else abs(value) / written
        exponent = 0 if factor == 1 else int(round(float(factor.log10())))
    percent = mention["unit"] == "%"
    return {
        "value": value,
        "decimals": written_decimals(raw) - exponent,
        "percent": percent,
        "scaled": (not percent) and exponent != 0,
        "sign_open": not value.is_signed() and _NEGATIVE_WORD.search(plain) is not None,
    }


def _in_scales(n):
    with localcontext(_CTX):
        return [(n["value"] / (Decimal(10) ** e), n["decimals"] + e) for e in _SCALE_EXPONENTS]


def _prediction_forms(pred, ref):
    forms = [(pred["value"], pred["decimals"])]
    ref_bare = not ref["percent"] and not ref["scaled"]
    with localcontext(_CTX):
        if pred["percent"] and ref_bare:
            forms.append((pred["value"] * 100, pred["decimals"] - 2))
        pred_bare = not pred["percent"] and not pred["scaled"]
        if pred_bare and (ref["percent"] or (ref_bare and abs(ref["value"]) <= _RATIO_LIMIT)):
            forms.append((pred["value"] / 100, pred["decimals"] + 2))
    if pred["scaled"] and ref_bare:
        forms.extend(_in_scales(pred))
    return forms


def _reference_forms(ref, pred):
    forms = [(ref["value"], ref["decimals"])]
    if ref["scaled"] and not pred["scaled"] and not pred["percent"]:
        forms.extend(_in_scales(ref))
    return forms


def _comparison_decimals(pred_decimals, ref_decimals, ref):
    written = min(pred_decimals, ref_decimals)
    if ref == 0:
        return pred_decimals
    two_figures = 1 - abs(ref).adjusted()
    return max(written, two_figures)


def _agrees(pred, ref, sign_open):
    p = abs(pred[0]) if sign_open else pred[0]
    r = abs(ref[0]) if sign_open else ref[0]
    d = _comparison_decimals(pred[1], ref[1], r)
    with localcontext(_CTX):
        half_unit = (Decimal(10) ** (-d)) / 2
        return abs(round_to(p, d) - r) <= half_unit


def score_number(predicted, reference):
    pred = read_number(predicted)
    ref = read_number(reference)
    if not pred or not ref:
        return False
    sign_open = pred["sign_open"] or ref["sign_open"]
    ref_forms = _reference_forms(ref, pred)
    return any(_agrees(p, r, sign_open) for p in _prediction_forms(pred, ref) for r in ref_forms)


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/choices.ts: readChoices, scoreChoices (option letters as a set)
# ---------------------------------------------------------------------------------------------------------------
_OPTION_LETTERS = re.compile(r"^[A-J]+$")
_AFTER_LETTER_WORDS = {
    "and", "or", "nor", "plus", "with", "as", "is", "are", "was", "were", "both", "only", "too", "also", "together",
    "then", "should", "would", "must", "can", "seems", "appears", "correct", "right", "wrong", "incorrect", "option",
    "options",
}
_LOWERCASE_FRAME_WORDS = {"answer", "answers", "is", "are", "the", "option", "options", "choice", "choices", "and", "or",
                          "correct", "letter", "letters"}
_CHOICE_CUE = re.compile(
    r"(?:answers?\s*(?:is|are|:|=)|correct\s+(?:options?|answers?|choices?)\s*(?:is|are|:)?|(?:option|choice)s?\s*(?::|=)|答案\s*(?:应该是|应为|是|为|[:：])|故选|因此选|所以选|应选|选择|选项|选)",
    re.I,
)


def _choice_plain(text):
    t = unwrap_latex(unicodedata.normalize("NFKC", text))
    t = re.sub(r"\\[A-Za-z]+", " ", t)
    return re.sub(r"[{}]", " ", t)


def _capital_letters(text):
    out = ""
    for m in re.finditer(r"[A-Za-z]+", text):
        run = m.group(0)
        if not _OPTION_LETTERS.match(run) or len(set(run)) != len(run):
            continue
        after = text[m.end():]
        if re.match(r"^['’]", after):
            continue
        if run in ("A", "I"):
            w = re.match(r"^[ \t]+([a-z]+)", after)
            if w and w.group(1) not in _AFTER_LETTER_WORDS:
                continue
        out += run
    return out


def _lowercase_letters(text):
    out = ""
    for m in re.finditer(r"[A-Za-z]+", text):
        word = m.group(0).lower()
        if re.match(r"^[a-j]$", word):
            out += word.upper()
        elif word not in _LOWERCASE_FRAME_WORDS:
            return ""
    return out


def read_choices(text):
    plain = _choice_plain(text)
    end = -1
    for m in _CHOICE_CUE.finditer(plain):
        end = m.end()
    after_cue = plain[end:] if end >= 0 else None
    letters = (_capital_letters(after_cue) if after_cue is not None else "") or _capital_letters(plain) or _lowercase_letters(plain)
    return "".join(sorted(set(letters)))


def score_choices(predicted, reference):
    want = read_choices(reference)
    return want != "" and read_choices(predicted) == want


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/verdicts.ts: readVerdict, scoreVerdict (compliance and yes/no, negation first)
# ---------------------------------------------------------------------------------------------------------------
_HAN_BEFORE = "(?<![" + _HAN + "])"
_HAN_AFTER = "(?![" + _HAN + "])"
_PHRASES = [
    (re.compile(r"(?:未|没有|无|不存在|并未|并无|未发现|没有发现|不)(?:任何)?(?:违规|违反)", re.I), "compliance", True),
    (re.compile(r"合规|符合", re.I), "compliance", True),
    (re.compile(r"不合规|非合规|违规|违反|不符合|存在违规", re.I), "compliance", False),
    (re.compile(_B_BEFORE + r"(?:compliant|complies|comply|in compliance|no violations?|not (?:a )?violat[" + _W + r"]*|(?:does|did)(?: not|n['’]t) violate)" + _B_AFTER, re.I), "compliance", True),
    (re.compile(_B_BEFORE + r"(?:non[- ]?compliant|non[- ]?compliance|not (?:in )?complian(?:t|ce)|(?:is|are|was)n['’]t compliant|(?:does|did)(?: not|n['’]t) comply|fails? to comply|violat(?:es|ed|ion|ions|ing)|breach(?:es|ed)?)" + _B_AFTER, re.I), "compliance", False),
    (re.compile(_B_BEFORE + r"(?:yes|true)" + _B_AFTER + "|" + _HAN_BEFORE + r"(?:是的|是|对)" + _HAN_AFTER, re.I), "boolean", True),
    (re.compile(_B_BEFORE + r"(?:no|false)" + _B_AFTER + "|" + _HAN_BEFORE + r"(?:不是|否|不对)" + _HAN_AFTER, re.I), "boolean", False),
]
_VERDICT_CUE = re.compile(r"结论|答案|判断|verdict|conclusion|answer", re.I)


def _first_verdict(text, start, family):
    best = None
    for pattern, fam, positive in _PHRASES:
        if family and fam != family:
            continue
        for m in pattern.finditer(text):
            if m.start() < start:
                continue
            length = len(m.group(0))
            if best is None or m.start() < best[2] or (m.start() == best[2] and length > best[3]):
                best = (fam, positive, m.start(), length)
            break
    return best


def read_verdict(text, family=None):
    plain = unwrap_latex(unicodedata.normalize("NFKC", text))
    start = 0
    for m in _VERDICT_CUE.finditer(plain):
        start = m.end()
    found = _first_verdict(plain, start, family) or (_first_verdict(plain, 0, family) if start > 0 else None)
    return (found[0], found[1]) if found else None


def score_verdict(predicted, reference):
    want = read_verdict(reference)
    if not want:
        return score_open(predicted, reference)
    got = read_verdict(predicted, want[0])
    return got is not None and got[1] == want[1]


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/openAnswers.ts: normalizeOpenAnswer, scoreOpen (exact after normalisation)
# ---------------------------------------------------------------------------------------------------------------
_LEADING_CUE = re.compile(r"^(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)?|答案\s*(?:是|为|[:：])?)\s*", re.I)
_ARTICLE = re.compile(_B_BEFORE + r"(?:a|an|the)" + _B_AFTER)
_SPACE_NEXT_TO_HAN = re.compile("(?<=[" + _HAN + "]) | (?=[" + _HAN + "])")


def normalize_open_answer(text):
    t = unwrap_latex(unicodedata.normalize("NFKC", text)).lower().strip()
    t = _LEADING_CUE.sub("", t, count=1)
    t = "".join(" " if unicodedata.category(c)[0] in ("P", "S") else c for c in t)
    t = _ARTICLE.sub(" ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return _SPACE_NEXT_TO_HAN.sub("", t)


def score_open(predicted, reference):
    want = normalize_open_answer(reference)
    return want != "" and normalize_open_answer(predicted) == want


# ---------------------------------------------------------------------------------------------------------------
# evaluation/scoring/scoreOutput.ts: scoreOutput (which text is scored, and how, per task)
# ---------------------------------------------------------------------------------------------------------------
def accuracy_reward(task, reference, output, start_in_reasoning=None):
    located = locate_answer(output, start_in_reasoning)
    boxed = located["boxed"]
    if boxed is not None and task == "finqa" and located["boxed_in"] is not None:
        boxed = boxed_with_unit(located["boxed_in"]) or boxed
    answer = boxed if boxed is not None else located["answer_text"]
    if task == "cflue":
        correct = score_choices(answer, reference)
    elif task == "ccc":
        correct = score_verdict(answer, reference)
    elif task == "finqa":
        if read_number(reference) is None:
            correct = score_verdict(answer, reference) if read_verdict(reference) else score_open(answer, reference)
        else:
            correct = score_number(answer, reference)
    else:
        correct = score_open(answer, reference)
    return 1 if correct else 0


def _task_of(data_source, extra_info):
    task = (extra_info or {}).get("task") if isinstance(extra_info, dict) else None
    if task in TASKS:
        return task
    tail = str(data_source or "").rsplit("/", 1)[-1].lower()
    return tail if tail in TASKS else "open"


def compute_score_parts(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    task = _task_of(data_source, extra_info)
    fmt = format_reward(solution_str)
    acc = accuracy_reward(task, str(ground_truth), solution_str)
    return {"score": FORMAT_WEIGHT * fmt + ACCURACY_WEIGHT * acc, "format": float(fmt), "accuracy": float(acc)}


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    return compute_score_parts(data_source, solution_str, ground_truth, extra_info)["score"]


def compute_score_strict(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    parts = compute_score_parts(data_source, solution_str, ground_truth, extra_info)
    return 1.0 if parts["format"] == 1 and parts["accuracy"] == 1 else 0.0


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip() == "":
            continue
        case = json.loads(line)
        parts = compute_score_parts("dianjin/" + case["task"], case["output"], case["reference"], {"task": case["task"]})
        sys.stdout.write(json.dumps(parts) + "\n")
`;
