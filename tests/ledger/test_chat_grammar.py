"""The chat command grammar, read without an app or a database."""

import pytest

from ledger.chat.grammar import Balance, Give, Help, Mention, Unreadable, parse, unescape


def test_a_full_command_names_points_people_kind_and_message():
    command = parse("+10 @ann <@U123ABC> <@W9|bob> #handoff thanks for the clean hand-off")
    assert command == Give(
        points=10,
        mentions=(Mention(handle="ann"), Mention(slack_user_id="U123ABC"), Mention("W9")),
        service_kind="handoff",
        message="thanks for the clean hand-off",
    )


def test_the_kind_may_come_before_the_people_and_the_plus_is_optional():
    command = parse("5 #Need @Ann.Lee the report was exactly what the board needed")
    assert command == Give(5, (Mention(handle="ann.lee"),), "need", command.message)
    assert command.message == "the report was exactly what the board needed"


def test_only_the_leading_mentions_are_recipients():
    command = parse("+3 @ann thanks, and @bob says hi & <more>")
    assert command.mentions == (Mention(handle="ann"),)
    assert command.message == "thanks, and @bob says hi & <more>"


def test_slack_escaping_is_undone_in_the_message_only():
    command = parse("+3 @ann #need fish &amp; chips &lt;3 &gt; all")
    assert command.message == "fish & chips <3 > all"
    assert unescape("&amp;lt;") == "&lt;"  # one level, as Slack escapes once


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?"])
def test_help_and_nothing_ask_for_help(text):
    assert parse(text) == Help()


def test_balance_asks_for_the_balance():
    assert parse(" balance ") == Balance()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("thanks @ann", "Start with the points"),
        ("+ten @ann #need thanks", "Start with the points"),
        ("-5 @ann #need thanks", "Start with the points"),
        ("+1234567890 @ann #need thanks", "Start with the points"),
        ("+10 thanks a lot", "Name at least one person"),
        ("+10 #need thanks a lot", "Name at least one person"),
        ("+10 @ann #need #handoff thanks", "one service kind"),
    ],
)
def test_unreadable_commands_say_what_to_write(text, says):
    command = parse(text)
    assert isinstance(command, Unreadable)
    assert says in command.reason


def test_a_zero_award_is_read_and_left_to_the_award_rules():
    assert parse("+0 @ann #need thanks").points == 0


def test_a_broken_slack_mention_is_part_of_the_message():
    command = parse("+1 @ann <@bad> #need thanks")
    assert command.mentions == (Mention(handle="ann"),)
    assert command.service_kind is None
    assert command.message == "<@bad> #need thanks"
