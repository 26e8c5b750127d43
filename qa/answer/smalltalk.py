"""Greetings, thanks and “what can you do”: answered with what the assistant does, not from the documents."""

from __future__ import annotations

from qa.answer.render import elapsed_ms
from qa.normalize import detect_script, to_script
from qa.question.asking import ASKS
from qa.schema import Answer

HELP = (
    "我回答文库中政策文件的问题，每句话都注明出处条款。可以这样问："
    "“到2025年要达到哪些目标？”“这项工作由哪个部门牵头？”“某某局负责哪些任务？”"
    "“两份文件对数据安全分别有什么要求？”“这份方案分几个部分？”“《某某条例》第十条怎么规定的？”"
    "文件里没有的内容，我会直接说没有找到。"
)


def is_small_talk(question: str) -> bool:
    """A greeting, thanks or a question about the assistant itself.

    >>> is_small_talk("你好！"), is_small_talk("你能做什么？"), is_small_talk("你好，南昌要建多少个5G基站？")
    (True, True, False)
    """
    return bool(ASKS["small-talk"].match(question.strip()))


def help_answer(question: str, rewritten: str, started: float) -> Answer:
    """What the assistant does, after a greeting, thanks or goodbye in kind."""
    opener = "不客气！" if "谢" in question else "再见！" if "再见" in question else "您好！"
    text = to_script(opener + HELP, detect_script(question))
    return Answer(question, text, True, (), (), elapsed_ms(started), "extractive", rewritten, (), "help")
