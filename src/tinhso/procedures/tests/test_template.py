from tinhso.procedures.template import Step, check_template, main_path_hours


def steps(**changes):
    base = [
        Step("a", "one_stop_officer", 2, ("forward", "refuse"), {"forward": "b"}),
        Step("b", "specialist", 10, ("forward", "send_back"), {"forward": "c", "send_back": "a"}),
        Step("c", "leader", 2, ("approve",), {"approve": "d"}),
        Step("d", "one_stop_officer", 2, ("register_result", "return_result"), {}),
    ]
    return [changes.get(s.key, s) for s in base]


def test_a_good_template():
    assert check_template(steps()) == []
    assert main_path_hours(steps()) == 16


def codes(problems):
    return sorted((p.step, p.field, p.code) for p in problems)


def test_problems_are_named():
    assert codes(check_template([])) == [("", "steps", "empty")]
    assert codes(
        check_template(steps(b=Step("b", "boss", 10, ("forward",), {"forward": "c"})))
    ) == [("b", "role", "unknown")]
    assert codes(check_template(steps(b=Step("b", "specialist", 10, ("fly",), {})))) == [
        ("b", "actions", "unknown")
    ]
    assert codes(check_template(steps(b=Step("b", "specialist", 10, ("forward",), {})))) == [
        ("b", "transitions", "missing_target")
    ]
    assert codes(
        check_template(steps(b=Step("b", "specialist", 10, ("forward",), {"forward": "z"})))
    ) == [("b", "transitions", "unknown_step")]
    assert codes(
        check_template(
            steps(b=Step("b", "specialist", 10, ("forward",), {"forward": "c", "refuse": "a"}))
        )
    ) == [("b", "transitions", "action_not_allowed")]


def test_unreachable_steps_and_no_result():
    orphan = steps(a=Step("a", "one_stop_officer", 2, ("refuse",), {}))
    assert ("b", "key", "unreachable") in codes(check_template(orphan))
    no_result = steps(d=Step("d", "one_stop_officer", 2, ("register_result",), {}))
    assert ("", "steps", "no_result") in codes(check_template(no_result))


def test_duplicate_keys():
    twice = [*steps(), Step("a", "leader", 1, (), {})]
    assert ("a", "key", "duplicate") in codes(check_template(twice))
