"""The normaliser and the similarity that confirm duplicate candidates."""

from __future__ import annotations

from aurelis.analysis.crossfile.tokens import normalise, similar_enough, similarity

ORIGINAL = '''
def invoice_total(items, rate, discount=0.0):
    """Total of an invoice."""
    subtotal = 0
    for item in items:
        if item.quantity <= 0:
            continue
        subtotal += item.price * item.quantity
    subtotal -= subtotal * discount
    return round(subtotal * (1 + rate), 2)
'''

RENAMED = '''
def order_sum(lines, tax, reduction=0.5):
    """Sum of an order."""  # same logic, other names, another default and a comment
    acc = 0
    for line in lines:
        if line.quantity <= 0:
            continue
        acc += line.price * line.quantity
    acc -= acc * reduction
    return round(acc * (1 + tax), 2)
'''

EDITED = RENAMED.replace("    acc -= acc * reduction\n", "    acc -= acc * reduction\n    log(acc)\n")

SAME_TOPIC = '''
def invoice_total(invoice):
    """Total of an invoice (a different implementation)."""
    prices = [line.price * line.quantity for line in invoice.lines if line.quantity > 0]
    total = sum(prices) - invoice.discount
    return total if total > 0 else 0
'''


def test_identifiers_and_literals_are_abstracted_keywords_and_operators_kept():
    tokens = normalise('def f(x):\n    # note\n    return x + 1.5 * len("abc") if x else None\n')
    assert tokens == [
        "def",
        "ID",
        "(",
        "ID",
        ")",
        ":",
        "return",
        "ID",
        "+",
        "NUM",
        "*",
        "ID",
        "(",
        "STR",
        ")",
        "if",
        "ID",
        "else",
        "None",
    ]


def test_fstring_is_one_literal_and_indentation_does_not_matter():
    nested = "    def m(self):\n        return f'{self.a} and {self.b}'\n"
    assert normalise(nested) == ["def", "ID", "(", "ID", ")", ":", "return", "STR"]


def test_renamed_copy_normalises_to_the_same_stream():
    assert normalise(ORIGINAL) == normalise(RENAMED)
    assert similarity(normalise(ORIGINAL), normalise(RENAMED)) == 1.0


def test_small_edit_stays_above_the_threshold():
    score = similarity(normalise(ORIGINAL), normalise(EDITED))
    assert 0.85 <= score < 1.0


def test_same_topic_different_code_is_below_the_threshold():
    assert similarity(normalise(ORIGINAL), normalise(SAME_TOPIC)) < 0.7
    assert similar_enough(normalise(ORIGINAL), normalise(SAME_TOPIC), 0.85) is None


def test_similar_enough_returns_the_score_or_none():
    a, b = normalise(ORIGINAL), normalise(EDITED)
    assert similar_enough(a, b, 0.85) == similarity(a, b)
    assert similar_enough(a, b, 0.999) is None
    assert similar_enough(a, a[:5], 0.85) is None  # length alone rules it out
    assert similar_enough([], a, 0.5) is None


def test_other_languages_and_broken_code_do_not_raise():
    js = normalise("function add(a, b) { return a + b; } // sum", "javascript")
    assert js[:2] == ["function", "ID"] and "//" not in " ".join(js)
    assert normalise("def broken(:\n  return ]", "python")  # a syntax error still yields tokens
    assert normalise("foo bar", "cobol") == ["foo", "bar"]
