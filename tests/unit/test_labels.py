from dnlab import labels


def test_every_lab_resource_is_marked_with_lab_session_and_course():
    made = labels.lab_labels("exercise-6.01", "abc", "probe")
    assert made == {"dnlab.course": "docker-networking", "dnlab.lab": "exercise-6.01",
                    "dnlab.session": "abc", "dnlab.role": "probe"}
    assert labels.is_lab_owned(made)
    assert labels.is_lab_owned(made, "exercise-6.01")
    assert not labels.is_lab_owned(made, "exercise-6.02")


def test_unlabelled_things_are_never_the_labs():
    assert not labels.is_lab_owned(None)
    assert not labels.is_lab_owned({"maintainer": "someone"})


def test_filters_select_one_lab_or_all():
    assert labels.lab_filter() == {"label": ["dnlab.lab"]}
    assert labels.lab_filter("x") == {"label": ["dnlab.lab=x"]}
